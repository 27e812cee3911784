/**
 * The stride arithmetic behind views: numpy's no-copy reshape rule and Python slice semantics.
 * Pure functions on shapes and strides; the Tensor methods wrap them.
 */
import { formatShape, shapeSize } from './shape.js';

/**
 * Resolves one `-1` in a requested shape and checks the element count, with numpy's message.
 * @example resolveReshape([2, -1], 6) // [2, 3]
 */
export function resolveReshape(
  requested: readonly number[],
  size: number,
  fromShape: readonly number[],
): number[] {
  const shape = [...requested];
  let unknown = -1;
  let known = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (d === -1) {
      if (unknown >= 0) throw new RangeError('reshape: can only specify one unknown dimension');
      unknown = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(
        `reshape: shape: expected non-negative integers or one -1, got [${requested.join(', ')}]`,
      );
    } else known *= d;
  }
  if (unknown >= 0) {
    if (known === 0 || size % known !== 0) {
      throw new RangeError(`cannot reshape array of size ${size} into shape ${formatShape(requested)}`);
    }
    shape[unknown] = size / known;
  }
  if (shapeSize(shape) !== size) {
    throw new RangeError(
      `cannot reshape array of size ${size} into shape ${formatShape(requested)} (from ${formatShape(fromShape)})`,
    );
  }
  return shape;
}

/**
 * numpy's `_attempt_nocopy_reshape`: the strides that read the same memory with `newShape`,
 * or null when the old strides do not allow it (then reshape must copy).
 * @example noCopyStrides([2, 3], [1, 2], [6]) // null (a transposed matrix cannot be flattened in place)
 */
export function noCopyStrides(
  oldShape: readonly number[],
  oldStrides: readonly number[],
  newShape: readonly number[],
): number[] | null {
  const olddims: number[] = [];
  const oldstrides: number[] = [];
  for (let i = 0; i < oldShape.length; i++) {
    if (oldShape[i] !== 1) {
      olddims.push(oldShape[i]);
      oldstrides.push(oldStrides[i]);
    }
  }
  const oldnd = olddims.length;
  const newnd = newShape.length;
  const newstrides = new Array<number>(newnd).fill(0);
  let oi = 0;
  let oj = 1;
  let ni = 0;
  let nj = 1;
  while (ni < newnd && oi < oldnd) {
    let np = newShape[ni];
    let op = olddims[oi];
    while (np !== op) {
      if (np < op) np *= newShape[nj++];
      else op *= olddims[oj++];
    }
    for (let ok = oi; ok < oj - 1; ok++) {
      if (oldstrides[ok] !== olddims[ok + 1] * oldstrides[ok + 1]) return null;
    }
    newstrides[nj - 1] = oldstrides[oj - 1];
    for (let nk = nj - 1; nk > ni; nk--) newstrides[nk - 1] = newstrides[nk] * newShape[nk];
    ni = nj++;
    oi = oj++;
  }
  const last = ni >= 1 ? newstrides[ni - 1] : 1;
  for (let nk = ni; nk < newnd; nk++) newstrides[nk] = last;
  return newstrides;
}

/** One entry of a slicing spec: Python's `start:stop:step` with any part omitted. */
export interface Slice {
  start?: number | null;
  stop?: number | null;
  step?: number | null;
}

/**
 * An index into one axis: an integer (drops the axis), a Python slice as a string (`'1:3'`, `'::-1'`,
 * `':'`) or object, `'...'` (all remaining axes) or `null` (a new axis of length 1, numpy's newaxis).
 */
export type Index = number | string | Slice | null;

/** Parses `'a:b:c'` into a Slice, or returns null if the string is not slice syntax. */
export function parseSlice(spec: string): Slice | null {
  const parts = spec.split(':');
  if (parts.length < 2 || parts.length > 3) return null;
  const num = (s: string): number | null => {
    const t = s.trim();
    if (t === '') return null;
    const v = Number(t);
    if (!Number.isInteger(v)) throw new TypeError(`slice '${spec}': '${t}' is not an integer`);
    return v;
  };
  return { start: num(parts[0]), stop: num(parts[1]), step: parts.length === 3 ? num(parts[2]) : null };
}

/**
 * Python's `slice.indices(n)`: the concrete start, step and length of a slice on an axis of length n.
 * @example sliceIndices({ step: -1 }, 5) // { start: 4, step: -1, length: 5 }
 */
export function sliceIndices(s: Slice, n: number): { start: number; step: number; length: number } {
  const step = s.step ?? 1;
  if (step === 0) throw new RangeError('slice step cannot be zero');
  let start: number;
  let stop: number;
  if (step > 0) {
    start = s.start == null ? 0 : s.start < 0 ? Math.max(0, s.start + n) : Math.min(s.start, n);
    stop = s.stop == null ? n : s.stop < 0 ? Math.max(0, s.stop + n) : Math.min(s.stop, n);
  } else {
    start = s.start == null ? n - 1 : s.start < 0 ? Math.max(-1, s.start + n) : Math.min(s.start, n - 1);
    stop = s.stop == null ? -1 : s.stop < 0 ? Math.max(-1, s.stop + n) : Math.min(s.stop, n - 1);
  }
  const length =
    step > 0 ? Math.max(0, Math.ceil((stop - start) / step)) : Math.max(0, Math.ceil((start - stop) / -step));
  return { start, step, length };
}

/**
 * Applies an indexing spec to shape/strides/offset, as numpy's basic indexing does: the view's
 * new shape, strides and offset.
 * @example sliceView([4, 5], [5, 1], 0, [1, '::-1']) // { shape: [5], strides: [-1], offset: 9 }
 */
export function sliceView(
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  specs: readonly Index[],
): { shape: number[]; strides: number[]; offset: number } {
  const ellipses = specs.filter((s) => s === '...').length;
  if (ellipses > 1) throw new RangeError("an index can only have a single ellipsis ('...')");
  const consuming = specs.filter((s) => s !== null && s !== '...').length;
  if (consuming > shape.length) {
    throw new RangeError(
      `too many indices for array: array is ${shape.length}-dimensional, but ${consuming} were indexed`,
    );
  }
  const full: Index[] = [];
  for (const s of specs) {
    if (s === '...') for (let i = 0; i < shape.length - consuming; i++) full.push(':');
    else full.push(s);
  }
  while (full.filter((s) => s !== null).length < shape.length) full.push(':');
  const outShape: number[] = [];
  const outStrides: number[] = [];
  let axis = 0;
  for (const s of full) {
    if (s === null) {
      outShape.push(1);
      outStrides.push(0);
      continue;
    }
    const n = shape[axis];
    const st = strides[axis];
    if (typeof s === 'number') {
      offset += normalizeIndex(s, n, axis) * st;
    } else {
      const sl = typeof s === 'string' ? parseSlice(s) : s;
      if (sl === null)
        throw new TypeError(`index '${String(s)}' is not a slice like '1:3', '::-1', ':' or '...'`);
      const { start, step, length } = sliceIndices(sl, n);
      if (length > 0) offset += start * st;
      outShape.push(length);
      outStrides.push(st * step);
    }
    axis++;
  }
  return { shape: outShape, strides: outStrides, offset };
}

/**
 * An integer index on an axis of length `n` (negative counts from the end), with numpy's errors.
 * @example normalizeIndex(-1, 5, 0) // 4
 */
export function normalizeIndex(j: number, n: number, axis: number): number {
  if (!Number.isInteger(j)) throw new TypeError(`index ${j} is not an integer (axis ${axis})`);
  if (j < -n || j >= n) throw new RangeError(`index ${j} is out of bounds for axis ${axis} with size ${n}`);
  return j < 0 ? j + n : j;
}

/**
 * Where in storage the element at `idx` lies, for a tensor of `shape`/`strides`/`offset`.
 * @example elementOffset([2, 3], [3, 1], 0, [1, -1]) // 5
 */
export function elementOffset(
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  idx: readonly number[],
): number {
  if (idx.length !== shape.length) {
    throw new RangeError(
      `index: expected ${shape.length} indices for shape ${formatShape(shape)}, got ${idx.length}`,
    );
  }
  let o = offset;
  for (let i = 0; i < idx.length; i++) o += normalizeIndex(idx[i], shape[i], i) * strides[i];
  return o;
}
