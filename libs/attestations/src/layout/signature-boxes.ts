import { toWinAnsi } from '../text/win-ansi.js';
import type { AttestationLayout } from './attestation-layout.js';
import { THEME } from './theme.js';

export interface Signatory {
  /** « Signature de la personne aidée » */
  label: string;
  name: string;
}

const BOX_HEIGHT = 130;
const GAP = 18;
const PADDING = 10;

/** Two framed boxes side by side, with room to sign by hand and to write the date. */
export function drawSignatureBoxes(layout: AttestationLayout, signatories: [Signatory, Signatory]): void {
  const { doc } = layout;
  layout.heading('Signatures', BOX_HEIGHT + 30);
  layout.paragraph('Chaque personne signe à la main dans son cadre.');
  const top = doc.y + 4;
  const width = (layout.width - GAP) / 2;
  signatories.forEach((signatory, index) => {
    const x = layout.left + index * (width + GAP);
    layout.artifact(() => doc.lineWidth(1).rect(x, top, width, BOX_HEIGHT).stroke(THEME.colors.rule));
    layout.tagged('P', () => {
      layout.useFont('bold').doc.text(toWinAnsi(signatory.label), x + PADDING, top + PADDING, {
        width: width - 2 * PADDING,
      });
      // Two lines at most, so the name never runs into the room left to sign.
      layout.useFont('regular', THEME.sizes.small).doc.text(toWinAnsi(signatory.name), {
        width: width - 2 * PADDING,
        height: 2 * doc.currentLineHeight(true),
        ellipsis: true,
      });
    });
    layout.useFont('regular', THEME.sizes.small, THEME.colors.muted);
    layout.tagged('P', () =>
      doc.text('Date :', x + PADDING, top + BOX_HEIGHT - PADDING - 14, { width: width - 2 * PADDING }),
    );
  });
  doc.x = layout.left;
  doc.y = top + BOX_HEIGHT;
}
