import QRCode from 'qrcode';

import { drawQrCode, QUIET_ZONE_MODULES } from './qr-code.js';

/** Records the rectangles and fills pdfkit would receive. */
function recordingDocument() {
  const calls: { rects: number[][]; fills: { color: string; rects: number }[] } = { rects: [], fills: [] };
  let pending = 0;
  const doc = {
    rect(x: number, y: number, w: number, h: number) {
      calls.rects.push([x, y, w, h]);
      pending++;
      return doc;
    },
    fill(color: string) {
      calls.fills.push({ color, rects: pending });
      pending = 0;
      return doc;
    },
  };
  return { doc: doc as unknown as PDFKit.PDFDocument, calls };
}

describe('drawQrCode', () => {
  const url = 'http://localhost:3000/verify/K7F3-9QX2-MA4T-7RBC';

  it('paints exactly the dark modules of the symbol, at the asked size', () => {
    // Given the symbol qrcode computes for the URL
    const { modules } = QRCode.create(url, { errorCorrectionLevel: 'M' });
    const dark = Array.from(modules.data).filter(Boolean).length;
    const { doc, calls } = recordingDocument();
    // When it is drawn 99 points wide
    drawQrCode(doc, url, { x: 100, y: 200, size: 99 });
    // Then the black rectangles cover the dark modules, no more, inside the symbol's square
    const module = 99 / modules.size;
    const [, ...squares] = calls.rects;
    const area = squares.reduce((sum, [, , w, h]) => sum + w * h, 0);
    expect(area / module ** 2).toBeCloseTo(dark, 6);
    for (const [x, y, w, h] of squares) {
      expect(x).toBeGreaterThanOrEqual(100);
      expect(y).toBeGreaterThanOrEqual(200);
      expect(x + w).toBeLessThanOrEqual(199 + 1e-9);
      expect(y + h).toBeLessThanOrEqual(299 + 1e-9);
    }
    expect(calls.fills.at(-1)).toEqual({ color: '#000000', rects: squares.length });
  });

  it('lays the symbol on a white square that includes the quiet zone', () => {
    const { doc, calls } = recordingDocument();
    const side = drawQrCode(doc, url, { x: 100, y: 200, size: 99 });
    const quiet = (99 / QRCode.create(url, { errorCorrectionLevel: 'M' }).modules.size) * QUIET_ZONE_MODULES;
    expect(calls.rects[0]).toEqual([100 - quiet, 200 - quiet, side, side]);
    expect(side).toBeCloseTo(99 + 2 * quiet, 9);
    expect(calls.fills[0]).toEqual({ color: '#ffffff', rects: 1 });
  });
});
