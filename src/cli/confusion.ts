/**
 * The confusion matrix: counting, a terminal table, and an SVG picture.
 * @module
 */
import { grouped, percent, type Style } from './io.js';
import { r1, svgDocument, text } from './svg.js';

/** `m[true][predicted]` counts. */
export type ConfusionMatrix = number[][];

/**
 * Counts `(label, prediction)` pairs into a `classes x classes` matrix.
 * @example confusionMatrix([0, 1, 1], [0, 1, 0], 2) // [[1, 0], [1, 1]]
 */
export function confusionMatrix(
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
  classes: number,
): ConfusionMatrix {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < labels.length; i++) m[labels[i]][predictions[i]] += 1;
  return m;
}

/** Fraction of the matrix on its diagonal. */
export function matrixAccuracy(m: ConfusionMatrix): number {
  let total = 0;
  let right = 0;
  m.forEach((row, i) => {
    row.forEach((v, j) => {
      total += v;
      if (i === j) right += v;
    });
  });
  return total === 0 ? 0 : right / total;
}

/**
 * The matrix as a terminal table: rows are true digits, columns predictions; the diagonal in
 * green, errors in red (brighter when larger), a recall column at the right.
 */
export function confusionTable(m: ConfusionMatrix, style: Style): string {
  const n = m.length;
  const cell = Math.max(4, ...m.flat().map((v) => String(v).length + 1));
  const lines: string[] = [];
  const pad = (s: string) => s.padStart(cell);
  lines.push(`${style.dim('true ↓  predicted →')}`);
  lines.push(
    `${'     '}${Array.from({ length: n }, (_, j) => style.bold(pad(String(j)))).join('')}   ${style.bold('recall')}`,
  );
  m.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    const cells = row.map((v, j) => {
      const s = pad(v === 0 && i !== j ? '·' : String(v));
      if (i === j) return style.green(s);
      if (v === 0) return style.dim(s);
      return style.red(s);
    });
    const recall = total === 0 ? '   -' : percent(row[i] / total, 1).padStart(7);
    lines.push(`${style.bold(String(i).padStart(3))}  ${cells.join('')}  ${recall}`);
  });
  return lines.join('\n');
}

/** Blends white into `rgb` by `t` in [0, 1]. */
function shade(rgb: [number, number, number], t: number): string {
  const c = rgb.map((v) => Math.round(255 + (v - 255) * Math.min(1, Math.max(0, t))));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/**
 * The confusion matrix as an SVG: cells coloured by the share of their row (the diagonal blue,
 * errors red, the largest darkest), counts written in, recall per row and precision per column at the edges.
 */
export function confusionSvg(m: ConfusionMatrix, title: string, subtitle: string): string {
  const n = m.length;
  const cell = 52;
  const x0 = 110;
  const y0 = 120;
  const W = x0 + n * cell + 110;
  const H = y0 + n * cell + 110;
  const body: string[] = [];
  body.push(text(W / 2, 36, title, { anchor: 'middle', size: 20, weight: 'bold', fill: '#111' }));
  body.push(text(W / 2, 60, subtitle, { anchor: 'middle', size: 13.5, fill: '#555' }));
  const rowTotals = m.map((row) => row.reduce((a, b) => a + b, 0));
  const colTotals = m[0]?.map((_, j) => m.reduce((a, row) => a + row[j], 0)) ?? [];
  // Errors are shaded relative to the largest error share, so the worst confusion stands out.
  let maxOff = 0;
  m.forEach((row, i) => {
    row.forEach((v, j) => {
      if (i !== j && rowTotals[i] > 0) maxOff = Math.max(maxOff, v / rowTotals[i]);
    });
  });
  const blue: [number, number, number] = [8, 81, 156];
  const red: [number, number, number] = [215, 48, 31];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = m[i][j];
      const share = rowTotals[i] === 0 ? 0 : v / rowTotals[i];
      const err = maxOff === 0 ? 0 : 0.1 + 0.75 * (share / maxOff);
      const fill = i === j ? shade(blue, 0.15 + 0.85 * share) : shade(red, v === 0 ? 0 : err);
      const x = x0 + j * cell;
      const y = y0 + i * cell;
      body.push(
        `<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${fill}" stroke="#ffffff" stroke-width="1.5"/>`,
      );
      if (v !== 0 || i === j) {
        const dark = i === j ? share > 0.45 : err > 0.6;
        body.push(
          text(x + cell / 2, y + cell / 2 + 5, String(v), {
            anchor: 'middle',
            size: v >= 1000 ? 12.5 : 14,
            weight: i === j ? 'bold' : undefined,
            fill: dark ? '#ffffff' : '#333',
          }),
        );
      }
    }
  }
  body.push(
    `<rect x="${x0}" y="${y0}" width="${n * cell}" height="${n * cell}" fill="none" stroke="#555" stroke-width="1"/>`,
  );
  for (let k = 0; k < n; k++) {
    body.push(
      text(x0 + k * cell + cell / 2, y0 - 10, String(k), { anchor: 'middle', size: 15, weight: 'bold' }),
    );
    body.push(
      text(x0 - 12, y0 + k * cell + cell / 2 + 5, String(k), { anchor: 'end', size: 15, weight: 'bold' }),
    );
    const recall = rowTotals[k] === 0 ? '–' : `${((100 * m[k][k]) / rowTotals[k]).toFixed(1)}%`;
    body.push(text(x0 + n * cell + 10, y0 + k * cell + cell / 2 + 5, recall, { size: 12, fill: '#555' }));
    const precision = colTotals[k] === 0 ? '–' : `${((100 * m[k][k]) / colTotals[k]).toFixed(0)}%`;
    body.push(
      text(x0 + k * cell + cell / 2, y0 + n * cell + 20, precision, {
        anchor: 'middle',
        size: 12,
        fill: '#555',
      }),
    );
  }
  body.push(
    text(x0 + (n * cell) / 2, y0 - 34, 'predicted digit', { anchor: 'middle', size: 14, fill: '#333' }),
  );
  const cy = y0 + (n * cell) / 2;
  body.push(
    text(x0 - 44, cy, 'true digit', {
      anchor: 'middle',
      size: 14,
      fill: '#333',
      extra: `transform="rotate(-90 ${r1(x0 - 44)} ${r1(cy)})"`,
    }),
  );
  body.push(text(x0 + n * cell + 10, y0 - 10, 'recall', { size: 12, fill: '#555', weight: 'bold' }));
  body.push(
    text(x0 - 12, y0 + n * cell + 20, 'precision', { anchor: 'end', size: 12, fill: '#555', weight: 'bold' }),
  );
  const total = rowTotals.reduce((a, b) => a + b, 0);
  body.push(
    text(
      x0 + (n * cell) / 2,
      H - 30,
      `${grouped(total)} images · ${percent(matrixAccuracy(m))} on the diagonal`,
      {
        anchor: 'middle',
        size: 13,
        fill: '#555',
      },
    ),
  );
  return svgDocument(W, H, body, title);
}
