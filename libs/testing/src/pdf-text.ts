import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface PdfContent {
  pages: string[];
  /** Every page, whitespace (no-break spaces included) collapsed to one space. */
  text: string;
  info: Record<string, unknown>;
  /** [width, height] of each page, in points. */
  sizes: [number, number][];
  /** URLs of the link annotations, every page. */
  links: string[];
  /** Structure elements (H1, P, Figure…) met depth first, with their alternative text if any. */
  tags: { role: string; alt?: string }[];
  tagged: boolean;
}

interface StructNode {
  role?: string;
  alt?: string;
  children?: StructNode[];
}

function flatten(node: StructNode | null, into: PdfContent['tags']): void {
  if (!node) return;
  if (node.role) into.push(node.alt ? { role: node.role, alt: node.alt } : { role: node.role });
  node.children?.forEach((child) => flatten(child, into));
}

/** What a PDF reader sees of a document: text, information dictionary, links, tags. */
export async function readPdf(bytes: Uint8Array): Promise<PdfContent> {
  const task = getDocument({ data: new Uint8Array(bytes), verbosity: 0 });
  try {
    const document = await task.promise;
    const content: PdfContent = { pages: [], text: '', info: {}, sizes: [], links: [], tags: [], tagged: false };
    for (let number = 1; number <= document.numPages; number++) {
      const page = await document.getPage(number);
      const { items } = await page.getTextContent();
      content.pages.push(items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join(''));
      content.sizes.push([page.view[2] - page.view[0], page.view[3] - page.view[1]]);
      const annotations: { url?: string }[] = await page.getAnnotations();
      content.links.push(...annotations.flatMap(({ url }) => (url ? [url] : [])));
      flatten((await page.getStructTree()) as StructNode | null, content.tags);
    }
    content.text = content.pages.join('\n').replace(/\s+/g, ' ');
    content.info = (await document.getMetadata()).info as Record<string, unknown>;
    const markInfo = (await document.getMarkInfo()) as Map<string, unknown> | null;
    content.tagged = markInfo?.get('Marked') === true;
    return content;
  } finally {
    await task.destroy();
  }
}

/** The custom entries of the information dictionary (pdf.js keeps them apart from the standard ones). */
export function customInfo(content: PdfContent): Map<string, unknown> {
  return (content.info.Custom as Map<string, unknown> | undefined) ?? new Map();
}
