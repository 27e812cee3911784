/**
 * The WASM fast path of the elementwise ops and reductions (issue 6): when the active kernels are
 * the WASM SIMD ones (`getKernels().name === 'wasm'`), the dtype is float32 or float64, every operand
 * has that dtype (or is a scalar exactly representable in it) and the whole op is one contiguous run
 * (or a contiguous (m, n) array with a contiguous row of n, for binary ops), the op runs as one
 * kernel call: `binaryOp`, `unaryOp` or `reduceRows` of `kernels/types.ts`. Otherwise, and below
 * {@link MIN_FAST_SIZE} elements (where copying the arguments into WebAssembly memory does not pay),
 * each function returns false / null and the caller runs its TypeScript loops, the readable
 * reference. Both give the same bits except exp (within about 1 ulp).
 *
 * Not part of the public API.
 */
import { getKernels } from '../kernels/select.js';
import type { BinaryOp, FloatArray, Kernels, OperandLayout, ReduceOp, UnaryOp } from '../kernels/types.js';
import type { DType, TypedArray } from '../tensor/dtype.js';
import { shapeSize } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { View } from './elementwise.js';

/**
 * Smallest number of elements for which the WASM kernels are used, per dtype. Below it the staging
 * of ordinary arrays (copied into WebAssembly memory and back, plus about 1 µs per call) costs more
 * than the SIMD loop saves. Measured on Node 20 (add, add of a scalar, exp, sum, max on 16 to
 * 1024 elements, noisy on a shared machine): float32 breaks even between 128 and 256 elements;
 * float64, whose TypeScript loops need no rounding and whose copies are twice the bytes, between
 * 512 and 1024.
 */
export const MIN_FAST_SIZE: Readonly<Record<'float32' | 'float64', number>> = { float32: 256, float64: 1024 };

/** The WASM kernels when they are active, the dtype is a float one and size is large enough, else null. */
function wasmFor(dtype: DType, size: number): Kernels | null {
  if ((dtype !== 'float32' && dtype !== 'float64') || size < MIN_FAST_SIZE[dtype]) return null;
  const k = getKernels();
  return k.name === 'wasm' ? k : null;
}

/** True if `data` is the storage class of float `dtype`. */
function isStorage(data: TypedArray, dtype: DType): data is FloatArray {
  return dtype === 'float32' ? data instanceof Float32Array : data instanceof Float64Array;
}

/** True if the view's elements lie in C order with no gaps (size-1 axes may have any stride). */
function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

/** `count` elements of `v`'s storage from its offset, as the kernels take them. */
function run(v: View, count: number): FloatArray {
  const d = v.data as FloatArray;
  return v.offset === 0 && d.length === count ? d : d.subarray(v.offset, v.offset + count);
}

/** A one-element array of `dtype` holding `value`, or null if `value` does not convert exactly. */
function scalarOf(value: number, dtype: DType): FloatArray | null {
  if (dtype === 'float64') return new Float64Array([value]);
  const f = Math.fround(value);
  return f === value || Number.isNaN(value) ? new Float32Array([f]) : null;
}

/** How `v` covers an output of `size` elements whose rows have `n`: its layout and its elements. */
function operand(
  v: View,
  dtype: DType,
  size: number,
  n: number,
): { layout: OperandLayout; data: FloatArray } | null {
  const count = shapeSize(v.shape);
  if (count === 1) {
    const data = scalarOf(v.data[v.offset], dtype);
    return data ? { layout: 'scalar', data } : null;
  }
  if (!isStorage(v.data, dtype) || !isContiguous(v.shape, v.strides)) return null;
  if (count === size) return { layout: 'full', data: run(v, size) };
  const last = v.shape.length - 1;
  if (count === n && last >= 0 && v.shape[last] === n) return { layout: 'row', data: run(v, n) };
  return null;
}

/**
 * `out = a op b` through the WASM `binaryOp` kernel, if the fast path applies: out is contiguous of
 * `shape` with dtype `loop`, a and b are full, a row (a contiguous (n,) against the last axis) or a
 * single value. Returns false, having done nothing, otherwise.
 * @example if (!fastBinary('add', 'float32', shape, out, a, b)) runBinary(addK, shape, out, a, b)
 */
export function fastBinary(
  op: BinaryOp,
  loop: DType,
  shape: readonly number[],
  out: View,
  a: View,
  b: View,
): boolean {
  const size = shapeSize(shape);
  const k = wasmFor(loop, size);
  if (k === null || !isStorage(out.data, loop) || !isContiguous(out.shape, out.strides)) return false;
  if (shapeSize(out.shape) !== size) return false;
  const n = shape[shape.length - 1];
  const av = operand(a, loop, size, n);
  const bv = operand(b, loop, size, n);
  if (av === null || bv === null) return false;
  const rows = av.layout === 'row' || bv.layout === 'row';
  const m = rows ? size / n : 1;
  k.binaryOp(op, m, rows ? n : size, av.data, av.layout, bv.data, bv.layout, run(out, size));
  return true;
}

/**
 * `out = op(a)` through the WASM `unaryOp` kernel, if out and a are contiguous of `shape` with
 * dtype `dtype`. Returns false, having done nothing, otherwise.
 * @example if (!fastUnary('sqrt', 'float64', shape, out, a)) runUnary(sqrtK, shape, out, a)
 */
export function fastUnary(op: UnaryOp, dtype: DType, shape: readonly number[], out: View, a: View): boolean {
  const size = shapeSize(shape);
  const k = wasmFor(dtype, size);
  if (k === null || !isStorage(out.data, dtype) || !isStorage(a.data, dtype)) return false;
  if (shapeSize(a.shape) !== size || !isContiguous(a.shape, a.strides)) return false;
  if (!isContiguous(out.shape, out.strides)) return false;
  k.unaryOp(op, size, run(a, size), run(out, size));
  return true;
}

/**
 * `sum`, `max` or `min` of a C-contiguous float tensor over axes that form a trailing block of its
 * non-trivial axes (all axes, the last one, the last two, ...), through the WASM `reduceRows`
 * kernel: `outStrides` are the reduction plan's (0 along reduced axes). Returns the result data
 * (outSize elements, in the order of the kept axes), or null where the fast path does not apply.
 * Sums are returned as `0 + s`, as the reference accumulates into zeros (so -0 sums give +0).
 * @example const data = fastReduce('sum', x, plan.outStrides, plan.outSize, plan.count)
 */
export function fastReduce(
  op: ReduceOp,
  x: Tensor,
  outStrides: readonly number[],
  outSize: number,
  count: number,
): FloatArray | null {
  const size = x.size;
  const k = wasmFor(x.dtype, size);
  if (k === null || !isStorage(x.data, x.dtype) || !isContiguous(x.shape, x.strides)) return null;
  let reducedSeen = false;
  for (let i = 0; i < x.ndim; i++) {
    if (x.shape[i] === 1) continue;
    if (outStrides[i] === 0) reducedSeen = true;
    else if (reducedSeen) return null; // a kept axis after a reduced one
  }
  const out = x.dtype === 'float32' ? new Float32Array(outSize) : new Float64Array(outSize);
  k.reduceRows(op, outSize, count, run(x, size), out);
  if (op === 'sum') for (let i = 0; i < outSize; i++) out[i] += 0;
  return out;
}
