/**
 * The spiral toy data set: `numClass` arms of `numData` noisy points each, which no straight line
 * separates. A faithful port of DeZero's `dezero.datasets.get_spiral(train=True)` ("Deep Learning
 * from Scratch 3"), which in turn is the `dataset/spiral.py` of "Deep Learning from Scratch 2":
 *
 * ```python
 * np.random.seed(seed=1984 if train else 2020)
 * for j in range(num_class):
 *     for i in range(num_data):
 *         rate = i / num_data
 *         radius = 1.0 * rate
 *         theta = j * 4.0 + 4.0 * rate + np.random.randn() * 0.2
 *         ix = num_data * j + i
 *         x[ix] = np.array([radius * np.sin(theta), radius * np.cos(theta)]).flatten()
 *         t[ix] = j
 * indices = np.random.permutation(num_data * num_class)
 * x = x[indices]; t = t[indices]
 * ```
 *
 * @module
 */
import { RandomState } from '../random/random-state.js';
import { Tensor } from '../tensor/tensor.js';
import { checkPermutation } from './shuffle.js';

/** What `spiral` draws from: one standard normal per point, then one permutation. */
export interface SpiralRandom {
  randn(...shape: number[]): number | Tensor;
  permutation(n: number): Tensor;
}

/** Options of `spiral`. */
export interface SpiralOptions {
  /** Number of classes (arms). Default 3. */
  numClass?: number;
  /** Points per class. Default 100. */
  numData?: number;
  /** DeZero's `train`: picks the seed, 1984 for training data, 2020 for test data. Default true. */
  train?: boolean;
  /** Seed of the private `RandomState` (overrides `train`'s choice). */
  seed?: number;
  /** A generator to draw from instead (its state advances; `seed` and `train` are then ignored). */
  rs?: SpiralRandom;
  /** Shuffle the points with one `permutation`, as DeZero does. Default true; false gives class order. */
  shuffle?: boolean;
  /** dtype of x: `'float32'` (DeZero) by default, or `'float64'` (the second book's `spiral.load_data`). */
  dtype?: 'float32' | 'float64';
}

/**
 * The spiral data set, `[x, t]`: x (numClass * numData, 2) float32, t int32 (numClass * numData,)
 * class labels. With the defaults it equals DeZero's `get_spiral(train=True)` element for element
 * (same seed 1984, same numpy draws; `train: false` uses 2020), without touching the global
 * `random`: a private `RandomState` is seeded instead of `np.random.seed`.
 * `{ shuffle: false, dtype: 'float64' }` gives the x of the second book's `spiral.load_data()` (which
 * returns one-hot labels instead).
 * @example
 * const [x, t] = spiral();                // (300, 2) float32, (300,) int32
 * const [xTest, tTest] = spiral({ train: false });
 */
export function spiral(options: SpiralOptions = {}): [Tensor, Tensor] {
  const numClass = options.numClass ?? 3;
  const numData = options.numData ?? 100;
  for (const [name, v] of [
    ['numClass', numClass],
    ['numData', numData],
  ] as const) {
    if (!Number.isInteger(v) || v < 0)
      throw new RangeError(`spiral: ${name}: expected a non-negative integer, got ${v}`);
  }
  const dtype = options.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new TypeError(`spiral: dtype: expected 'float32' or 'float64', got ${String(dtype)}`);
  }
  const rs: SpiralRandom =
    options.rs ?? new RandomState(options.seed ?? ((options.train ?? true) ? 1984 : 2020));
  const size = numClass * numData;
  const x = dtype === 'float32' ? new Float32Array(size * 2) : new Float64Array(size * 2);
  const t = new Int32Array(size);
  for (let j = 0; j < numClass; j++) {
    for (let i = 0; i < numData; i++) {
      const rate = i / numData;
      const radius = 1.0 * rate;
      const r = rs.randn();
      const noise = typeof r === 'number' ? r : r.item();
      const theta = j * 4.0 + 4.0 * rate + noise * 0.2;
      const ix = numData * j + i;
      x[2 * ix] = radius * Math.sin(theta);
      x[2 * ix + 1] = radius * Math.cos(theta);
      t[ix] = j;
    }
  }
  if (!(options.shuffle ?? true))
    return [new Tensor(x, [size, 2], { dtype }), new Tensor(t, [size], { dtype: 'int32' })];
  const perm = checkPermutation(rs.permutation(size), size, 'spiral');
  const xs = dtype === 'float32' ? new Float32Array(size * 2) : new Float64Array(size * 2);
  const ts = new Int32Array(size);
  for (let k = 0; k < size; k++) {
    const p = perm[k];
    xs[2 * k] = x[2 * p];
    xs[2 * k + 1] = x[2 * p + 1];
    ts[k] = t[p];
  }
  return [new Tensor(xs, [size, 2], { dtype }), new Tensor(ts, [size], { dtype: 'int32' })];
}
