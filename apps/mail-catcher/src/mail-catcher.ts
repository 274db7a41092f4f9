import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Server } from 'node:net';

import { frenchDateTime } from '@relais/dates';
import { simpleParser } from 'mailparser';
import nunjucks from 'nunjucks';
import { SMTPServer } from 'smtp-server';

import { MAIL_CATCHER_CSS, MAIL_CATCHER_PAGE } from './mail-catcher-page.js';

/** One message the catcher accepted. */
export interface CaughtMail {
  id: string;
  receivedAt: Date;
  /** Envelope recipients (RCPT TO). */
  to: string[];
  from: string;
  subject: string;
  text: string;
}

export interface MailCatcherOptions {
  /** 1025 in the demo; 0 for any free port. */
  smtpPort: number;
  /** 1080 in the demo; 0 for any free port. */
  httpPort: number;
  /** 127.0.0.1: the mails hold personal data, the page is never served to the network by default. */
  host: string;
  /** The oldest mails are forgotten past this many (memory only). */
  limit: number;
}

export interface RunningMailCatcher {
  /** smtp://<host>:<port>, for SMTP_URL. */
  smtpUrl: string;
  /** http://<host>:<port>/, the page. */
  pageUrl: string;
  /** Newest first. */
  mails(): CaughtMail[];
  close(): Promise<void>;
}

/** Messages larger than this are refused (the outbox sends short plain-text emails). */
const MAX_MESSAGE_BYTES = 1_000_000;

/**
 * A development stand-in for a mail server: accepts every message by SMTP (no TLS, no login),
 * keeps the last `limit` in memory, and shows them on a read-only French page, newest first.
 * Nothing is written to disk and nothing is logged about a message.
 */
export async function startMailCatcher(options: MailCatcherOptions): Promise<RunningMailCatcher> {
  const caught: CaughtMail[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: MAX_MESSAGE_BYTES,
    banner: 'Relais mail catcher (development only)',
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          caught.unshift({
            id: randomUUID(),
            receivedAt: new Date(),
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            from: mail.from?.text ?? '',
            subject: mail.subject ?? '',
            text: mail.text ?? '',
          });
          caught.length = Math.min(caught.length, options.limit);
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  const views = new nunjucks.Environment(null, { autoescape: true, throwOnUndefined: true });
  const http = createServer((request, response) => answer(request, response, caught, views));

  await listen(smtp, options.smtpPort, options.host);
  // From now on an error is one client's connection failing (SMTPServer emits it): not ours to stop for.
  smtp.on('error', () => undefined);
  try {
    await listen(http, options.httpPort, options.host);
  } catch (error) {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    throw error;
  }
  const urlHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    smtpUrl: `smtp://${urlHost}:${(smtp.server.address() as AddressInfo).port}`,
    pageUrl: `http://${urlHost}:${(http.address() as AddressInfo).port}/`,
    mails: () => [...caught],
    close: async () => {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** Resolves once listening; rejects with the listen error (EADDRINUSE names the address). */
function listen(server: SMTPServer | Server, port: number, host: string): Promise<void> {
  const events = server as unknown as NodeJS.EventEmitter;
  return new Promise((resolve, reject) => {
    events.once('error', reject);
    server.listen(port, host, () => {
      events.off('error', reject);
      resolve();
    });
  });
}

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/** GET / (the page), GET /mail-catcher.css, GET /messages.json; nothing else, nothing written. */
function answer(
  request: IncomingMessage,
  response: ServerResponse,
  caught: CaughtMail[],
  views: nunjucks.Environment,
): void {
  const path = new URL(request.url ?? '/', 'http://catcher').pathname;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    send(response, 405, 'text/plain; charset=utf-8', 'Cette page se consulte seulement.\n', { Allow: 'GET, HEAD' });
    return;
  }
  if (path === '/') {
    const mails = caught.map((mail) => ({ ...mail, receivedAtText: frenchDateTime(mail.receivedAt) }));
    send(response, 200, 'text/html; charset=utf-8', views.renderString(MAIL_CATCHER_PAGE, { mails }));
  } else if (path === '/mail-catcher.css') {
    send(response, 200, 'text/css; charset=utf-8', MAIL_CATCHER_CSS);
  } else if (path === '/messages.json') {
    send(response, 200, 'application/json; charset=utf-8', JSON.stringify(caught));
  } else {
    send(response, 404, 'text/plain; charset=utf-8', 'Page introuvable. Les messages sont sur la page d’accueil : /\n');
  }
}

function send(
  response: ServerResponse,
  status: number,
  type: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { ...SECURITY_HEADERS, ...headers, 'Content-Type': type });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}
