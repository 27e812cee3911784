/**
 * The first layer's weights as small images: for an MLP, each hidden unit's 784 input weights as a
 * 28 × 28 tile; for a convolutional net, each filter. Blue is negative, orange positive, each tile
 * scaled by its own largest magnitude.
 */
import type { TensorData } from './models';

const NEG = [37, 99, 235];
const MID = [248, 249, 252];
const POS = [234, 88, 12];
/** Levels on each side of zero. */
const LEVELS = 128;

/**
 * Colours as RGBA words (little-endian, as an ImageData's bytes read through a Uint32Array), for
 * values -1..1 in `2 * LEVELS + 1` steps: entry `LEVELS + round(v * LEVELS)`.
 */
const PALETTE = (() => {
  const out = new Uint32Array(2 * LEVELS + 1);
  for (let k = -LEVELS; k <= LEVELS; k++) {
    const t = Math.abs(k) / LEVELS;
    const end = k < 0 ? NEG : POS;
    const [r, g, b] = [0, 1, 2].map((i) => Math.round(MID[i] + (end[i] - MID[i]) * t));
    out[k + LEVELS] = (255 << 24) | (b << 16) | (g << 8) | r;
  }
  return out;
})();

/** The tiles of a first-layer weight tensor: (784, H) for an MLP, (FN, C, FH, FW) for a conv net. */
export function weightTiles(w: TensorData): {
  count: number;
  size: number;
  tile: (i: number) => Float32Array;
} {
  if (w.shape.length === 2) {
    const [inputs, units] = w.shape;
    const size = Math.round(Math.sqrt(inputs));
    return {
      count: Math.min(units, 100),
      size,
      tile: (j) => {
        const out = new Float32Array(size * size);
        for (let p = 0; p < size * size; p++) out[p] = w.data[p * units + j];
        return out;
      },
    };
  }
  const [fn, , fh, fw] = w.shape;
  const size = Math.max(fh, fw);
  return {
    count: fn,
    size,
    tile: (f) => {
      const out = new Float32Array(size * size);
      // The first channel (the digits have one).
      const start = f * (w.data.length / fn);
      for (let y = 0; y < fh; y++)
        for (let x = 0; x < fw; x++) out[y * size + x] = w.data[start + y * fw + x];
      return out;
    },
  };
}

/** Columns for `count` tiles in a box `aspect` times as wide as high: a divisor of `count` if one fits. */
export function gridColumns(count: number, aspect: number): number {
  const target = Math.max(1, Math.sqrt(count * aspect));
  let best = Math.ceil(target);
  let bestScore = Number.POSITIVE_INFINITY;
  for (let c = 1; c <= count; c++) {
    if (count % c !== 0) continue;
    const score = Math.abs(Math.log(c / target));
    if (score < bestScore) [best, bestScore] = [c, score];
  }
  return bestScore < Math.log(1.6) ? best : Math.min(count, Math.ceil(target));
}

/**
 * Draws the tiles in a grid on `canvas` (its pixel size is set here; CSS scales it, pixelated), in
 * about `aspect` (width / height). Small filters are magnified so every tile is about 28 pixels.
 */
export function drawWeights(canvas: HTMLCanvasElement, w: TensorData, aspect: number): void {
  const { count, size, tile } = weightTiles(w);
  const zoom = Math.max(1, Math.round(28 / size));
  const t = size * zoom;
  const gap = 2;
  const cols = gridColumns(count, aspect);
  const rows = Math.ceil(count / cols);
  const width = cols * t + (cols - 1) * gap;
  const height = rows * t + (rows - 1) * gap;
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(width, height); // transparent: the gaps
  const px = new Uint32Array(img.data.buffer);
  const row = new Uint32Array(t);
  for (let i = 0; i < count; i++) {
    const values = tile(i);
    let max = 1e-12;
    for (const v of values) max = Math.max(max, Math.abs(v));
    const k = LEVELS / max;
    const ox = (i % cols) * (t + gap);
    const oy = Math.floor(i / cols) * (t + gap);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++)
        row.fill(PALETTE[LEVELS + Math.round(values[y * size + x] * k)], x * zoom, (x + 1) * zoom);
      for (let r = 0; r < zoom; r++) px.set(row, (oy + y * zoom + r) * width + ox);
    }
  }
  ctx.putImageData(img, 0, 0);
}
