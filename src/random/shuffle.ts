/**
 * numpy's legacy `shuffle` and `permutation` (Fisher-Yates from the end) for `RandomState`, on
 * plain arrays and on tensors through their strides.
 *
 * @module
 */
import { fromData } from '../tensor/create.js';
import { allocate, type TypedArray } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { INT32_LIMIT, interval } from './bounded.js';
import { describe, type MT19937 } from './mt19937.js';
import { shapeSize } from './size.js';

/** A contiguous C-order copy of a tensor's elements, reading through shape, strides and offset. */
function gather(t: Tensor): TypedArray {
  const n = t.size;
  const out = allocate(t.dtype, n);
  if (n === 0) return out;
  const { data, shape, strides, ndim } = t;
  let pos = t.offset;
  if (ndim === 0) {
    out[0] = data[pos];
    return out;
  }
  const idx = new Array<number>(ndim).fill(0);
  for (let k = 0; k < n; k++) {
    out[k] = data[pos];
    for (let d = ndim - 1; d >= 0; d--) {
      idx[d]++;
      pos += strides[d];
      if (idx[d] < shape[d]) break;
      pos -= strides[d] * shape[d];
      idx[d] = 0;
    }
  }
  return out;
}

/** Offsets in `data`, relative to the start of a row, of the elements of one row (axes 1..n-1). */
function rowOffsets(t: Tensor): Int32Array {
  const { shape, strides, ndim } = t;
  const inner = shape.slice(1);
  const n = shapeSize(inner);
  const out = new Int32Array(n);
  if (n === 0) return out;
  const idx = new Array<number>(ndim).fill(0);
  let pos = 0;
  for (let k = 0; k < n; k++) {
    out[k] = pos;
    for (let d = ndim - 1; d >= 1; d--) {
      idx[d]++;
      pos += strides[d];
      if (idx[d] < shape[d]) break;
      pos -= strides[d] * shape[d];
      idx[d] = 0;
    }
  }
  return out;
}

/** Fisher-Yates on a contiguous 1-D array, numpy's `_shuffle_raw` order. */
export function shuffleArray(mt: MT19937, a: { [i: number]: number; length: number }): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = interval(mt, i);
    const t = a[j];
    a[j] = a[i];
    a[i] = t;
  }
}

/** numpy's legacy `shuffle`: permutes `x` in place along its first axis (see `RandomState.shuffle`). */
export function shuffleInPlace(mt: MT19937, x: Tensor | unknown[]): void {
  if (Array.isArray(x)) {
    for (let i = x.length - 1; i > 0; i--) {
      const j = interval(mt, i);
      const t = x[j];
      x[j] = x[i];
      x[i] = t;
    }
    return;
  }
  if (!(x instanceof Tensor)) {
    throw new TypeError(`shuffle: x must be a Tensor or an array, got ${describe(x)}`);
  }
  if (x.ndim === 0) {
    throw new TypeError('shuffle: x must be at least 1-dimensional, got a 0-d tensor (shape ())');
  }
  if (x.size === 0) return; // numpy: shuffling an empty array is a no-op (no draws)
  const n = x.shape[0];
  const data = x.data;
  const s0 = x.strides[0];
  const base = x.offset;
  if (x.ndim === 1) {
    for (let i = n - 1; i > 0; i--) {
      const j = interval(mt, i);
      const pi = base + i * s0;
      const pj = base + j * s0;
      const t = data[pj];
      data[pj] = data[pi];
      data[pi] = t;
    }
    return;
  }
  // n-D: numpy copies row j to a buffer, row i to row j, the buffer to row i.
  const offs = rowOffsets(x);
  const m = offs.length;
  const buf = allocate(x.dtype, m);
  for (let i = n - 1; i > 0; i--) {
    const j = interval(mt, i);
    if (i === j) continue;
    const pi = base + i * s0;
    const pj = base + j * s0;
    for (let k = 0; k < m; k++) buf[k] = data[pj + offs[k]];
    for (let k = 0; k < m; k++) data[pj + offs[k]] = data[pi + offs[k]];
    for (let k = 0; k < m; k++) data[pi + offs[k]] = buf[k];
  }
}

/** numpy's legacy `permutation`: a permuted copy (see `RandomState.permutation`). */
export function permute(mt: MT19937, x: number | Tensor): Tensor {
  if (typeof x === 'number') {
    if (!Number.isInteger(x) || x < 0 || x > INT32_LIMIT) {
      throw new RangeError(`permutation: x must be a non-negative integer (or a tensor), got ${x}`);
    }
    const a = new Int32Array(x);
    for (let i = 0; i < x; i++) a[i] = i;
    shuffleArray(mt, a);
    return fromData(a, [x], 'int32');
  }
  if (!(x instanceof Tensor)) {
    throw new TypeError(`permutation: x must be an integer or a Tensor, got ${describe(x)}`);
  }
  if (x.ndim < 1) {
    throw new TypeError('permutation: x must be an integer or at least 1-dimensional, got a 0-d tensor');
  }
  const src = gather(x);
  if (x.ndim === 1) {
    // numpy: copy, then shuffle the copy
    const copy = fromData(src, x.shape, x.dtype);
    shuffleInPlace(mt, copy);
    return copy;
  }
  // numpy: shuffle arange(n), then take those rows (so even empty rows consume draws).
  const n = x.shape[0];
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  shuffleArray(mt, order);
  const rowLen = n === 0 ? 0 : src.length / n;
  const out = allocate(x.dtype, src.length);
  for (let r = 0; r < n; r++) out.set(src.subarray(order[r] * rowLen, (order[r] + 1) * rowLen), r * rowLen);
  return fromData(out, x.shape, x.dtype);
}
