import bidiModule from 'bidi-js';

import { isArabicScript } from '../fonts/script-fonts.js';

// A CommonJS package: Node gives its factory as the default import; its types put it one level down.
const bidi = (bidiModule as unknown as typeof bidiModule.default)();

/** A run of one line drawn with one font, in the order it is drawn (left to right). */
export interface VisualPiece {
  text: string;
  font: 'arabic' | 'latin';
  /**
   * How pdfkit must be given the text: `shaped` is in logical order for fontkit, which shapes the
   * Arabic and lays it out right to left itself; `as_is` is already in visual order.
   */
  order: 'shaped' | 'as_is';
}

/** Measures a string drawn in one font (the caller knows the document and its font size). */
export type Measure = (text: string, font: VisualPiece['font']) => number;

/** Splits logical text into runs of one font each (Arabic script, or everything else). */
function fontRuns(text: string): { text: string; font: VisualPiece['font'] }[] {
  const runs: { text: string; font: VisualPiece['font'] }[] = [];
  for (const char of text) {
    const font = isArabicScript(char) ? 'arabic' : 'latin';
    const last = runs.at(-1);
    if (last?.font === font) last.text += char;
    else runs.push({ text: char, font });
  }
  return runs;
}

const widthOf = (text: string, measure: Measure) =>
  fontRuns(text).reduce((sum, run) => sum + measure(run.text, run.font), 0);

/**
 * A right-to-left paragraph (Arabic, with Latin names and digits in it) cut into lines of at most
 * `width`, each line as the pieces to draw from left to right. The Unicode Bidirectional Algorithm
 * (bidi-js) orders the runs: Arabic words read right to left, a Latin name or a number inside them
 * keeps its own left-to-right order, brackets are mirrored.
 */
export function rightToLeftLines(paragraph: string, width: number, measure: Measure): VisualPiece[][] {
  const text = paragraph.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (text === '') return [];
  const levels = bidi.getEmbeddingLevels(text, 'rtl');
  const lines: VisualPiece[][] = [];
  for (const [start, end] of wrap(text, width, measure)) {
    lines.push(visualPieces(text, levels, start, end));
  }
  return lines;
}

/** Greedy line breaks at spaces: [start, end] inclusive character ranges, spaces at the breaks left out. */
function wrap(text: string, width: number, measure: Measure): [number, number][] {
  const lines: [number, number][] = [];
  let start = 0;
  let lastFit = -1;
  for (let index = 0; index <= text.length; index++) {
    if (index < text.length && text[index] !== ' ') continue;
    // text[start, index) is a candidate line ending at a word end.
    if (lastFit > start && widthOf(text.slice(start, index), measure) > width) {
      lines.push([start, lastFit - 1]);
      start = lastFit + 1;
    }
    lastFit = index;
  }
  if (start < text.length) lines.push([start, text.length - 1]);
  return lines;
}

function visualPieces(
  text: string,
  levels: ReturnType<typeof bidi.getEmbeddingLevels>,
  start: number,
  end: number,
): VisualPiece[] {
  // Indices of the whole string, reordered within [start, end]: keep the line's part.
  const order = bidi.getReorderedIndices(text, levels, start, end).slice(start, end + 1);
  const mirrored = bidi.getMirroredCharactersMap(text, levels.levels, start, end);
  const groups: { indices: number[]; rtl: boolean; font: VisualPiece['font'] }[] = [];
  for (const index of order) {
    const rtl = levels.levels[index] % 2 === 1;
    const font = isArabicScript(text[index]) ? 'arabic' : 'latin';
    const last = groups.at(-1);
    const previous = last?.indices.at(-1);
    const adjacent = previous !== undefined && index === previous + (rtl ? -1 : 1);
    if (last && last.rtl === rtl && last.font === font && adjacent) last.indices.push(index);
    else groups.push({ indices: [index], rtl, font });
  }
  return groups.flatMap(({ indices, rtl, font }): VisualPiece[] => {
    if (font === 'arabic' && rtl) {
      // Logical order: fontkit joins the letters and reverses the run itself.
      return [{ text: text.slice(indices.at(-1)!, indices[0] + 1), font, order: 'shaped' }];
    }
    if (font === 'arabic') {
      // Arabic-Indic digits read left to right: one by one, so no shaping reverses them.
      return indices.map((index) => ({ text: text[index], font, order: 'as_is' as const }));
    }
    return [{ text: indices.map((index) => mirrored.get(index) ?? text[index]).join(''), font, order: 'as_is' }];
  });
}
