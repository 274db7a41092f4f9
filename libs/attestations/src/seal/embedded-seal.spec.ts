import { randomBytes } from 'node:crypto';
import { buffer } from 'node:stream/consumers';

import PDFDocument from 'pdfkit';

import { renderMandateAttestation } from '../documents/mandate-attestation.document.js';
import { renderRevocationAttestation } from '../documents/revocation-attestation.document.js';
import { SAMPLE_SEAL, sampleMandateAttestation, sampleRevocationAttestation } from '../../test/attestation-fixtures.js';
import { readEmbeddedSeal } from './embedded-seal.js';

async function plainPdf(info: Record<string, string> = {}): Promise<Buffer> {
  const doc = new PDFDocument({ info: { Title: 'Un autre document', ...info } });
  doc.text('Bonjour');
  const bytes = buffer(doc);
  doc.end();
  return bytes;
}

const latin1 = (text: string) => Buffer.from(text, 'latin1');

describe('readEmbeddedSeal', () => {
  it('reads back the seal of a mandate attestation', async () => {
    const pdf = await renderMandateAttestation(sampleMandateAttestation());
    expect(readEmbeddedSeal(pdf)).toBe(SAMPLE_SEAL);
  });

  it('reads back the seal of a revocation attestation, from a plain Uint8Array too', async () => {
    const pdf = await renderRevocationAttestation(sampleRevocationAttestation());
    expect(readEmbeddedSeal(new Uint8Array(pdf))).toBe(SAMPLE_SEAL);
  });

  it('gives null for a PDF that is not a Relais attestation', async () => {
    expect(readEmbeddedSeal(await plainPdf())).toBeNull();
  });

  it('gives null for bytes that are not a PDF', () => {
    expect(readEmbeddedSeal(randomBytes(4096))).toBeNull();
    expect(readEmbeddedSeal(new Uint8Array())).toBeNull();
    expect(readEmbeddedSeal(latin1(`/RelaisSeal (${SAMPLE_SEAL})`))).toBeNull();
  });

  it('gives null when the entry holds something else than a compact JWS', async () => {
    expect(readEmbeddedSeal(await plainPdf({ RelaisSeal: 'not a seal' }))).toBeNull();
  });

  it('ignores a key that only starts like RelaisSeal', async () => {
    expect(readEmbeddedSeal(await plainPdf({ RelaisSealed: SAMPLE_SEAL }))).toBeNull();
  });

  it('reads a seal written directly in the dictionary, as another PDF writer may do', () => {
    const pdf = latin1(`%PDF-1.7\n1 0 obj\n<< /Title (x) /RelaisSeal (${SAMPLE_SEAL}) >>\nendobj\n%%EOF\n`);
    expect(readEmbeddedSeal(pdf)).toBe(SAMPLE_SEAL);
  });

  it('takes the last definition, as a reader does after an incremental update', async () => {
    // Given an attestation whose seal object is redefined by an appended update
    const pdf = await renderMandateAttestation(sampleMandateAttestation());
    const id = /\/RelaisSeal (\d+) 0 R/.exec(pdf.toString('latin1'))![1];
    const update = latin1(`\n${id} 0 obj\n(a.b.c)\nendobj\n%%EOF\n`);
    // Then the updated value is the one read
    expect(readEmbeddedSeal(Buffer.concat([pdf, update]))).toBe('a.b.c');
  });
});
