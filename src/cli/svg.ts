/**
 * A few SVG building blocks for the CLI's pictures (curves, confusion matrix), and the SVG → PNG
 * step (resvg, loaded on demand so the rest of the CLI works on a platform without its binary).
 * @module
 */

/** Font stack: DejaVu Sans (what resvg finds on most Linux machines), then the usual sans-serifs. */
export const FONT = "DejaVu Sans, Helvetica, Arial, 'Liberation Sans', sans-serif";

/** Escapes text for SVG. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Rounds a coordinate to 0.1 px, to keep files small. */
export function r1(x: number): string {
  return (Math.round(x * 10) / 10).toString();
}

/** `<text>` with attributes. */
export function text(
  x: number,
  y: number,
  s: string,
  attrs: {
    size?: number;
    anchor?: 'start' | 'middle' | 'end';
    weight?: string;
    fill?: string;
    extra?: string;
  } = {},
): string {
  const a = [
    `x="${r1(x)}"`,
    `y="${r1(y)}"`,
    `font-size="${attrs.size ?? 13}"`,
    attrs.anchor && attrs.anchor !== 'start' ? `text-anchor="${attrs.anchor}"` : '',
    attrs.weight ? `font-weight="${attrs.weight}"` : '',
    `fill="${attrs.fill ?? '#333'}"`,
    attrs.extra ?? '',
  ].filter(Boolean);
  return `<text ${a.join(' ')}>${esc(s)}</text>`;
}

/**
 * About `count` round tick values covering [lo, hi] (steps of 1, 2, 2.5 or 5 times a power of ten).
 * @example niceTicks(0, 2.3, 5) // [0, 0.5, 1, 1.5, 2, 2.5]
 */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) hi = lo + 1;
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const first = Math.floor(lo / step + 1e-9) * step;
  const ticks: number[] = [];
  for (let v = first; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1] < hi - step * 1e-9)
    ticks.push(Number((first + ticks.length * step).toPrecision(12)));
  return ticks;
}

/** Tick label: no trailing zeros, at most 4 significant digits. */
export function tickLabel(v: number): string {
  if (v === 0) return '0';
  return Number(v.toPrecision(4)).toString();
}

/** The SVG document wrapper with a white background. */
export function svgDocument(width: number, height: number, body: string[], title: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${esc(FONT)}">`,
    `<title>${esc(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** Thrown by {@link renderPng} when resvg cannot be loaded on this platform. */
export class PngUnavailableError extends Error {
  override name = 'PngUnavailableError';
}

/**
 * Renders an SVG to PNG bytes with resvg (fonts: the system's), at `scale` times its size.
 * @throws PngUnavailableError if the resvg binary is not available for this platform
 */
export async function renderPng(svg: string, scale = 2): Promise<Uint8Array> {
  let Resvg: typeof import('@resvg/resvg-js').Resvg;
  try {
    ({ Resvg } = await import('@resvg/resvg-js'));
  } catch (e) {
    throw new PngUnavailableError(
      `PNG output needs @resvg/resvg-js, which could not be loaded here (${(e as Error).message.split('\n')[0]})`,
    );
  }
  const width = Number(/width="(\d+)"/.exec(svg)?.[1] ?? 800);
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: Math.round(width * scale) },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    background: '#ffffff',
  });
  return resvg.render().asPng();
}
