/**
 * One look for every attestation: A4, standard PDF fonts (no font file to ship), body text at
 * 12 pt, dark text on white (contrast above 15:1), headings in the French State's blue.
 */
export const THEME = {
  margins: { top: 56, bottom: 72, left: 62, right: 62 },
  fonts: { regular: 'Helvetica', bold: 'Helvetica-Bold', mono: 'Courier', monoBold: 'Courier-Bold' },
  sizes: { brand: 11, title: 24, lead: 13, heading: 15, body: 12, small: 11, footer: 9, code: 20, seal: 8 },
  colors: {
    text: '#161616',
    heading: '#000091',
    muted: '#3a3a3a',
    rule: '#666666',
    panel: '#f5f5fe',
    white: '#ffffff',
  },
  lineGap: 3,
  paragraphGap: 6,
  sectionGap: 16,
} as const;

export type FontStyle = 'regular' | 'bold' | 'mono' | 'monoBold';
