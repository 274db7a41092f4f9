export interface Bar {
  label: string;
  /** Null when the figure is masked: drawn as an empty slot labelled so. */
  value: number | null;
}

export interface BarChart {
  id: string;
  title: string;
  /** The text alternative: what the chart shows, in a sentence or two. */
  description: string;
  bars: Bar[];
}

const WIDTH = 720;
const HEIGHT = 300;
const TOP = 24;
const BOTTOM = 56;
const LEFT = 8;

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * A bar chart as inline SVG, drawn on the server (no script, no inline style: the CSP allows
 * neither). `role="img"` with its title and description as the accessible name and text
 * alternative; every text node is escaped here, so the result can be inserted as is.
 */
export function barChartSvg(chart: BarChart): string {
  const max = Math.max(1, ...chart.bars.map((bar) => bar.value ?? 0));
  const slot = (WIDTH - LEFT * 2) / Math.max(1, chart.bars.length);
  const plot = HEIGHT - TOP - BOTTOM;
  const bars = chart.bars.map((bar, index) => {
    const x = LEFT + index * slot;
    const centre = (x + slot / 2).toFixed(1);
    const height = bar.value === null ? 0 : (bar.value / max) * plot;
    const y = TOP + plot - height;
    const shown = bar.value === null ? 'masqué' : bar.value.toLocaleString('fr-FR');
    return [
      `<rect x="${(x + slot * 0.15).toFixed(1)}" y="${y.toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${height.toFixed(1)}" class="relais-chart__bar"/>`,
      `<text x="${centre}" y="${(y - 6).toFixed(1)}" text-anchor="middle" class="relais-chart__value">${escape(shown)}</text>`,
      `<text x="${centre}" y="${HEIGHT - BOTTOM + 20}" text-anchor="middle" class="relais-chart__label">${escape(bar.label)}</text>`,
    ].join('');
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" ` +
    `aria-labelledby="${chart.id}-title ${chart.id}-desc" class="relais-chart">` +
    `<title id="${chart.id}-title">${escape(chart.title)}</title>` +
    `<desc id="${chart.id}-desc">${escape(chart.description)}</desc>` +
    `<line x1="${LEFT}" y1="${TOP + plot}" x2="${WIDTH - LEFT}" y2="${TOP + plot}" class="relais-chart__axis"/>` +
    bars.join('') +
    '</svg>'
  );
}
