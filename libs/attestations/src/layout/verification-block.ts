import type { AttestationVerification } from '../interfaces/attestation-verification.interface.js';
import { toWinAnsi } from '../text/win-ansi.js';
import type { AttestationLayout } from './attestation-layout.js';
import { drawQrCode, QUIET_ZONE_MODULES } from './qr-code.js';
import { THEME } from './theme.js';

/** 3.5 cm, in points. */
const QR_SIZE = (3.5 / 2.54) * 72;
/** Upper bound of the quiet zone: the smallest symbol has 21 modules. */
const QR_QUIET = (QR_SIZE / 21) * QUIET_ZONE_MODULES;
const PADDING = 12;
const GAP = 8;
const SENTENCE = 'Pour vérifier cette attestation\u00a0: scannez le code QR ou allez sur';
const CODE_LABEL = 'Code de l’attestation\u00a0:';

/**
 * A tinted panel: the QR code of the verification page on the left; on the right, the sentence
 * that says how to verify, the page address (a link) and the attestation code in large type.
 */
export function drawVerificationBlock(layout: AttestationLayout, verification: AttestationVerification): void {
  const { doc } = layout;
  const url = toWinAnsi(verification.url);
  const code = toWinAnsi(verification.code);
  const qrBox = QR_SIZE + 2 * QR_QUIET;
  const textX = layout.left + PADDING + qrBox + PADDING;
  const textWidth = layout.left + layout.width - PADDING - textX;
  const heights = [
    layout.useFont('regular').measure(SENTENCE, textWidth),
    layout.useFont('bold').measure(url, textWidth),
    layout.useFont('regular', THEME.sizes.small).measure(CODE_LABEL, textWidth),
    layout.useFont('monoBold', THEME.sizes.code).measure(code, textWidth),
  ];
  const textHeight = heights.reduce((sum, height) => sum + height, 0) + 2 * GAP;
  const height = Math.max(qrBox, textHeight) + 2 * PADDING;

  layout.heading('Vérifier cette attestation', height + 4);
  const top = doc.y + 4;
  layout.artifact(() =>
    doc
      .lineWidth(1)
      .rect(layout.left, top, layout.width, height)
      .fillAndStroke(THEME.colors.panel, THEME.colors.heading),
  );
  layout.tagged('Figure', () => drawQrCode(doc, verification.url, qrPlacement(layout.left, top, height)), {
    alt: `Code QR vers la page de vérification ${url}`,
  });

  let y = top + (height - textHeight) / 2;
  layout.useFont('regular');
  layout.tagged('P', () => doc.text(SENTENCE, textX, y, { width: textWidth, lineGap: THEME.lineGap }));
  y += heights[0];
  const link = layout.group('P');
  layout.useFont('bold', THEME.sizes.body, THEME.colors.heading);
  layout.tagged(
    'Link',
    () =>
      doc.text(url, textX, y, { width: textWidth, lineGap: THEME.lineGap, link: verification.url, underline: true }),
    {},
    link,
  );
  link.end();
  y += heights[1] + 2 * GAP;
  layout.tagged('P', () => {
    layout
      .useFont('regular', THEME.sizes.small, THEME.colors.muted)
      .doc.text(CODE_LABEL, textX, y, { width: textWidth });
    layout.useFont('monoBold', THEME.sizes.code).doc.text(code, textX, y + heights[2], { width: textWidth });
  });
  layout.useFont('regular');
  doc.x = layout.left;
  doc.y = top + height;
}

/** The symbol centred in the white square of its quiet zone, itself centred in the panel's height. */
function qrPlacement(left: number, top: number, height: number) {
  return { x: left + PADDING + QR_QUIET, y: top + (height - QR_SIZE) / 2, size: QR_SIZE };
}
