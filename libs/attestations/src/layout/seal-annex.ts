import type { AttestationLayout } from './attestation-layout.js';
import { THEME } from './theme.js';

const EXPLANATION =
  'Ce long code est la signature électronique de Relais. Il prouve que l’attestation n’a pas été modifiée. ' +
  'Il permet de la vérifier, même sans internet. Vous n’avez rien à faire avec ce code.';

/**
 * The full seal (compact JWS) in small monospace, cut into lines of equal length, so the document
 * can be checked offline against the platform's published keys. Kept on one page with its heading.
 */
export function drawSealAnnex(layout: AttestationLayout, seal: string): void {
  const { doc } = layout;
  layout.useFont('mono', THEME.sizes.seal);
  const perLine = Math.floor(layout.width / doc.widthOfString('M'));
  const lines = seal.match(new RegExp(`.{1,${perLine}}`, 'g')) ?? [];
  const lineHeight = doc.currentLineHeight(true) + 1;
  const explanationHeight = layout.useFont('regular').measure(EXPLANATION) + THEME.paragraphGap;

  layout.heading('Annexe\u00a0: code de vérification', explanationHeight + lines.length * lineHeight);
  layout.paragraph(EXPLANATION);
  layout.useFont('mono', THEME.sizes.seal);
  layout.tagged('Code', () => {
    for (const line of lines) {
      layout.ensureSpace(lineHeight); // only a seal longer than a page gets here at a page end
      const top = doc.y;
      doc.text(line, layout.left, top, { lineBreak: false });
      doc.y = top + lineHeight;
    }
  });
  doc.x = layout.left;
}
