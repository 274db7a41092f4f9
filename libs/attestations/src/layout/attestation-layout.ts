import { buffer } from 'node:stream/consumers';

import PDFDocument from 'pdfkit';

import { ARABIC_FONT, arabicFontFiles } from '../fonts/script-fonts.js';
import { SEAL_INFO_KEY } from '../seal/embedded-seal.js';
import { rightToLeftLines, type VisualPiece } from '../text/right-to-left.js';
import { toWinAnsi } from '../text/win-ansi.js';
import { type FontStyle, THEME } from './theme.js';

/** What goes in the PDF information dictionary. */
export interface AttestationInfo {
  title: string;
  subject: string;
  /** The date the attestation speaks for (consent, revocation): the same input gives the same bytes. */
  issuedAt: Date;
  seal: string;
}

type StructureElement = PDFKit.PDFStructureElement;

/** Arabic needs taller lines than Latin text: its letters rise and fall further. */
const RTL_LINE_HEIGHT = THEME.sizes.body * 1.8;
const RTL_BASELINE = THEME.sizes.body * 1.25;

/**
 * A tagged A4 document written top to bottom: headings, paragraphs and lists, each kept whole on a
 * page, every string made drawable by the standard fonts, page footers added at the end.
 */
export class AttestationLayout {
  readonly doc: PDFKit.PDFDocument;
  private readonly root: StructureElement;
  /** The fill colour in use: a new page starts black, so a page break sets it again. */
  private color: string = THEME.colors.text;

  constructor(info: AttestationInfo) {
    const metadata: PDFKit.DocumentInfo & Record<typeof SEAL_INFO_KEY, string> = {
      Title: info.title,
      Author: 'Relais',
      Subject: info.subject,
      Creator: 'Relais',
      CreationDate: info.issuedAt,
      [SEAL_INFO_KEY]: info.seal,
    };
    this.doc = new PDFDocument({
      size: 'A4',
      margins: THEME.margins,
      bufferPages: true,
      pdfVersion: '1.7',
      lang: 'fr-FR',
      tagged: true,
      displayTitle: true,
      info: metadata,
    });
    this.root = this.doc.struct('Document');
    this.doc.addStructure(this.root);
  }

  get left(): number {
    return this.doc.page.margins.left;
  }

  get width(): number {
    return this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
  }

  private get bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  private get atPageTop(): boolean {
    return this.doc.y <= this.doc.page.margins.top + 0.5;
  }

  /** Starts a new page unless `height` points still fit on this one (open tags continue there). */
  ensureSpace(height: number): void {
    if (this.doc.y + height <= this.bottom) return;
    this.doc.continueOnNewPage();
    this.doc.fillColor(this.color);
  }

  space(points: number): void {
    if (!this.atPageTop) this.doc.y += points;
  }

  useFont(style: FontStyle, size: number = THEME.sizes.body, color: string = THEME.colors.text): this {
    this.doc.font(THEME.fonts[style]).fontSize(size).fillColor(color);
    this.color = color;
    return this;
  }

  /** Height of `text` in the current font over `width`. */
  measure(text: string, width = this.width): number {
    return this.doc.heightOfString(toWinAnsi(text), { width, lineGap: THEME.lineGap });
  }

  /** Draws through `draw` as a structure element of `type` (H1, P, Figure…) for screen readers. */
  tagged(
    type: string,
    draw: () => void,
    options: PDFKit.Mixins.StructureElementOptions = {},
    parent = this.root,
  ): void {
    parent.add(this.doc.struct(type, options, draw));
  }

  /** A structure element to fill with children (a list, a link in a paragraph). */
  group(type: string, parent = this.root, options: PDFKit.Mixins.StructureElementOptions = {}): StructureElement {
    const element = this.doc.struct(type, options);
    parent.add(element);
    return element;
  }

  /** Draws decoration (frames, rules, footers) that screen readers skip. */
  artifact(draw: () => void, type?: 'Pagination' | 'Layout'): void {
    this.doc.markContent('Artifact', type ? { type } : undefined);
    draw();
    this.doc.endMarkedContent();
  }

  title(text: string, lead: string): void {
    this.useFont('bold', THEME.sizes.brand, THEME.colors.heading);
    this.artifact(() => this.doc.text('RELAIS', this.left, this.doc.y, { characterSpacing: 1.5 }));
    this.doc.moveDown(0.4);
    this.useFont('bold', THEME.sizes.title, THEME.colors.heading);
    this.tagged('H1', () => this.doc.text(toWinAnsi(text), { width: this.width }));
    this.doc.moveDown(0.3);
    this.useFont('regular', THEME.sizes.lead);
    this.tagged('P', () => this.doc.text(toWinAnsi(lead), { width: this.width, lineGap: THEME.lineGap }));
  }

  /** A section heading, kept on the same page as the first `keepWith` points that follow it. */
  heading(text: string, keepWith = 40): void {
    this.space(THEME.sectionGap);
    this.useFont('bold', THEME.sizes.heading, THEME.colors.heading);
    this.ensureSpace(this.measure(text) + 6 + keepWith);
    this.tagged('H2', () => this.doc.text(toWinAnsi(text), this.left, this.doc.y, { width: this.width }));
    this.doc.y += 6;
  }

  paragraph(text: string): void {
    this.useFont('regular');
    this.ensureSpace(this.measure(text));
    this.tagged('P', () => this.doc.text(toWinAnsi(text), this.left, this.doc.y, this.textOptions()));
    this.doc.y += THEME.paragraphGap;
  }

  /** "Label : value" with the label in bold, as one paragraph. */
  labelled(label: string, value: string): void {
    this.useFont('bold');
    this.ensureSpace(this.measure(`${label} ${value}`));
    this.tagged('P', () => {
      this.doc.text(toWinAnsi(`${label} `), this.left, this.doc.y, { ...this.textOptions(), continued: true });
      this.useFont('regular').doc.text(toWinAnsi(value), this.textOptions());
    });
    this.doc.y += THEME.paragraphGap;
  }

  bullets(items: string[]): void {
    const indent = 18;
    const list = this.group('L');
    this.useFont('regular');
    for (const item of items) {
      this.ensureSpace(this.measure(item, this.width - indent));
      const top = this.doc.y;
      this.tagged(
        'LI',
        () => {
          this.useFont('bold', THEME.sizes.body, THEME.colors.heading).doc.text('•', this.left + 4, top);
          this.useFont('regular').doc.text(toWinAnsi(item), this.left + indent, top, this.textOptions(indent));
        },
        {},
        list,
      );
      this.doc.y += 3;
    }
    list.end();
    this.doc.x = this.left;
    this.doc.y += THEME.paragraphGap - 3;
  }

  /**
   * Words quoted as they were shown, each paragraph beside a rule. `lang` tags a translation with
   * its language (BCP 47) for screen readers; a right-to-left one is drawn from the right margin,
   * its rule on the right.
   */
  quotation(paragraphs: string[], language: { lang?: string; dir?: 'ltr' | 'rtl' } = {}): void {
    const indent = 16;
    const quote = this.group('BlockQuote', this.root, language.lang ? { lang: language.lang } : {});
    const rtl = language.dir === 'rtl';
    this.useFont('regular');
    paragraphs.forEach((text, index) => {
      const lines = rtl ? this.rightToLeft(text, this.width - indent) : [];
      const height = rtl ? lines.length * RTL_LINE_HEIGHT : this.measure(text, this.width - indent);
      this.ensureSpace(height);
      const top = this.doc.y;
      const full = index < paragraphs.length - 1 ? height + THEME.paragraphGap : height; // one unbroken rule
      const rule = Math.min(full, this.bottom - top);
      const ruleX = rtl ? this.left + this.width - 3 : this.left;
      this.artifact(() =>
        this.doc
          .rect(ruleX, top - 2, 3, rule + 2)
          .fill(THEME.colors.heading)
          .fillColor(THEME.colors.text),
      );
      this.tagged(
        'P',
        () =>
          rtl
            ? this.drawRightToLeft(lines, this.left + this.width - indent, top)
            : this.doc.text(toWinAnsi(text), this.left + indent, top, this.textOptions(indent)),
        // What a screen reader or a copy reads: the words in logical order, not the shaped glyphs.
        rtl ? { actual: text } : {},
        quote,
      );
      this.useFont('regular');
      this.doc.y = top + height + THEME.paragraphGap;
    });
    quote.end();
    this.doc.x = this.left;
  }

  /** A right-to-left paragraph in lines of pieces (Arabic shaped in its embedded font, Latin in Helvetica). */
  private rightToLeft(text: string, width: number): VisualPiece[][] {
    this.registerArabic();
    return rightToLeftLines(text, width, (piece, font) => {
      this.pieceFont(font);
      return this.doc.widthOfString(font === 'latin' ? toWinAnsi(piece) : piece);
    });
  }

  /** Draws lines ending at `right`, from `top`: each line's pieces left to right on one baseline. */
  private drawRightToLeft(lines: VisualPiece[][], right: number, top: number): void {
    lines.forEach((pieces, index) => {
      const texts = pieces.map((piece) => (piece.font === 'latin' ? toWinAnsi(piece.text) : piece.text));
      const widths = pieces.map((piece, at) => {
        this.pieceFont(piece.font);
        return this.doc.widthOfString(texts[at]);
      });
      let x = right - widths.reduce((sum, width) => sum + width, 0);
      const baseline = top + index * RTL_LINE_HEIGHT + RTL_BASELINE;
      pieces.forEach((piece, at) => {
        this.pieceFont(piece.font);
        this.doc.text(texts[at], x, baseline, { lineBreak: false, baseline: 'alphabetic' });
        x += widths[at];
      });
    });
  }

  private pieceFont(font: VisualPiece['font']): void {
    this.doc.font(font === 'arabic' ? ARABIC_FONT.regular : THEME.fonts.regular).fontSize(THEME.sizes.body);
  }

  private arabicRegistered = false;

  private registerArabic(): void {
    if (this.arabicRegistered) return;
    const files = arabicFontFiles();
    this.doc.registerFont(ARABIC_FONT.regular, files.regular);
    this.doc.registerFont(ARABIC_FONT.bold, files.bold);
    this.arabicRegistered = true;
  }

  /** Adds the footer of every page ("Mandat n° …", "Page 1 sur 2") and gives the PDF bytes. */
  async finish(footer: string): Promise<Buffer> {
    const { start, count } = this.doc.bufferedPageRange();
    for (let index = start; index < start + count; index++) {
      this.doc.switchToPage(index);
      this.drawFooter(toWinAnsi(footer), `Page ${index - start + 1} sur ${count}`);
    }
    this.root.end();
    const bytes = buffer(this.doc);
    this.doc.end();
    return bytes;
  }

  private drawFooter(left: string, right: string): void {
    const { page } = this.doc;
    const bottomMargin = page.margins.bottom;
    page.margins.bottom = 0; // pdfkit would otherwise break to a new page below the margin
    const y = page.height - bottomMargin + 26;
    this.artifact(() => {
      this.doc
        .moveTo(this.left, y - 8)
        .lineTo(this.left + this.width, y - 8)
        .lineWidth(0.5)
        .stroke(THEME.colors.rule);
      this.useFont('regular', THEME.sizes.footer, THEME.colors.muted);
      this.doc.text(left, this.left, y, { width: this.width * 0.7, lineBreak: false });
      this.doc.text(right, this.left, y, { width: this.width, align: 'right', lineBreak: false });
    }, 'Pagination');
    page.margins.bottom = bottomMargin;
  }

  private textOptions(indent = 0): PDFKit.Mixins.TextOptions {
    return { width: this.width - indent, lineGap: THEME.lineGap };
  }
}
