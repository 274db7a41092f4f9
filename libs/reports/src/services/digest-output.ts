import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Writes to a stream with backpressure, hashing (SHA-256) and counting what went through. */
export class DigestOutput {
  private readonly digest = createHash('sha256');
  bytes = 0;

  constructor(private readonly target: Writable) {}

  async write(chunk: string | Buffer): Promise<void> {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    this.digest.update(buffer);
    this.bytes += buffer.length;
    if (!this.target.write(buffer)) await once(this.target, 'drain');
  }

  /** Ends the stream and waits until it has written everything. */
  async end(): Promise<string> {
    const finished = once(this.target, 'finish');
    this.target.end();
    await finished;
    return this.digest.digest('hex');
  }
}
