import type { Server } from 'node:http';
import type { Socket } from 'node:net';

import { DomainException, ErrorCode, errorText } from '@relais/exceptions';
import type { NextFunction, Request, Response } from 'express';

/** The longest URL Relais answers (nginx's default header buffer is 8 KiB too); longer → 414. */
export const MAX_URL_LENGTH = 8 * 1024;

/**
 * multer limits of an upload form: its files (count and size), and few, short text fields (the
 * CSRF token travels in the query), so that a multipart body cannot be made of thousands of parts.
 */
export function uploadLimits({ fileSize, files }: { fileSize: number; files: number }) {
  return {
    limits: { fileSize, files, fields: 5, fieldSize: 1024, fieldNameSize: 100, parts: files + 5, headerPairs: 20 },
  };
}

/** How long a connection whose headers overflowed may keep sending before it is closed (to read our answer). */
const DRAIN_MS = 2_000;

/** Refuses a URL over MAX_URL_LENGTH with the French 414 page (or JSON), before any route parses it. */
export function urlLengthLimit() {
  return (req: Request, _res: Response, next: NextFunction) =>
    next(req.originalUrl.length > MAX_URL_LENGTH ? new DomainException(ErrorCode.UriTooLong) : undefined);
}

/** Node's own answers to the other client errors (lib/_http_server.js), kept when we listen to 'clientError'. */
const NODE_ANSWERS: Record<string, string> = {
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 'HTTP/1.1 413 Payload Too Large\r\nConnection: close\r\n\r\n',
  ERR_HTTP_REQUEST_TIMEOUT: 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n',
  default: 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n',
};

/** A plain page, since Express never sees these requests: no template, no value from the request. */
function page(code: ErrorCode.UriTooLong | ErrorCode.HeadersTooLarge): string {
  const { status, title, message } = errorText(code);
  const html = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${title} — Relais</title></head><body><main><h1>${title}</h1><p>${message}</p><p><a href="/">Retour à l’accueil</a></p></main></body></html>`;
  const reason = status === 414 ? 'URI Too Long' : 'Request Header Fields Too Large';
  return [
    `HTTP/1.1 ${status} ${reason}`,
    'Content-Type: text/html; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(html)}`,
    'Connection: close',
    'Cache-Control: no-store',
    'X-Content-Type-Options: nosniff',
    '',
    html,
  ].join('\r\n');
}

/**
 * Requests whose request line or headers exceed Node's limit (maxHeaderSize, 16 KiB) never reach
 * Express. Node would answer 431 and destroy the socket at once, so a client still sending gets a
 * connection reset instead of the answer. Here: 414 when the request line alone overflowed, 431
 * otherwise, then the rest of what the client sends is read and dropped for DRAIN_MS, so the
 * answer arrives.
 */
export function answerOversizedRequests(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Socket) => {
    // As Node does: answer only when no response of this connection has started.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    const mayAnswer = socket.writable && !inFlight?.headersSent;
    if (error.code !== 'HPE_HEADER_OVERFLOW' || !mayAnswer) {
      if (mayAnswer) socket.write(NODE_ANSWERS[error.code ?? ''] ?? NODE_ANSWERS.default);
      socket.destroy();
      return;
    }
    // What was received so far starts with the request line: over MAX_URL_LENGTH, the URL is to blame.
    const lineEnd = error.rawPacket?.indexOf('\r\n') ?? 0;
    const urlTooLong = lineEnd === -1 || lineEnd > MAX_URL_LENGTH;
    socket.end(page(urlTooLong ? ErrorCode.UriTooLong : ErrorCode.HeadersTooLarge));
    socket.on('data', () => undefined).resume();
    socket.setTimeout(DRAIN_MS, () => socket.destroy());
    socket.once('end', () => socket.destroy());
  });
}
