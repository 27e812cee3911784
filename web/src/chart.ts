/**
 * A small line chart on a canvas: axes with round ticks, one line per series, sharp at any device
 * pixel ratio, redrawn when its box changes size. Drawing is batched to one frame.
 */

export interface Series {
  color: string;
  /** Line width in CSS pixels. */
  width: number;
  /** Draw a dot at each point (for sparse series). */
  dots?: boolean;
  /** Dash pattern in CSS pixels. */
  dash?: number[];
  points: { x: number; y: number }[];
}

export interface ChartOptions {
  /** Fixed y range; otherwise from 0 to the largest value (rounded up). */
  yMin?: number;
  yMax?: number;
  /** Cap of the automatic y range (large early losses do not flatten the rest). */
  yCap?: number;
  formatY: (y: number) => string;
  /** Shown when there are no points yet. */
  empty: string;
}

const FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const GRID = '#e8eaf2';
const AXIS_TEXT = '#8a90a2';

/** Round tick step for a span, about `count` ticks. */
function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const r = raw / mag;
  return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 2.5 ? 2.5 : r <= 5 ? 5 : 10) * mag;
}

function formatX(x: number): string {
  return x >= 10_000 ? `${Math.round(x / 1000)}k` : x >= 1000 ? `${(x / 1000).toFixed(1)}k` : String(x);
}

export class LineChart {
  readonly series: Series[];
  private frame = 0;

  constructor(
    readonly canvas: HTMLCanvasElement,
    series: Omit<Series, 'points'>[],
    private readonly options: ChartOptions,
  ) {
    this.series = series.map((s) => ({ ...s, points: [] }));
    new ResizeObserver(() => this.request()).observe(canvas);
  }

  /** Redraws at the next animation frame (many updates in one frame draw once). */
  request(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  clear(): void {
    for (const s of this.series) s.points = [];
    this.request();
  }

  private draw(): void {
    const { canvas, options } = this;
    const dpr = window.devicePixelRatio || 1;
    const cssW = canvas.clientWidth;
    const cssH = canvas.clientHeight;
    if (cssW === 0 || cssH === 0) return;
    if (canvas.width !== Math.round(cssW * dpr) || canvas.height !== Math.round(cssH * dpr)) {
      canvas.width = Math.round(cssW * dpr);
      canvas.height = Math.round(cssH * dpr);
    }
    const ctx = canvas.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, cssW, cssH);
    ctx.font = FONT;

    const all = this.series.flatMap((s) => s.points);
    let xMax = Math.max(10, ...all.map((p) => p.x));
    const xStep = niceStep(xMax, cssW < 360 ? 3 : 5);
    xMax = Math.ceil(xMax / xStep) * xStep;
    let yMin = options.yMin ?? 0;
    let yMax =
      options.yMax ?? (all.length > 0 ? Math.max(1e-9, ...all.map((p) => p.y)) : (options.yCap ?? 1));
    if (options.yMax === undefined) {
      if (options.yCap !== undefined) yMax = Math.min(yMax, options.yCap);
      yMax = Math.ceil(yMax / niceStep(yMax - yMin, 4)) * niceStep(yMax - yMin, 4);
    }
    if (yMax <= yMin) yMax = yMin + 1;
    const yStep = niceStep(yMax - yMin, cssH < 150 ? 3 : 4);
    yMin = Math.floor(yMin / yStep) * yStep;

    const labelW = Math.max(...[yMin, yMax].map((v) => ctx.measureText(options.formatY(v)).width));
    const left = Math.ceil(labelW) + 10;
    const right = 8;
    const top = 8;
    const bottom = 22;
    const w = cssW - left - right;
    const h = cssH - top - bottom;
    const px = (x: number) => left + (x / xMax) * w;
    const py = (y: number) => top + (1 - (Math.min(Math.max(y, yMin), yMax) - yMin) / (yMax - yMin)) * h;

    // Grid and ticks.
    ctx.lineWidth = 1;
    ctx.strokeStyle = GRID;
    ctx.fillStyle = AXIS_TEXT;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (let y = yMin; y <= yMax + yStep / 1e6; y += yStep) {
      const yy = Math.round(py(y)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(left, yy);
      ctx.lineTo(left + w, yy);
      ctx.stroke();
      ctx.fillText(options.formatY(y), left - 6, yy);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (let x = 0; x <= xMax + xStep / 1e6; x += xStep) {
      ctx.fillText(formatX(x), Math.min(Math.max(px(x), left + 6), left + w - 8), top + h + 7);
    }

    if (all.length === 0) {
      ctx.textBaseline = 'middle';
      ctx.font = `13px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif`;
      const tw = ctx.measureText(options.empty).width;
      ctx.fillStyle = 'white'; // the message on a clear patch, not across a grid line
      ctx.fillRect(left + w / 2 - tw / 2 - 8, top + h / 2 - 10, tw + 16, 20);
      ctx.fillStyle = AXIS_TEXT;
      ctx.fillText(options.empty, left + w / 2, top + h / 2);
      return;
    }

    // Lines: at most about one point per CSS pixel (means of buckets).
    ctx.save();
    ctx.beginPath();
    ctx.rect(left - 6, top - 6, w + 12, h + 12);
    ctx.clip();
    ctx.lineJoin = 'round';
    ctx.lineCap = 'round';
    for (const s of this.series) {
      const pts = downsample(s.points, Math.max(50, Math.floor(w)));
      if (pts.length === 0) continue;
      ctx.strokeStyle = s.color;
      ctx.lineWidth = s.width;
      ctx.setLineDash(s.dash ?? []);
      ctx.beginPath();
      ctx.moveTo(px(pts[0].x), py(pts[0].y));
      for (const p of pts.slice(1)) ctx.lineTo(px(p.x), py(p.y));
      ctx.stroke();
      ctx.setLineDash([]);
      if (s.dots) {
        ctx.fillStyle = s.color;
        for (const p of pts) {
          ctx.beginPath();
          ctx.arc(px(p.x), py(p.y), s.width + 1.2, 0, Math.PI * 2);
          ctx.fill();
        }
      }
    }
    ctx.restore();
  }
}

/** At most `n` points: means of consecutive buckets (the last point kept as it is). */
function downsample(points: { x: number; y: number }[], n: number): { x: number; y: number }[] {
  if (points.length <= n) return points;
  const out: { x: number; y: number }[] = [];
  const size = points.length / n;
  for (let b = 0; b < n; b++) {
    const i0 = Math.floor(b * size);
    const i1 = Math.max(i0 + 1, Math.floor((b + 1) * size));
    let sx = 0;
    let sy = 0;
    for (let i = i0; i < i1; i++) {
      sx += points[i].x;
      sy += points[i].y;
    }
    out.push({ x: sx / (i1 - i0), y: sy / (i1 - i0) });
  }
  out.push(points[points.length - 1]);
  return out;
}
