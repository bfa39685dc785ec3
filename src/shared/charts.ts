import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

// Charts for Slack (digest trends, precision–recall curves, drift before/after):
// a Vega-Lite spec rendered to SVG headlessly, then rasterised to PNG by resvg.
// Text uses the system's fonts (DejaVu on Debian) so no font is downloaded.

export interface ChartPoint {
  x: number | string;
  y: number;
  series?: string;
}

export interface LineChartOptions {
  title: string;
  xTitle: string;
  yTitle: string;
  points: ChartPoint[];
  /** `quantitative` for numbers, `ordinal` for labels such as ISO weeks, `temporal` for dates. */
  xType?: 'quantitative' | 'ordinal' | 'temporal';
  yDomain?: [number, number];
  mark?: 'line' | 'bar';
  width?: number;
  height?: number;
}

export function buildLineChartSpec(options: LineChartOptions): TopLevelSpec {
  const hasSeries = options.points.some((point) => point.series !== undefined);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: options.title,
    width: options.width ?? 560,
    height: options.height ?? 280,
    background: 'white',
    data: { values: options.points },
    mark: options.mark === 'bar' ? { type: 'bar' } : { type: 'line', point: true },
    encoding: {
      x: { field: 'x', type: options.xType ?? 'quantitative', title: options.xTitle },
      y: {
        field: 'y',
        type: 'quantitative',
        title: options.yTitle,
        ...(options.yDomain ? { scale: { domain: options.yDomain } } : {}),
      },
      ...(hasSeries ? { color: { field: 'series', type: 'nominal', title: null } } : {}),
    },
    config: { font: 'DejaVu Sans' },
  };
}

export async function renderChartSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export async function renderChartPng(spec: TopLevelSpec): Promise<Buffer> {
  const svg = await renderChartSvg(spec);
  const png = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: 2 },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  }).render();
  return png.asPng();
}

export const renderLineChartPng = (options: LineChartOptions) => renderChartPng(buildLineChartSpec(options));

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Reads the PNG header: a valid file starts with the signature and an IHDR chunk giving its size. */
export function readPngSize(png: Buffer): { width: number; height: number } | null {
  if (png.length < 24 || !png.subarray(0, 8).equals(PNG_SIGNATURE) || png.toString('ascii', 12, 16) !== 'IHDR') return null;
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** A chart PNG for `files.uploadV2`, into a message's thread (its card). */
export interface ChartUpload {
  channel_id: string;
  thread_ts: string;
  file: Buffer;
  filename: string;
  title: string;
  alt_text: string;
}
