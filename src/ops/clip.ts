/**
 * numpy's `clip`: limit values to an interval, with broadcasting bounds.
 */
import { allocate, type DType, promoteTypes, promoteWithScalar } from '../tensor/dtype.js';
import { broadcastStrides } from '../tensor/shape.js';
import type { Tensor, TensorLike } from '../tensor/tensor.js';
import {
  broadcastAll,
  canCastSameKind,
  castError,
  castScalar,
  checkInPlaceTarget,
  checkTensor,
  checkTensorLike,
  intRange,
  isInteger,
  newTensor,
  outView,
  runTernary,
  scalarView,
  type TernaryKernel,
  unaliased,
  type View,
} from './elementwise.js';

/**
 * Both bounds given and constant over the whole tensor (numbers, size-1 tensors, stride-0 views):
 * numpy's loop for constant bounds. A NaN bound gives NaN everywhere; else `x < lo ? lo : x`, then
 * `> hi ? hi`, so a tie (0 against -0) keeps `x`, NaN in `x` stays NaN and `lo > hi` gives `hi`.
 */
const clipConstK: TernaryKernel = (n, out, o, os, a, ao, as, lo, lo0, _los, hi, hi0) => {
  const l = lo[lo0];
  const h = hi[hi0];
  if (Number.isNaN(l) || Number.isNaN(h)) {
    for (let i = 0; i < n; i++, o += os) out[o] = NaN;
    return;
  }
  for (let i = 0; i < n; i++, o += os, ao += as) {
    const x = a[ao];
    // biome-ignore lint/complexity/useMathMinMax: Math.max differs on NaN and on 0 vs -0 ties
    const t = x < l ? l : x;
    // biome-ignore lint/complexity/useMathMinMax: as above
    out[o] = t > h ? h : t;
  }
};

/**
 * numpy's general loop `_NPY_CLIP(x, lo, hi) = MIN(MAX(x, lo), hi)`, whose MAX/MIN keep a NaN first
 * argument and otherwise return the bound unless `x > lo` (`x < hi`): NaN anywhere gives NaN, `lo > hi`
 * gives `hi`, a tie gives the bound. With one bound missing (±Infinity) it is exactly numpy's
 * `maximum`/`minimum`, which numpy's clip calls then.
 */
const clipK: TernaryKernel = (n, out, o, os, a, ao, as, lo, lo0, los, hi, hi0, his) => {
  for (let i = 0; i < n; i++, o += os, ao += as, lo0 += los, hi0 += his) {
    const x = a[ao];
    const l = lo[lo0];
    const t = Number.isNaN(x) || x > l ? x : l;
    const h = hi[hi0];
    out[o] = Number.isNaN(t) || t < h ? t : h;
  }
};

/** True if every element of `v` broadcast to `shape` is the same memory cell. */
function isConstant(v: View, shape: readonly number[]): boolean {
  return broadcastStrides(v.shape, v.strides, shape).every((s) => s === 0);
}

/** The loop numpy would run (they differ only in the sign of a zero on ties, see above). */
function kernelFor(
  lo: Bound,
  hi: Bound,
  loView: View,
  hiView: View,
  shape: readonly number[],
): TernaryKernel {
  return lo != null && hi != null && isConstant(loView, shape) && isConstant(hiView, shape)
    ? clipConstK
    : clipK;
}

type Bound = TensorLike | null | undefined;

function checkBound(fn: string, arg: string, x: unknown): asserts x is Bound {
  if (x === null || x === undefined || typeof x === 'number') return;
  checkTensorLike(fn, arg, x);
}

/**
 * The dtype numpy 2 clips in: tensors promote; a number is a weak scalar, except that an integer
 * bound on an integer dtype keeps the dtype even when out of its range (numpy 2 clips such bounds
 * to the range), so `clip(uint8Tensor, 0, 300)` stays uint8.
 */
function clipType(a: TensorLike, lo: Bound, hi: Bound): DType {
  let dt: DType | null = null;
  for (const x of [a, lo, hi]) {
    if (x !== null && x !== undefined && typeof x !== 'number')
      dt = dt === null ? x.dtype : promoteTypes(dt, x.dtype);
  }
  if (dt === null) return 'float64';
  if (typeof a === 'number') dt = promoteWithScalar(dt, a);
  for (const x of [lo, hi]) {
    if (typeof x !== 'number' || (isInteger(dt) && Number.isInteger(x))) continue;
    dt = promoteWithScalar(dt, x);
  }
  return dt;
}

/** The kernel's view of a bound: a tensor, its weak scalar converted to `dtype`, or ±Infinity when absent. */
function boundView(bound: Bound, dtype: DType, missing: number): View {
  if (bound === null || bound === undefined) return scalarView(missing);
  if (typeof bound !== 'number') return bound;
  if (dtype === 'int32' || dtype === 'uint8') {
    const [lo, hi] = intRange(dtype);
    return scalarView(Math.min(Math.max(bound, lo), hi));
  }
  return scalarView(dtype === 'float32' ? Math.fround(bound) : bound);
}

/** numpy calls `maximum` or `minimum` when only one bound is given; its errors name that ufunc. */
function ufuncName(lo: Bound, hi: Bound): string {
  if (lo == null && hi != null) return 'minimum';
  if (hi == null && lo != null) return 'maximum';
  return 'clip';
}

/**
 * Limits every element to [min, max] (numpy's `clip`); `null` means no bound on that side (both
 * null gives a plain copy). `min > max` gives `max`, as numpy. NaN in the input or a bound gives
 * NaN. The shapes of `a`, `min` and `max` broadcast together. dtype: numpy 2's rules (weak number
 * bounds; an integer bound on an integer tensor keeps its dtype, clipped to its range).
 * Returns a new tensor (copy).
 * @example clip(tensor([-2, 0.5, 3]), 0, 1) // [0, 0.5, 1]
 */
export function clip(a: TensorLike, min: TensorLike | null, max: TensorLike | null): Tensor {
  checkTensorLike('clip', 'a', a);
  checkBound('clip', 'min', min);
  checkBound('clip', 'max', max);
  const dtype = clipType(a, min, max);
  const shape = broadcastAll([a, ...(min != null ? [min] : []), ...(max != null ? [max] : [])]);
  const av = typeof a === 'number' ? scalarView(castScalar('clip', 'a', a, dtype)) : a;
  let size = 1;
  for (const d of shape) size *= d;
  const data = allocate(dtype, size);
  const lo = boundView(min, dtype, -Infinity);
  const hi = boundView(max, dtype, Infinity);
  runTernary(kernelFor(min, max, lo, hi, shape), shape, outView(data, shape), av, lo, hi);
  return newTensor(data, shape, dtype);
}

/**
 * `target = clip(target, min, max)`, in place: writes through `target`'s strides (a view writes into
 * its base) and returns `target`. `min`/`max` broadcast to `target`'s shape (they may not enlarge it)
 * and may overlap it; the result is cast by numpy's same_kind rule (a float bound on an integer
 * target is an error).
 * @example clipInPlace(grad, -5, 5) // gradient clipping
 */
export function clipInPlace(target: Tensor, min: TensorLike | null, max: TensorLike | null): Tensor {
  checkTensor('clipInPlace', 'target', target);
  checkBound('clipInPlace', 'min', min);
  checkBound('clipInPlace', 'max', max);
  const dtype = clipType(target, min, max);
  if (!canCastSameKind(dtype, target.dtype)) throw castError(ufuncName(min, max), dtype, target.dtype);
  const bounds: TensorLike[] = [];
  if (min != null) bounds.push(min);
  if (max != null) bounds.push(max);
  checkInPlaceTarget('clipInPlace', target, bounds);
  const lo = boundView(
    min != null && typeof min !== 'number' ? unaliased(min, target) : min,
    dtype,
    -Infinity,
  );
  const hi = boundView(
    max != null && typeof max !== 'number' ? unaliased(max, target) : max,
    dtype,
    Infinity,
  );
  runTernary(kernelFor(min, max, lo, hi, target.shape), target.shape, target, target, lo, hi);
  return target;
}
