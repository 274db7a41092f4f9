import QRCode from 'qrcode';

/** Light modules around the symbol, as ISO/IEC 18004 asks, so a phone finds its edges. */
export const QUIET_ZONE_MODULES = 4;

export interface QrPlacement {
  x: number;
  y: number;
  /** Side of the symbol itself, quiet zone excluded. */
  size: number;
}

/**
 * Draws the QR code of `text` as vector squares (sharp at any zoom or print resolution), dark
 * runs of a row merged into one rectangle, on a white square that includes the quiet zone.
 * Returns the side of that white square.
 */
export function drawQrCode(doc: PDFKit.PDFDocument, text: string, { x, y, size }: QrPlacement): number {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const count = modules.size;
  const module = size / count;
  const quiet = QUIET_ZONE_MODULES * module;
  doc.rect(x - quiet, y - quiet, size + 2 * quiet, size + 2 * quiet).fill('#ffffff');
  for (let row = 0; row < count; row++) {
    let column = 0;
    while (column < count) {
      if (!modules.get(row, column)) {
        column++;
        continue;
      }
      const start = column;
      while (column < count && modules.get(row, column)) column++;
      doc.rect(x + start * module, y + row * module, (column - start) * module, module);
    }
  }
  doc.fill('#000000');
  return size + 2 * quiet;
}
