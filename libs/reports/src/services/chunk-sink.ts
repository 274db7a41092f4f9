import { Writable } from 'node:stream';

import type { DataSource } from 'typeorm';

/** Size of one stored piece of an export file. */
export const CHUNK_BYTES = 1024 * 1024;

/** A stream into report_export_chunks: 1 MiB rows, written one after the other (backpressure). */
export class ChunkSink extends Writable {
  private pending: Buffer[] = [];
  private size = 0;
  private n = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly exportId: string,
  ) {
    super({ highWaterMark: CHUNK_BYTES });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.pending.push(chunk);
    this.size += chunk.length;
    if (this.size < CHUNK_BYTES) return done();
    this.flush().then(() => done(), done);
  }

  override _final(done: (error?: Error | null) => void): void {
    this.flush().then(() => done(), done);
  }

  private async flush(): Promise<void> {
    if (this.size === 0) return;
    const data = Buffer.concat(this.pending, this.size);
    this.pending = [];
    this.size = 0;
    await this.dataSource.query('INSERT INTO report_export_chunks (export_id, n, data) VALUES ($1, $2, $3)', [
      this.exportId,
      this.n++,
      data,
    ]);
  }
}
