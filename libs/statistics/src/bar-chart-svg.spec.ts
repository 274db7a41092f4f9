import { barChartSvg } from './bar-chart-svg.js';

describe('barChartSvg', () => {
  const chart = {
    id: 'logins',
    title: 'Démarches par mois',
    description: 'De janvier à mars : 10, masqué, 40.',
    bars: [
      { label: 'janv.', value: 10 },
      { label: 'févr.', value: null },
      { label: 'mars', value: 40 },
    ],
  };

  it('names itself for assistive technologies with its title and text alternative', () => {
    const svg = barChartSvg(chart);
    expect(svg).toMatch(/^<svg [^>]*role="img" aria-labelledby="logins-title logins-desc"/);
    expect(svg).toContain('<title id="logins-title">Démarches par mois</title>');
    expect(svg).toContain('<desc id="logins-desc">De janvier à mars : 10, masqué, 40.</desc>');
  });

  it('draws one bar per value, the largest full height, a masked one empty and labelled', () => {
    const svg = barChartSvg(chart);
    const heights = [...svg.matchAll(/<rect [^>]*height="([\d.]+)"/g)].map((match) => Number(match[1]));
    expect(heights).toHaveLength(3);
    expect(heights[2]).toBeCloseTo(220);
    expect(heights[0]).toBeCloseTo(55);
    expect(heights[1]).toBe(0);
    expect(svg).toContain('>masqué</text>');
  });

  it('escapes every text, so a label cannot inject markup', () => {
    const svg = barChartSvg({ ...chart, title: '<script>x</script>', bars: [{ label: '"><b>', value: 1 }] });
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('"><b>');
    expect(svg).toContain('&lt;script&gt;');
  });

  it('has no inline style, which the CSP would block', () => {
    expect(barChartSvg(chart)).not.toContain('style=');
  });
});
