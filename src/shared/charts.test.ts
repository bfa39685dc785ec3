import { describe, expect, it } from 'vitest';
import { buildLineChartSpec, readPngSize, renderChartSvg, renderLineChartPng } from './charts.ts';

const weeks = ['2026-W40', '2026-W41', '2026-W42', '2026-W43'];

describe('charts', () => {
  it('renders a multi-series line chart to a valid PNG of the requested size at 2x', async () => {
    const png = await renderLineChartPng({
      title: 'Reviewed events per week',
      xTitle: 'week',
      yTitle: 'events',
      xType: 'ordinal',
      width: 400,
      height: 200,
      points: weeks.flatMap((x, i) => [
        { x, y: 100 + i * 10, series: 'reviewed' },
        { x, y: 5 + i, series: 'rejected' },
      ]),
    });
    const size = readPngSize(png);
    expect(size).not.toBeNull();
    expect(size!.width).toBeGreaterThan(800);
    expect(size!.height).toBeGreaterThan(400);
  });

  it('draws the title and axis titles as text in the SVG', async () => {
    const svg = await renderChartSvg(buildLineChartSpec({ title: 'Precision vs recall', xTitle: 'recall', yTitle: 'precision', points: [{ x: 0.5, y: 0.9 }, { x: 0.9, y: 0.6 }] }));
    expect(svg).toContain('Precision vs recall');
    expect(svg).toContain('recall');
    expect(svg.startsWith('<svg')).toBe(true);
  });

  it('rejects bytes that are not a PNG', () => {
    expect(readPngSize(Buffer.from('GIF89a not a png at all....'))).toBeNull();
  });
});
