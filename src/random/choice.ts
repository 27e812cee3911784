/**
 * numpy's legacy `choice` for `RandomState`: population and `p` validation, inverse-CDF
 * sampling and the draw-and-discard loop for sampling without replacement.
 *
 * @module
 */
import { fromData } from '../tensor/create.js';
import { allocate, type DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { boundedFill, INT32_LIMIT } from './bounded.js';
import { describe, type MT19937 } from './mt19937.js';
import { shuffleArray } from './shuffle.js';
import { formatShape, type Size, shapeSize, toShape } from './size.js';

/**
 * Options of `RandomState.choice`.
 *
 * @example
 * ```ts
 * rs.choice(5, 3, { replace: false, p: [0.1, 0, 0.3, 0.6, 0] });
 * ```
 */
export interface ChoiceOptions {
  /** Sample with replacement (default true). */
  replace?: boolean;
  /** Probability of each entry of `a` (non-negative, summing to 1); uniform when omitted. */
  p?: ArrayLike<number> | Tensor;
}

/** numpy's tolerance for `sum(p) == 1`: sqrt of float64 / float32 machine epsilon. */
const ATOL_FLOAT64 = Math.sqrt(2 ** -52);
const ATOL_FLOAT32 = Math.sqrt(2 ** -23);

/** Reads element `i` of a 1-D tensor through its strides. */
function at1d(t: Tensor, i: number): number {
  return t.data[t.offset + i * t.strides[0]];
}

/** First index i with `x < cdf[i]` (numpy's `searchsorted(cdf, x, side='right')`). */
function searchRight(cdf: Float64Array, x: number): number {
  let lo = 0;
  let hi = cdf.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x < cdf[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Cumulative sum normalised by its last entry, as numpy's `cdf = p.cumsum(); cdf /= cdf[-1]`. */
function normalisedCdf(p: Float64Array): Float64Array {
  const cdf = new Float64Array(p.length);
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    s += p[i];
    cdf[i] = s;
  }
  const last = cdf[cdf.length - 1];
  for (let i = 0; i < cdf.length; i++) cdf[i] /= last;
  return cdf;
}

/** numpy's `kahan_sum` used to validate `p`. */
function kahanSum(p: Float64Array): number {
  if (p.length === 0) return 0;
  let sum = p[0];
  let c = 0;
  for (let i = 1; i < p.length; i++) {
    const y = p[i] - c;
    const t = sum + y;
    c = t - sum - y;
    sum = t;
  }
  return sum;
}

/** numpy's legacy `choice` (see `RandomState.choice`). */
export function sampleChoice(
  mt: MT19937,
  a: number | ArrayLike<number> | Tensor,
  size?: Size,
  options: ChoiceOptions = {},
): number | Tensor {
  const { replace = true, p } = options;
  const isScalar = size === undefined || size === null;
  const shape = isScalar ? [] : toShape(size, 'choice');
  const count = shapeSize(shape);

  // Population.
  let popSize: number;
  let values: ((i: number) => number) | null = null;
  let outDType: DType = 'int32';
  if (typeof a === 'number') {
    if (!Number.isInteger(a)) {
      throw new TypeError(`choice: a must be 1-dimensional or an integer, got ${a}`);
    }
    if (a <= 0 && (isScalar || count !== 0)) {
      throw new RangeError(`choice: a must be greater than 0 unless no samples are taken, got ${a}`);
    }
    if (a > INT32_LIMIT) {
      throw new RangeError(`choice: a=${a} is too large: indices must fit int32 (a <= ${INT32_LIMIT})`);
    }
    popSize = a;
  } else if (a instanceof Tensor) {
    if (a.ndim !== 1) {
      throw new RangeError(`choice: a must be 1-dimensional, got shape ${formatShape(a.shape)}`);
    }
    popSize = a.shape[0];
    values = (i) => at1d(a, i);
    outDType = a.dtype;
  } else if (a !== null && typeof a === 'object' && typeof a.length === 'number') {
    popSize = a.length;
    for (let i = 0; i < popSize; i++) {
      if (typeof a[i] !== 'number') {
        throw new TypeError(`choice: a must be 1-dimensional (numbers), got a[${i}] = ${describe(a[i])}`);
      }
    }
    values = (i) => a[i];
    outDType = 'float64';
  } else {
    throw new TypeError(
      `choice: a must be an integer, an array of numbers or a 1-D Tensor, got ${describe(a)}`,
    );
  }
  if (values !== null && popSize === 0 && (isScalar || count !== 0)) {
    throw new RangeError("choice: 'a' cannot be empty unless no samples are taken");
  }

  // Probabilities.
  let probs: Float64Array | null = null;
  if (p !== undefined && p !== null) {
    probs = checkP(p, popSize);
  }

  // Sampling.
  const idx = new Int32Array(count);
  if (replace) {
    if (probs !== null) {
      const cdf = normalisedCdf(probs);
      for (let k = 0; k < idx.length; k++) idx[k] = searchRight(cdf, mt.nextDouble());
    } else {
      // numpy: randint(0, pop_size, size=shape)
      if (popSize <= 0 && count > 0) {
        throw new RangeError(`choice: a must be greater than 0 unless no samples are taken, got ${popSize}`);
      }
      if (count > 0) boundedFill(mt, idx, 0, popSize - 1, 'int32');
    }
  } else {
    if (count > popSize) {
      throw new RangeError(
        `choice: cannot take a larger sample than the population when replace is false (size ${count} > population ${popSize})`,
      );
    }
    if (probs !== null) {
      choiceWithoutReplacement(mt, probs, idx);
    } else {
      const perm = new Int32Array(popSize);
      for (let i = 0; i < popSize; i++) perm[i] = i;
      shuffleArray(mt, perm);
      idx.set(perm.subarray(0, idx.length));
    }
  }

  if (isScalar) return values === null ? idx[0] : values(idx[0]);
  if (values === null) return fromData(idx, shape, 'int32');
  const out = allocate(outDType, count);
  for (let k = 0; k < count; k++) out[k] = values(idx[k]);
  return fromData(out, shape, outDType);
}

/** Validates `p` as numpy does, returning it as float64. */
function checkP(p: ArrayLike<number> | Tensor, popSize: number): Float64Array {
  let probs: Float64Array;
  let atol = ATOL_FLOAT64;
  if (p instanceof Tensor) {
    if (p.ndim !== 1) {
      throw new RangeError(`choice: p must be 1-dimensional, got shape ${formatShape(p.shape)}`);
    }
    probs = new Float64Array(p.shape[0]);
    for (let i = 0; i < probs.length; i++) probs[i] = at1d(p, i);
    if (p.dtype === 'float32') atol = Math.max(atol, ATOL_FLOAT32);
  } else if (p !== null && typeof p === 'object' && typeof p.length === 'number') {
    probs = new Float64Array(p.length);
    for (let i = 0; i < probs.length; i++) {
      const v = p[i];
      if (typeof v !== 'number') throw new TypeError(`choice: p[${i}] must be a number, got ${describe(v)}`);
      probs[i] = v;
    }
    if (p instanceof Float32Array) atol = Math.max(atol, ATOL_FLOAT32);
  } else {
    throw new TypeError(`choice: p must be an array of probabilities or a 1-D Tensor, got ${describe(p)}`);
  }
  if (probs.length !== popSize) {
    throw new RangeError(
      `choice: 'a' and 'p' must have the same size, got a of size ${popSize} and p of size ${probs.length}`,
    );
  }
  const sum = kahanSum(probs);
  if (Number.isNaN(sum)) {
    const i = probs.findIndex((v) => Number.isNaN(v));
    throw new RangeError(`choice: probabilities contain NaN (p[${i}] = ${probs[i]})`);
  }
  const neg = probs.findIndex((v) => v < 0);
  if (neg >= 0) {
    throw new RangeError(`choice: probabilities must be non-negative, got p[${neg}] = ${probs[neg]}`);
  }
  if (Math.abs(sum - 1) > atol) {
    throw new RangeError(`choice: probabilities must sum to 1, got sum(p) = ${sum} (tolerance ${atol})`);
  }
  return probs;
}

/** numpy's legacy loop for `choice(..., replace=False, p=p)`; fills `found`. */
function choiceWithoutReplacement(mt: MT19937, p0: Float64Array, found: Int32Array): void {
  const size = found.length;
  let nonzero = 0;
  for (const v of p0) if (v > 0) nonzero++;
  if (nonzero < size) {
    throw new RangeError(
      `choice: fewer non-zero entries in p (${nonzero}) than size (${size}) when replace is false`,
    );
  }
  const p = Float64Array.from(p0);
  const seen = new Uint8Array(p.length);
  let nUniq = 0;
  while (nUniq < size) {
    const m = size - nUniq;
    const x = new Float64Array(m);
    for (let k = 0; k < m; k++) x[k] = mt.nextDouble();
    for (let k = 0; k < nUniq; k++) p[found[k]] = 0;
    const cdf = normalisedCdf(p);
    // np.unique(new, return_index=True) + sort of the indices = distinct values in order of first
    // appearance.
    seen.fill(0);
    for (let k = 0; k < m; k++) {
      const v = searchRight(cdf, x[k]);
      if (!seen[v]) {
        seen[v] = 1;
        found[nUniq++] = v;
      }
    }
  }
}
