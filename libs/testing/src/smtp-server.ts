import type { AddressInfo } from 'node:net';

import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerError } from 'smtp-server';

export interface ReceivedEmail {
  /** Envelope recipients (RCPT TO). */
  to: string[];
  /** The From header as written. */
  from: string;
  subject: string;
  text: string;
  messageId: string;
  headers: Map<string, unknown>;
}

export interface TestSmtpServerOptions {
  /** Answer RCPT TO with this reply (e.g. 550) for the recipients it matches. */
  refuse?: { recipient: (address: string) => boolean; code: number; message: string };
  /** Wait this long before accepting each message, to make deliveries overlap. */
  delayMs?: number;
}

export interface TestSmtpServer {
  /** smtp://127.0.0.1:<port>, for SMTP_URL. */
  url: string;
  /** Every message accepted so far, parsed. */
  received: ReceivedEmail[];
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 (random port, no TLS, no login) that keeps what it accepts. */
export async function startTestSmtpServer(options: TestSmtpServerOptions = {}): Promise<TestSmtpServer> {
  const received: ReceivedEmail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const { refuse } = options;
      if (refuse?.recipient(address.address)) {
        const error: SMTPServerError = new Error(refuse.message);
        error.responseCode = refuse.code;
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then(async (mail) => {
          if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
          received.push({
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            from: mail.from?.text ?? '',
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            messageId: mail.messageId ?? '',
            headers: mail.headers,
          });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
