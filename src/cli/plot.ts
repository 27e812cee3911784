/**
 * The picture of a training run: loss per step (and its moving average) next to the train and
 * test accuracy at each epoch, as a self-contained SVG.
 * @module
 */
import { niceTicks, r1, svgDocument, text, tickLabel } from './svg.js';

/** One accuracy evaluation. */
export interface EvalPoint {
  /** Steps done when it was measured. */
  step: number;
  trainAcc: number;
  testAcc: number;
}

/** What {@link curvesSvg} draws. */
export interface CurvesData {
  /** Headline (e.g. "scratchnet · mlp 784-100-10"). */
  title: string;
  /** Second line (optimizer, data, result). */
  subtitle: string;
  /** Steps per epoch, to put the x axis in epochs. */
  stepsPerEpoch: number;
  /** Loss of every step's mini-batch. */
  loss: readonly number[];
  /** Accuracy evaluations, in step order. */
  evals: readonly EvalPoint[];
}

const COLORS = {
  raw: '#9ecae1',
  loss: '#08519c',
  train: '#e6550d',
  test: '#31a354',
  grid: '#e8e8e8',
  axis: '#555',
};

/** Centred moving average over `window` values (shorter windows at the ends). */
export function movingAverage(values: readonly number[], window: number): number[] {
  const prefix = [0];
  for (const v of values) prefix.push(prefix[prefix.length - 1] + v);
  const half = Math.floor(window / 2);
  return values.map((_, i) => {
    const a = Math.max(0, i - half);
    const b = Math.min(values.length, i + half + 1);
    return (prefix[b] - prefix[a]) / (b - a);
  });
}

/** The value below which a fraction `q` of `values` lie. */
function quantile(values: readonly number[], q: number): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return 1;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

interface Panel {
  x0: number;
  y0: number;
  w: number;
  h: number;
  xMax: number;
  yLo: number;
  yHi: number;
}

function px(p: Panel, x: number): number {
  return p.x0 + (x / p.xMax) * p.w;
}

function py(p: Panel, y: number): number {
  return p.y0 + p.h - ((y - p.yLo) / (p.yHi - p.yLo)) * p.h;
}

/** Axes, grid, ticks and labels of a panel. */
function axes(
  p: Panel,
  xTicks: number[],
  yTicks: number[],
  title: string,
  xLabel: string,
  yLabel: string,
  yFormat: (v: number) => string,
): string[] {
  const out: string[] = [];
  for (const v of yTicks) {
    const y = py(p, v);
    out.push(
      `<line x1="${r1(p.x0)}" y1="${r1(y)}" x2="${r1(p.x0 + p.w)}" y2="${r1(y)}" stroke="${COLORS.grid}"/>`,
    );
    out.push(text(p.x0 - 8, y + 4, yFormat(v), { anchor: 'end', size: 12, fill: '#555' }));
  }
  for (const v of xTicks) {
    const x = px(p, v);
    out.push(
      `<line x1="${r1(x)}" y1="${r1(p.y0)}" x2="${r1(x)}" y2="${r1(p.y0 + p.h)}" stroke="${COLORS.grid}"/>`,
    );
    out.push(
      `<line x1="${r1(x)}" y1="${r1(p.y0 + p.h)}" x2="${r1(x)}" y2="${r1(p.y0 + p.h + 5)}" stroke="${COLORS.axis}"/>`,
    );
    out.push(text(x, p.y0 + p.h + 19, tickLabel(v), { anchor: 'middle', size: 12, fill: '#555' }));
  }
  out.push(
    `<rect x="${r1(p.x0)}" y="${r1(p.y0)}" width="${r1(p.w)}" height="${r1(p.h)}" fill="none" stroke="${COLORS.axis}"/>`,
  );
  out.push(text(p.x0, p.y0 - 12, title, { size: 15, weight: 'bold', fill: '#222' }));
  out.push(text(p.x0 + p.w / 2, p.y0 + p.h + 40, xLabel, { anchor: 'middle', size: 13, fill: '#444' }));
  const cy = p.y0 + p.h / 2;
  out.push(
    text(p.x0 - 50, cy, yLabel, {
      anchor: 'middle',
      size: 13,
      fill: '#444',
      extra: `transform="rotate(-90 ${r1(p.x0 - 50)} ${r1(cy)})"`,
    }),
  );
  return out;
}

/** A legend box in the panel's corner: entries of [colour, label, kind]. */
function legend(
  p: Panel,
  entries: [string, string, 'line' | 'dot' | 'thin'][],
  corner: 'top-right' | 'bottom-right',
): string[] {
  const rowH = 20;
  const w = 44 + Math.max(...entries.map(([, l]) => l.length)) * 6.9 + 12;
  const h = entries.length * rowH + 10;
  const x = p.x0 + p.w - w - 10;
  const y = corner === 'top-right' ? p.y0 + 10 : p.y0 + p.h - h - 10;
  const out = [
    `<rect x="${r1(x)}" y="${r1(y)}" width="${r1(w)}" height="${h}" rx="4" fill="#ffffff" fill-opacity="0.92" stroke="#ccc"/>`,
  ];
  entries.forEach(([color, label, kind], i) => {
    const cy = y + 15 + i * rowH;
    const width = kind === 'thin' ? 1.2 : 2.5;
    out.push(
      `<line x1="${r1(x + 10)}" y1="${r1(cy)}" x2="${r1(x + 36)}" y2="${r1(cy)}" stroke="${color}" stroke-width="${width}"/>`,
    );
    if (kind === 'dot')
      out.push(`<circle cx="${r1(x + 23)}" cy="${r1(cy)}" r="3.5" fill="${color}" stroke="#fff"/>`);
    out.push(text(x + 44, cy + 4.5, label, { size: 12.5, fill: '#333' }));
  });
  return out;
}

function polyline(points: [number, number][], color: string, width: number, extra = ''): string {
  const d = points.map(([x, y]) => `${r1(x)},${r1(y)}`).join(' ');
  return `<polyline points="${d}" fill="none" stroke="${color}" stroke-width="${width}" stroke-linejoin="round" stroke-linecap="round"${extra ? ` ${extra}` : ''}/>`;
}

/**
 * The training curves as SVG: the loss panel (every step, light, and a moving average) and the
 * accuracy panel (train and test at each evaluation), with x in epochs.
 * @example writeFileSync('curves.svg', curvesSvg({ title, subtitle, stepsPerEpoch: 80, loss, evals }))
 */
export function curvesSvg(d: CurvesData): string {
  const W = 1100;
  const H = 500;
  const ipe = d.stepsPerEpoch > 0 ? d.stepsPerEpoch : 1;
  const totalEpochs = Math.max(d.loss.length / ipe, ...d.evals.map((e) => e.step / ipe), 1e-9);
  const xTicks = niceTicks(0, totalEpochs, Math.min(10, Math.max(2, Math.ceil(totalEpochs)))).filter(
    (v) => v <= totalEpochs * 1.0001,
  );
  const xMax = totalEpochs;
  const body: string[] = [];
  body.push(text(W / 2, 34, d.title, { anchor: 'middle', size: 20, weight: 'bold', fill: '#111' }));
  body.push(text(W / 2, 58, d.subtitle, { anchor: 'middle', size: 13.5, fill: '#555' }));

  // Loss panel.
  const window = Math.max(5, Math.round(ipe / 4));
  const smooth = movingAverage(d.loss, window);
  const top = Math.max(quantile(d.loss, 0.99), ...smooth.filter(Number.isFinite), 1e-6);
  const yTicksLoss = niceTicks(0, top, 5);
  const lp: Panel = { x0: 80, y0: 100, w: 420, h: 310, xMax, yLo: 0, yHi: yTicksLoss[yTicksLoss.length - 1] };
  body.push(...axes(lp, xTicks, yTicksLoss, 'Training loss', 'epoch', 'cross-entropy loss', tickLabel));
  body.push(
    `<clipPath id="clip-loss"><rect x="${lp.x0}" y="${lp.y0}" width="${lp.w}" height="${lp.h}"/></clipPath>`,
  );
  const every = Math.max(1, Math.ceil(d.loss.length / 1500));
  const rawPts: [number, number][] = [];
  const smoothPts: [number, number][] = [];
  for (let i = 0; i < d.loss.length; i += every) {
    rawPts.push([px(lp, (i + 1) / ipe), py(lp, d.loss[i])]);
    smoothPts.push([px(lp, (i + 1) / ipe), py(lp, smooth[i])]);
  }
  if (d.loss.length > 0 && (d.loss.length - 1) % every !== 0) {
    const i = d.loss.length - 1;
    rawPts.push([px(lp, (i + 1) / ipe), py(lp, d.loss[i])]);
    smoothPts.push([px(lp, (i + 1) / ipe), py(lp, smooth[i])]);
  }
  body.push(
    `<g clip-path="url(#clip-loss)">${polyline(rawPts, COLORS.raw, 1)}${polyline(smoothPts, COLORS.loss, 2.5)}</g>`,
  );
  body.push(
    ...legend(
      lp,
      [
        [COLORS.raw, 'mini-batch loss', 'thin'],
        [COLORS.loss, `moving average (${window} steps)`, 'line'],
      ],
      'top-right',
    ),
  );

  // Accuracy panel.
  const accs = d.evals.flatMap((e) => [e.trainAcc, e.testAcc]).filter(Number.isFinite);
  const lo = accs.length > 0 ? Math.max(0, Math.floor(Math.min(...accs) * 10) / 10) : 0;
  const yTicksAcc = niceTicks(lo, 1, 5).filter((v) => v <= 1 + 1e-9);
  const ap: Panel = {
    x0: 630,
    y0: 100,
    w: 420,
    h: 310,
    xMax,
    yLo: yTicksAcc[0],
    yHi: Math.max(1, yTicksAcc[yTicksAcc.length - 1]),
  };
  body.push(
    ...axes(
      ap,
      xTicks,
      yTicksAcc,
      'Accuracy',
      'epoch',
      'accuracy',
      (v) => `${Number((v * 100).toFixed(1))}%`,
    ),
  );
  for (const [key, color] of [
    ['trainAcc', COLORS.train],
    ['testAcc', COLORS.test],
  ] as const) {
    const pts: [number, number][] = d.evals.map((e) => [px(ap, e.step / ipe), py(ap, e[key])]);
    body.push(polyline(pts, color, 2.5));
    if (pts.length <= 60) {
      for (const [x, y] of pts)
        body.push(
          `<circle cx="${r1(x)}" cy="${r1(y)}" r="3.5" fill="${color}" stroke="#fff" stroke-width="1"/>`,
        );
    }
  }
  const last = d.evals[d.evals.length - 1];
  if (last !== undefined) {
    const x = px(ap, last.step / ipe);
    const yTest = py(ap, last.testAcc);
    const yTrain = py(ap, last.trainAcc);
    const testAbove = last.testAcc >= last.trainAcc;
    body.push(
      text(x - 6, yTest + (testAbove ? -10 : 18), `test ${(last.testAcc * 100).toFixed(2)}%`, {
        anchor: 'end',
        size: 12.5,
        weight: 'bold',
        fill: COLORS.test,
      }),
    );
    body.push(
      text(x - 6, yTrain + (testAbove ? 18 : -10), `train ${(last.trainAcc * 100).toFixed(2)}%`, {
        anchor: 'end',
        size: 12.5,
        weight: 'bold',
        fill: COLORS.train,
      }),
    );
  }
  body.push(
    ...legend(
      ap,
      [
        [COLORS.train, 'train accuracy', 'dot'],
        [COLORS.test, 'test accuracy', 'dot'],
      ],
      'bottom-right',
    ),
  );
  body.push(
    text(W - 12, H - 10, 'scratchnet', {
      anchor: 'end',
      size: 11,
      fill: '#aaa',
      extra: 'font-style="italic"',
    }),
  );
  return svgDocument(W, H, body, `${d.title}: training curves`);
}
