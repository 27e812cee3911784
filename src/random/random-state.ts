/**
 * `RandomState`: numpy's legacy `np.random.RandomState`, reproduced bit for bit (same seed, same
 * calls, same numbers), so a scratchnet program initialises weights, shuffles batches and samples
 * exactly as the numpy original it was ported from.
 *
 * Each method follows numpy's algorithm, including how many 32-bit words it consumes, so streams stay
 * in step when calls are mixed: `rand`/`random` use 53-bit doubles, `randn`/`normal` the polar
 * Box-Muller method with one cached value, `randint`/`choice` masked rejection sampling, `shuffle`/
 * `permutation` Fisher-Yates from the end.
 *
 * Differences from numpy, all deliberate:
 * - Integers come back as `int32` tensors (numpy: int64); bounds outside int32 are an error.
 * - `choice` of a plain JS array gives float64 values (as `tensor([1, 2, 3])` does in scratchnet).
 * - Scalars (no `size`) come back as plain numbers, like numpy's Python floats and ints.
 * - Gaussian samples use a port of glibc's `log` (see `libm.ts`), so they match numpy on Linux
 *   x86_64; numpy on other C libraries may differ in the last bit of an occasional sample.
 *
 * @module
 */
import { fromData } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { boundedFill, RANDINT_BOUNDS, type RandintDType } from './bounded.js';
import { type ChoiceOptions, sampleChoice } from './choice.js';
import { libmLog } from './libm.js';
import { describe, MT_STATE_LENGTH, MT19937 } from './mt19937.js';
import { permute, shuffleInPlace } from './shuffle.js';
import { checkInteger, checkNumber, type Size, shapeSize, toShape } from './size.js';

export type { RandintDType } from './bounded.js';
export type { ChoiceOptions } from './choice.js';
export type { Size } from './size.js';

/**
 * A seed: an integer in [0, 2**32) (numpy's `init_genrand`) or a non-empty array of such integers
 * (numpy's `init_by_array`), exactly as `np.random.seed` accepts.
 *
 * @example
 * ```ts
 * new RandomState(42);
 * new RandomState([1, 2, 3]);
 * ```
 */
export type Seed = number | readonly number[];

/**
 * A plain, JSON-serialisable snapshot of a {@link RandomState}: the fields of numpy's legacy
 * `get_state()` tuple `('MT19937', key, pos, has_gauss, cached_gaussian)`.
 *
 * @example
 * ```ts
 * const s: RandomStateState = rs.getState();
 * localStorage.setItem('rng', JSON.stringify(s));
 * rs.setState(JSON.parse(localStorage.getItem('rng')!));
 * ```
 */
export interface RandomStateState {
  /** The 624 Mersenne Twister words, each in [0, 2**32). */
  key: number[];
  /** Position of the next word, 0..624. */
  pos: number;
  /** Whether a second Gaussian from the last Box-Muller pair is cached. */
  hasGauss: boolean;
  /** The cached Gaussian (0 when none). */
  cachedGaussian: number;
}

/**
 * numpy's legacy state tuple, e.g. `list(np.random.get_state())` with the key as a list; accepted by
 * {@link RandomState.setState} so a numpy state can be carried over through JSON.
 *
 * @example
 * ```ts
 * rs.setState(['MT19937', keyFromNumpy, 624, 0, 0]);
 * ```
 */
export type NumpyLegacyState = readonly [
  name: 'MT19937',
  key: ArrayLike<number>,
  pos: number,
  hasGauss?: number | boolean,
  cachedGaussian?: number,
];

/**
 * Options of {@link RandomState.randint}.
 *
 * @example
 * ```ts
 * rs.randint(0, 2, 8, { dtype: 'bool' });
 * ```
 */
export interface RandintOptions {
  /** Output dtype, `'int32'` by default. `'uint8'` and `'bool'` use numpy's buffered draws for them. */
  dtype?: RandintDType;
}

const TWO32 = 4294967296;

/** Fills an MT19937 key from the platform's entropy source, as numpy does for a missing seed. */
function seedFromEntropy(mt: MT19937): void {
  const key = new Uint32Array(MT_STATE_LENGTH);
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint32Array) => Uint32Array } }).crypto;
  if (c && typeof c.getRandomValues === 'function') {
    c.getRandomValues(key);
  } else {
    // No Web Crypto (very old runtimes): mix time and Math.random through the seeding algorithm.
    const words: number[] = [Date.now() >>> 0, Math.floor(Date.now() / TWO32) >>> 0];
    for (let i = 0; i < 8; i++) words.push(Math.floor(Math.random() * TWO32) >>> 0);
    if (typeof performance !== 'undefined') words.push(Math.floor(performance.now() * 1000) >>> 0);
    mt.seed(words);
    return;
  }
  key[0] = 0x80000000; // numpy: "MSB is 1; assuring non-zero initial array"
  mt.setState({ key, pos: MT_STATE_LENGTH });
}

/**
 * numpy's legacy random number generator (`np.random.RandomState`): a Mersenne Twister with numpy's
 * seeding and numpy's sampling algorithms. Same seed and same calls give the same numbers as numpy,
 * bit for bit.
 *
 * Methods that take `size` return a plain number when `size` is omitted and a new tensor otherwise
 * (float64 for real values, int32 for integers), like numpy.
 *
 * @example
 * ```ts
 * const rs = new RandomState(0);
 * rs.rand();             // 0.5488135039273248   (np.random.RandomState(0).rand())
 * rs.randn(2, 3);        // (2, 3) float64 tensor
 * rs.randint(0, 10, 5);  // int32 tensor
 * rs.choice(10, 3, { replace: false });
 * ```
 */
export class RandomState {
  private readonly mt = new MT19937(0);
  private hasGauss = false;
  private gauss = 0;

  /**
   * @param seed see {@link Seed}; omitted: seeded from the platform's cryptographic random source.
   * @example
   * ```ts
   * const rs = new RandomState(42);
   * ```
   */
  constructor(seed?: Seed) {
    this.seed(seed);
  }

  /**
   * Re-seeds the generator (numpy's `seed`) and drops any cached Gaussian.
   *
   * @throws RangeError for negative, non-integer or too large seeds, or an empty seed array.
   * @example
   * ```ts
   * rs.seed(0);
   * rs.seed(); // fresh entropy
   * ```
   */
  seed(seed?: Seed): void {
    if (seed === undefined || seed === null) seedFromEntropy(this.mt);
    else this.mt.seed(seed);
    this.hasGauss = false;
    this.gauss = 0;
  }

  /**
   * A copy of the full state, as numpy's `get_state()` (key, pos, has_gauss, cached_gaussian).
   *
   * @example
   * ```ts
   * const saved = rs.getState();
   * const a = rs.randn();
   * rs.setState(saved);
   * rs.randn() === a; // true
   * ```
   */
  getState(): RandomStateState {
    const { key, pos } = this.mt.getState();
    return { key: Array.from(key), pos, hasGauss: this.hasGauss, cachedGaussian: this.gauss };
  }

  /**
   * Restores a state from {@link getState} or numpy's legacy tuple
   * (`['MT19937', key, pos, has_gauss, cached_gaussian]`, the last two optional).
   *
   * @throws RangeError/TypeError naming the bad field.
   * @example
   * ```ts
   * rs.setState(JSON.parse(saved));
   * ```
   */
  setState(state: RandomStateState | NumpyLegacyState): void {
    let key: unknown;
    let pos: unknown;
    let hasGauss: unknown;
    let cached: unknown;
    if (Array.isArray(state)) {
      const tuple = state as readonly unknown[];
      if (tuple[0] !== 'MT19937') {
        throw new TypeError(`setState: state[0] must be 'MT19937', got ${describe(tuple[0])}`);
      }
      [, key, pos, hasGauss = 0, cached = 0] = tuple;
    } else if (state !== null && typeof state === 'object') {
      ({ key, pos, hasGauss, cachedGaussian: cached } = state as RandomStateState);
    } else {
      throw new TypeError(
        `setState: state must be an object from getState() or a numpy state tuple, got ${describe(state)}`,
      );
    }
    if (typeof hasGauss !== 'boolean' && hasGauss !== 0 && hasGauss !== 1) {
      throw new TypeError(`setState: hasGauss must be a boolean (or 0/1), got ${describe(hasGauss)}`);
    }
    if (typeof cached !== 'number') {
      throw new TypeError(`setState: cachedGaussian must be a number, got ${describe(cached)}`);
    }
    if (key === null || typeof key !== 'object') {
      throw new TypeError(
        `setState: key must be an array of ${MT_STATE_LENGTH} integers, got ${describe(key)}`,
      );
    }
    this.mt.setState({ key: key as ArrayLike<number>, pos: pos as number });
    this.hasGauss = Boolean(hasGauss);
    this.gauss = cached;
  }

  // ------------------------------------------------------------------ uniform doubles

  /**
   * Uniform samples in [0, 1) of the given shape (numpy's `rand(d0, d1, ...)`). No arguments: a
   * number.
   *
   * @example
   * ```ts
   * rs.rand();     // number
   * rs.rand(2, 3); // (2, 3) tensor
   * ```
   */
  rand(): number;
  rand(...shape: [number, ...number[]]): Tensor;
  rand(...shape: number[]): number | Tensor;
  rand(...shape: number[]): number | Tensor {
    if (shape.length === 0) return this.mt.nextDouble();
    return this.fillDoubles(toShape(shape, 'rand'), 0, 1);
  }

  /**
   * Uniform samples in [0, 1) (numpy's `random` / `random_sample`). No size: a number.
   *
   * @example
   * ```ts
   * rs.random();       // number
   * rs.random([2, 2]); // (2, 2) tensor
   * ```
   */
  random(): number;
  random(size: Size): Tensor;
  random(size?: Size): number | Tensor;
  random(size?: Size): number | Tensor {
    if (size === undefined) return this.mt.nextDouble();
    return this.fillDoubles(toShape(size, 'random'), 0, 1);
  }

  /**
   * Alias of {@link random} (numpy's `random_sample`).
   *
   * @example
   * ```ts
   * rs.randomSample(5);
   * ```
   */
  randomSample(): number;
  randomSample(size: Size): Tensor;
  randomSample(size?: Size): number | Tensor;
  randomSample(size?: Size): number | Tensor {
    if (size === undefined) return this.mt.nextDouble();
    return this.fillDoubles(toShape(size, 'randomSample'), 0, 1);
  }

  /**
   * Uniform samples in [low, high), computed as numpy does: `low + (high - low) * u`.
   *
   * @throws RangeError if `high - low` is not finite.
   * @example
   * ```ts
   * rs.uniform(-1, 1);         // number
   * rs.uniform(-1, 1, [3, 3]); // (3, 3) tensor
   * ```
   */
  uniform(low?: number, high?: number): number;
  uniform(low: number | undefined, high: number | undefined, size: Size): Tensor;
  uniform(low?: number, high?: number, size?: Size): number | Tensor;
  uniform(low = 0, high = 1, size?: Size): number | Tensor {
    checkNumber(low, 'low', 'uniform');
    checkNumber(high, 'high', 'uniform');
    const range = high - low;
    if (!Number.isFinite(range)) {
      throw new RangeError(
        `uniform: high - low must be finite, got high=${high}, low=${low} (range ${range})`,
      );
    }
    if (size === undefined) return low + range * this.mt.nextDouble();
    return this.fillDoubles(toShape(size, 'uniform'), low, range);
  }

  private fillDoubles(shape: number[], low: number, range: number): Tensor {
    const n = shapeSize(shape);
    const out = new Float64Array(n);
    const mt = this.mt;
    if (low === 0 && range === 1) {
      for (let i = 0; i < n; i++) out[i] = mt.nextDouble();
    } else {
      for (let i = 0; i < n; i++) out[i] = low + range * mt.nextDouble();
    }
    return fromData(out, shape, 'float64');
  }

  // ------------------------------------------------------------------ Gaussians

  /** numpy's `legacy_gauss`: polar Box-Muller, returning the second value of each pair next time. */
  private nextGauss(): number {
    if (this.hasGauss) {
      const t = this.gauss;
      this.hasGauss = false;
      this.gauss = 0;
      return t;
    }
    const mt = this.mt;
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * mt.nextDouble() - 1;
      x2 = 2 * mt.nextDouble() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * libmLog(r2)) / r2);
    this.gauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /**
   * Standard normal samples of the given shape (numpy's `randn(d0, d1, ...)`). No arguments: a
   * number.
   *
   * @example
   * ```ts
   * rs.randn();      // number
   * rs.randn(784, 100); // weight init, like 0.01 * np.random.randn(784, 100)
   * ```
   */
  randn(): number;
  randn(...shape: [number, ...number[]]): Tensor;
  randn(...shape: number[]): number | Tensor;
  randn(...shape: number[]): number | Tensor {
    if (shape.length === 0) return this.nextGauss();
    return this.fillGauss(toShape(shape, 'randn'), 0, 1);
  }

  /**
   * Standard normal samples (numpy's `standard_normal`). No size: a number.
   *
   * @example
   * ```ts
   * rs.standardNormal([2, 2]);
   * ```
   */
  standardNormal(): number;
  standardNormal(size: Size): Tensor;
  standardNormal(size?: Size): number | Tensor;
  standardNormal(size?: Size): number | Tensor {
    if (size === undefined) return this.nextGauss();
    return this.fillGauss(toShape(size, 'standardNormal'), 0, 1);
  }

  /**
   * Normal samples with mean `loc` and standard deviation `scale`: `loc + scale * z`, as numpy.
   *
   * @throws RangeError if `scale` is negative.
   * @example
   * ```ts
   * rs.normal(0, 0.01, [784, 50]);
   * ```
   */
  normal(loc?: number, scale?: number): number;
  normal(loc: number | undefined, scale: number | undefined, size: Size): Tensor;
  normal(loc?: number, scale?: number, size?: Size): number | Tensor;
  normal(loc = 0, scale = 1, size?: Size): number | Tensor {
    checkNumber(loc, 'loc', 'normal');
    checkNumber(scale, 'scale', 'normal');
    // numpy rejects scale < 0 by sign bit (so -0 too) and lets NaN through.
    if (scale < 0 || Object.is(scale, -0)) {
      throw new RangeError(`normal: scale must be non-negative, got ${Object.is(scale, -0) ? '-0' : scale}`);
    }
    if (size === undefined) return loc + scale * this.nextGauss();
    return this.fillGauss(toShape(size, 'normal'), loc, scale);
  }

  private fillGauss(shape: number[], loc: number, scale: number): Tensor {
    const n = shapeSize(shape);
    const out = new Float64Array(n);
    if (loc === 0 && scale === 1) {
      for (let i = 0; i < n; i++) out[i] = this.nextGauss();
    } else {
      for (let i = 0; i < n; i++) out[i] = loc + scale * this.nextGauss();
    }
    return fromData(out, shape, 'float64');
  }

  // ------------------------------------------------------------------ integers

  /**
   * Random integers in [low, high) (numpy's legacy `randint`); with one bound, [0, low).
   * Uses numpy's masked rejection sampling on 32-bit draws, so the stream matches numpy's default
   * (int64) `randint` for the same bounds. Returns int32 values.
   *
   * @throws RangeError if low >= high or a bound does not fit the dtype (int32 by default).
   * @example
   * ```ts
   * rs.randint(10);              // number in 0..9
   * rs.randint(0, 10, 5);        // int32 tensor of 5
   * rs.randint(-3, 3, [2, 2]);
   * rs.randint(0, 256, 16, { dtype: 'uint8' });
   * ```
   */
  randint(low: number, high?: number, size?: undefined, options?: RandintOptions): number;
  randint(low: number, high: number | undefined, size: Size, options?: RandintOptions): Tensor;
  randint(low: number, high?: number, size?: Size, options?: RandintOptions): number | Tensor;
  randint(low: number, high?: number, size?: Size, options: RandintOptions = {}): number | Tensor {
    const dtype = options.dtype ?? 'int32';
    if (dtype !== 'int32' && dtype !== 'uint8' && dtype !== 'bool') {
      throw new TypeError(`randint: dtype must be 'int32', 'uint8' or 'bool', got ${describe(dtype)}`);
    }
    if (high === undefined || high === null) {
      high = checkInteger(low, 'low (the exclusive upper bound when high is omitted)', 'randint');
      low = 0;
    } else {
      checkInteger(low, 'low', 'randint');
      checkInteger(high, 'high', 'randint');
    }
    if (size !== undefined && size !== null) {
      const shape = toShape(size, 'randint');
      // numpy returns an empty array for an empty size before looking at the bounds.
      if (shapeSize(shape) === 0)
        return fromData(dtype === 'int32' ? new Int32Array(0) : new Uint8Array(0), shape, dtype);
    }
    const [min, limit] = RANDINT_BOUNDS[dtype];
    if (low < min || low >= limit) {
      throw new RangeError(
        `randint: low=${low} is out of bounds for ${dtype} (allowed: ${min} <= low < ${limit})`,
      );
    }
    if (high > limit || high < min) {
      throw new RangeError(
        `randint: high=${high} is out of bounds for ${dtype} (allowed: ${min} <= high <= ${limit})`,
      );
    }
    if (low >= high) {
      throw new RangeError(`randint: low must be less than high, got low=${low}, high=${high}`);
    }
    const rng = high - 1 - low;
    if (size === undefined || size === null) {
      const out = dtype === 'int32' ? new Int32Array(1) : new Uint8Array(1);
      boundedFill(this.mt, out, low, rng, dtype);
      return out[0];
    }
    const shape = toShape(size, 'randint');
    const n = shapeSize(shape);
    const out = dtype === 'int32' ? new Int32Array(n) : new Uint8Array(n);
    boundedFill(this.mt, out, low, rng, dtype);
    return fromData(out, shape, dtype);
  }

  // ------------------------------------------------------------------ permutations

  /**
   * Shuffles `x` in place along its first axis (numpy's legacy `shuffle`): rows of an n-D tensor are
   * moved whole; the contents of each row are untouched. Works on views (through strides), so a
   * slice of a larger tensor is shuffled inside that tensor. A plain JS array is shuffled in place too.
   *
   * @throws TypeError for a 0-d tensor.
   * @example
   * ```ts
   * const x = arange(10);
   * rs.shuffle(x);      // x is permuted
   * rs.shuffle(images); // (N, 784): shuffles the N rows
   * ```
   */
  shuffle(x: Tensor | unknown[]): void {
    shuffleInPlace(this.mt, x);
  }

  /**
   * A randomly permuted copy (numpy's legacy `permutation`). A number n permutes `arange(n)` (int32);
   * a tensor is copied and its rows (first axis) permuted; the input is not modified.
   *
   * @throws RangeError for a negative or non-integer n; TypeError for a 0-d tensor.
   * @example
   * ```ts
   * rs.permutation(10);         // int32 tensor, a permutation of 0..9
   * const idx = rs.permutation(trainSize);
   * rs.permutation(x);          // rows of x in random order (copy)
   * ```
   */
  permutation(x: number | Tensor): Tensor {
    return permute(this.mt, x);
  }

  // ------------------------------------------------------------------ choice

  /**
   * A random sample from `a` (numpy's legacy `choice`), in numpy's four modes:
   * with replacement and no `p`: `randint`; with `p`: inverse CDF (`searchsorted` of uniform
   * samples); without replacement and no `p`: the first `size` entries of a permutation; without
   * replacement with `p`: numpy's repeated draw-and-discard loop.
   *
   * `a` is a population size (the result holds int32 indices), a 1-D tensor (the result has its
   * dtype) or an array of numbers (float64 result). No `size`: a single number.
   *
   * @throws RangeError/TypeError for an empty or non-1-D `a`, a bad `p` (wrong length, negative, NaN,
   * not summing to 1) or a sample larger than the population without replacement.
   * @example
   * ```ts
   * rs.choice(5);                                   // index in 0..4
   * rs.choice(60000, 100);                          // a mini-batch of indices
   * rs.choice([0.1, 0.2, 0.7], 4, { p: [0.5, 0.3, 0.2] });
   * rs.choice(10, 3, { replace: false });
   * ```
   */
  choice(a: number | ArrayLike<number> | Tensor, size?: undefined, options?: ChoiceOptions): number;
  choice(a: number | ArrayLike<number> | Tensor, size: Size, options?: ChoiceOptions): Tensor;
  choice(a: number | ArrayLike<number> | Tensor, size?: Size, options?: ChoiceOptions): number | Tensor;
  choice(a: number | ArrayLike<number> | Tensor, size?: Size, options: ChoiceOptions = {}): number | Tensor {
    return sampleChoice(this.mt, a, size, options);
  }
}
