import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { Injectable } from '@nestjs/common';
import { type PublicJwks, Signer, VerificationFailure, verifyWithJwks } from '@relais/signing';
import { parse } from 'csv-parse';

import { type ChainProblem, CsvChainWalker } from '../csv/csv-chain-walker.js';
import { CSV_DELIMITER } from '../csv/report-csv.js';
import { ReportFormat } from '../enums/report-format.enum.js';
import { REPORT_KIND, type ReportAnchor, type ReportManifest } from '../interfaces/report-manifest.interface.js';

/** What checking an export against its signature file says. */
export interface ReportVerification {
  /** The signature is the platform's (any of its keys, retired ones too) and covers this very file. */
  genuine: boolean;
  /** Why the signature file was refused, when it was. */
  signatureProblem: VerificationFailure | 'not_a_report' | null;
  /** The file's SHA-256 is the one signed. */
  fileUnchanged: boolean;
  kid: string | null;
  manifest: ReportManifest | null;
  /** The rows chain from anchor to anchor with no gap and none altered (CSV); null when not checked (PDF). */
  complete: boolean | null;
  entries: number;
  problem: ChainProblem | null;
  /** The signed audit checkpoints the anchors rely on, each verified on its own. */
  checkpoints: { seq: string; valid: boolean }[];
}

type Verify = (
  jws: string,
) => Promise<
  | { valid: true; kid: string; payload: Record<string, unknown> }
  | { valid: false; reason: VerificationFailure; kid?: string }
>;

const isManifest = (payload: Record<string, unknown>): payload is Record<string, unknown> & ReportManifest =>
  payload.kind === REPORT_KIND &&
  payload.version === 1 &&
  (payload.format === ReportFormat.Csv || payload.format === ReportFormat.Pdf) &&
  typeof payload.sha256 === 'string' &&
  typeof payload.anchors === 'object';

/**
 * Verifies an export: the detached signature (platform key, rotated keys included), the file's
 * digest, the checkpoints of its anchors, and for a CSV the chain row by row.
 */
@Injectable()
export class ReportVerifier {
  constructor(private readonly signer: Signer) {}

  verify(file: Readable | Buffer, signature: string): Promise<ReportVerification> {
    return verifyReport(file, signature, (jws) => this.signer.verify(jws));
  }

  /** Offline: with the platform's published JWKS instead of the key store. */
  static offline(file: Readable | Buffer, signature: string, jwks: PublicJwks): Promise<ReportVerification> {
    return verifyReport(file, signature, (jws) => verifyWithJwks(jws, jwks));
  }
}

async function verifyReport(file: Readable | Buffer, signature: string, verify: Verify): Promise<ReportVerification> {
  const result: ReportVerification = {
    genuine: false,
    signatureProblem: null,
    fileUnchanged: false,
    kid: null,
    manifest: null,
    complete: null,
    entries: 0,
    problem: null,
    checkpoints: [],
  };
  const checked = await verify(signature.trim());
  if (!checked.valid) {
    result.signatureProblem = checked.reason;
    return result;
  }
  if (!isManifest(checked.payload)) {
    result.signatureProblem = 'not_a_report';
    return result;
  }
  const manifest = checked.payload;
  result.kid = checked.kid;
  result.manifest = manifest;
  result.checkpoints = await Promise.all(
    [manifest.anchors.start, manifest.anchors.end]
      .filter((anchor) => anchor.checkpoint)
      .map(async (anchor) => ({ seq: anchor.seq, valid: await checkpointStates(anchor, verify) })),
  );

  const digest = createHash('sha256');
  const stream = Buffer.isBuffer(file) ? Readable.from([file]) : file;
  stream.on('data', (chunk: Buffer) => digest.update(chunk));
  if (manifest.format === ReportFormat.Csv) {
    const walker = new CsvChainWalker(manifest.anchors.start);
    let header = true;
    let readable = true;
    const parser = parse({ delimiter: CSV_DELIMITER, bom: true, relax_column_count: true });
    parser.on('data', (record: string[]) => {
      if (header) {
        header = false;
        readable = CsvChainWalker.headerMatches(record);
      } else if (readable) walker.feed(record);
    });
    try {
      await pipeline(stream, parser);
    } catch {
      readable = false;
    }
    result.entries = walker.entries;
    result.problem = readable ? walker.finish(manifest.anchors.end, manifest.count) : { kind: 'unreadable', row: 1 };
    result.complete = result.problem === null && result.checkpoints.every((checkpoint) => checkpoint.valid);
  } else {
    await pipeline(stream, new Writable({ write: (_chunk, _encoding, done) => done() }));
  }
  result.fileUnchanged = digest.digest('hex') === manifest.sha256;
  result.genuine = result.fileUnchanged;
  return result;
}

/** The checkpoint's own signature is good and states exactly the anchor's seq and hash. */
async function checkpointStates(anchor: ReportAnchor, verify: Verify): Promise<boolean> {
  const checked = await verify(anchor.checkpoint!);
  return checked.valid && checked.payload.seq === anchor.seq && checked.payload.hash === anchor.hash;
}
