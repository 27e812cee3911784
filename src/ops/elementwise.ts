/**
 * Private plumbing shared by the elementwise ops (binary, unary, clip, where): argument checks,
 * numpy 2 dtype resolution with weak JS-number scalars, the same_kind casting rule for in-place
 * writes, and the loop drivers that feed strided runs to the per-op kernels.
 *
 * Kernels are plain functions `(n, out, o, os, a, ao, as, ...)` that process one run of `n`
 * elements: operand k starts at index `ko` of its storage and advances by `ks` per element. A weak
 * scalar is a one-element Float64Array read with step 0, so one kernel serves tensor-tensor,
 * tensor-scalar, contiguous and strided cases; the drivers call a kernel once for the whole tensor
 * when every operand can be read as a single run (the fast path), else once per innermost run via
 * `forEachRow`. No allocation happens per element.
 *
 * Not part of the public API.
 */
import { type DType, isFloat, promoteTypes, promoteWithScalar, type TypedArray } from '../tensor/dtype.js';
import { forEachRow } from '../tensor/iterate.js';
import {
  broadcastShapes,
  broadcastStrides,
  contiguousStrides,
  formatShape,
  shapeSize,
  shapesEqual,
} from '../tensor/shape.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';

/** A kernel's arguments for one run of `n` elements: the output, then each operand, as (storage, start, step). */
type UnaryRun = [n: number, out: TypedArray, o: number, os: number, a: TypedArray, ao: number, as: number];
type BinaryRun = [...UnaryRun, b: TypedArray, bo: number, bs: number];
type TernaryRun = [...BinaryRun, c: TypedArray, co: number, cs: number];

/** A kernel over one run of a unary op. */
export type UnaryKernel = (...run: UnaryRun) => void;

/** A kernel over one run of a binary op. */
export type BinaryKernel = (...run: BinaryRun) => void;

/** A kernel over one run of a three-input op (where, clip). */
export type TernaryKernel = (...run: TernaryRun) => void;

/** What a kernel reads or writes: storage plus layout (a Tensor, or a weak scalar's one-element box). */
export interface View {
  readonly data: TypedArray;
  readonly offset: number;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
}

const EMPTY: readonly number[] = Object.freeze([]);

/** A one-element view holding `value` (a weak scalar already converted to the loop dtype). */
export function scalarView(value: number): View {
  const data = new Float64Array(1);
  data[0] = value;
  return { data, offset: 0, shape: EMPTY, strides: EMPTY };
}

// ------------------------------------------------------------------ argument checks

/** A short description of a bad argument for error messages: `string 'abc'`, `undefined`. */
export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (typeof x === 'string') return `string '${x}'`;
  if (Array.isArray(x)) return 'an Array (wrap nested arrays with tensor(...))';
  if (typeof x === 'object') return `an object of type ${x.constructor?.name ?? 'Object'}`;
  if (typeof x === 'function') return 'a function';
  return `${typeof x} ${String(x)}`;
}

/** Throws unless `x` is a Tensor or a number. */
export function checkTensorLike(fn: string, arg: string, x: unknown): asserts x is TensorLike {
  if (typeof x === 'number' || x instanceof Tensor) return;
  throw new TypeError(`${fn}: ${arg}: expected a Tensor or a number, got ${describe(x)}`);
}

/** Throws unless `x` is a Tensor. */
export function checkTensor(fn: string, arg: string, x: unknown): asserts x is Tensor {
  if (x instanceof Tensor) return;
  throw new TypeError(`${fn}: ${arg}: expected a Tensor, got ${describe(x)}`);
}

// ------------------------------------------------------------------ dtypes

/** numpy's dtype kinds in same_kind order: b < u < i < f. */
const KIND: Record<DType, number> = { bool: 0, uint8: 1, int32: 2, float32: 3, float64: 3 };

/**
 * numpy's `can_cast(from, to, 'same_kind')` for scratchnet's dtypes: safe casts, plus float64 to
 * float32. Integer to a smaller or unsigned integer, float to integer and anything to bool are refused.
 */
export function canCastSameKind(from: DType, to: DType): boolean {
  return KIND[from] <= KIND[to];
}

/** numpy's error when an in-place result cannot be stored into the target's dtype. */
export function castError(ufunc: string, from: DType, to: DType): TypeError {
  return new TypeError(
    `Cannot cast ufunc '${ufunc}' output from dtype('${from}') to dtype('${to}') with casting rule 'same_kind'`,
  );
}

/** True for the integer dtypes (not bool). */
export function isInteger(dtype: DType): boolean {
  return dtype === 'int32' || dtype === 'uint8';
}

const INT_RANGE: Record<'int32' | 'uint8', readonly [number, number]> = {
  int32: [-2147483648, 2147483647],
  uint8: [0, 255],
};

/** The representable range of an integer dtype. */
export function intRange(dtype: 'int32' | 'uint8'): readonly [number, number] {
  return INT_RANGE[dtype];
}

/**
 * The dtype numpy 2 computes in for a mix of tensors and weak scalars: `promoteTypes` over the
 * tensors, then `promoteWithScalar` for each JS number; all numbers gives float64 (JavaScript has
 * one number type, so a lone number is read as a float64 0-d array).
 */
export function resultType(operands: readonly TensorLike[]): DType {
  let dt: DType | null = null;
  for (const x of operands) if (typeof x !== 'number') dt = dt === null ? x.dtype : promoteTypes(dt, x.dtype);
  if (dt === null) return 'float64';
  for (const x of operands) if (typeof x === 'number') dt = promoteWithScalar(dt, x);
  return dt;
}

/**
 * Converts a weak scalar to the value the loop dtype computes with, as numpy 2 does: float32 rounds;
 * an integer scalar that does not fit an integer loop dtype is an error (numpy 2's OverflowError)
 * rather than a silent wrap.
 */
export function castScalar(fn: string, arg: string, value: number, loop: DType): number {
  if (loop === 'float64') return value;
  if (loop === 'float32') return Math.fround(value);
  if (loop === 'bool') return value !== 0 ? 1 : 0;
  const [lo, hi] = INT_RANGE[loop];
  if (value < lo || value > hi)
    throw new RangeError(`${fn}: ${arg}: integer ${value} out of bounds for ${loop}`);
  return value;
}

/** The loop dtype of numpy's "float" ufuncs (exp, log, true divide): floats stay, the rest give float64. */
export function floatLoop(dtype: DType): DType {
  return isFloat(dtype) ? dtype : 'float64';
}

// ------------------------------------------------------------------ shapes and views

/** Broadcast shape of the operands (numbers count as shape `()`), with numpy's error. */
export function broadcastAll(operands: readonly TensorLike[]): number[] {
  const shapes: (readonly number[])[] = [];
  for (const x of operands) shapes.push(typeof x === 'number' ? EMPTY : x.shape);
  return broadcastShapes(...shapes);
}

/**
 * Checks an in-place target: writable (no zero stride along a longer axis, which numpy's
 * `broadcast_to` marks read-only) and of the broadcast shape of itself and the other operands,
 * with numpy's messages.
 */
export function checkInPlaceTarget(fn: string, target: Tensor, others: readonly TensorLike[]): void {
  for (let i = 0; i < target.ndim; i++) {
    if (target.strides[i] === 0 && target.shape[i] > 1) {
      throw new RangeError(
        `${fn}: output array is read-only: target has stride 0 along axis ${i} (a broadcastTo view), ` +
          'so several of its elements share one memory cell; copy() it first',
      );
    }
  }
  const shapes: (readonly number[])[] = [target.shape];
  for (const x of others) if (typeof x !== 'number') shapes.push(x.shape);
  shapes.push(target.shape);
  const shape = broadcastShapes(...shapes);
  if (!shapesEqual(shape, target.shape)) {
    throw new RangeError(
      `non-broadcastable output operand with shape ${formatShape(target.shape)} doesn't match the broadcast shape ${formatShape(shape)}`,
    );
  }
}

/**
 * `x` as a kernel input for an in-place write into `target`: a copy when `x` shares memory with
 * `target` (numpy likewise buffers overlapping inputs), except when it is exactly the same view,
 * which an elementwise loop reads before it writes.
 */
export function unaliased(x: Tensor, target: Tensor): Tensor {
  if (x.data !== target.data) return x;
  if (
    x.offset === target.offset &&
    shapesEqual(x.shape, target.shape) &&
    shapesEqual(x.strides, target.strides)
  ) {
    return x;
  }
  return x.copy();
}

/** True if the view's elements lie in C order with no gaps (size-1 axes may have any stride). */
function isContiguousView(v: View): boolean {
  let expected = 1;
  for (let i = v.shape.length - 1; i >= 0; i--) {
    const d = v.shape[i];
    if (d !== 1 && v.strides[i] !== expected) return false;
    expected *= d;
  }
  return true;
}

/**
 * The step with which `v` can be read as one flat run of `size` elements in the C order of the
 * broadcast shape: 0 for a single element, 1 for a contiguous view of the full size, else -1.
 */
function flatStep(v: View, size: number): number {
  const n = shapeSize(v.shape);
  if (n === 1) return 0;
  if (n === size && isContiguousView(v)) return 1;
  return -1;
}

/** A new contiguous result tensor of `shape` and `dtype` (bool stored as bytes). */
export function newTensor(data: TypedArray, shape: readonly number[], dtype: DType): Tensor {
  return new Tensor(data, shape, { dtype });
}

/** A contiguous output view of `shape` over fresh storage. */
export function outView(data: TypedArray, shape: readonly number[]): View {
  return { data, offset: 0, shape, strides: contiguousStrides(shape) };
}

// ------------------------------------------------------------------ loop drivers

/** Runs a unary kernel over `shape` (the output's shape; `a` broadcasts to it). */
export function runUnary(kernel: UnaryKernel, shape: readonly number[], out: View, a: View): void {
  const size = shapeSize(shape);
  if (size === 0) return;
  const so = flatStep(out, size);
  const sa = flatStep(a, size);
  if (so >= 0 && sa >= 0) {
    kernel(size, out.data, out.offset, so, a.data, a.offset, sa);
    return;
  }
  const od = out.data;
  const ad = a.data;
  forEachRow(
    shape,
    [broadcastStrides(out.shape, out.strides, shape), broadcastStrides(a.shape, a.strides, shape)],
    [out.offset, a.offset],
    (o, n, s) => kernel(n, od, o[0], s[0], ad, o[1], s[1]),
  );
}

/** Runs a binary kernel over `shape` (the output's shape; `a` and `b` broadcast to it). */
export function runBinary(kernel: BinaryKernel, shape: readonly number[], out: View, a: View, b: View): void {
  const size = shapeSize(shape);
  if (size === 0) return;
  const so = flatStep(out, size);
  const sa = flatStep(a, size);
  const sb = flatStep(b, size);
  if (so >= 0 && sa >= 0 && sb >= 0) {
    kernel(size, out.data, out.offset, so, a.data, a.offset, sa, b.data, b.offset, sb);
    return;
  }
  const od = out.data;
  const ad = a.data;
  const bd = b.data;
  forEachRow(
    shape,
    [
      broadcastStrides(out.shape, out.strides, shape),
      broadcastStrides(a.shape, a.strides, shape),
      broadcastStrides(b.shape, b.strides, shape),
    ],
    [out.offset, a.offset, b.offset],
    (o, n, s) => kernel(n, od, o[0], s[0], ad, o[1], s[1], bd, o[2], s[2]),
  );
}

/** Runs a three-input kernel over `shape` (the output's shape; the inputs broadcast to it). */
export function runTernary(
  kernel: TernaryKernel,
  shape: readonly number[],
  out: View,
  a: View,
  b: View,
  c: View,
): void {
  const size = shapeSize(shape);
  if (size === 0) return;
  const so = flatStep(out, size);
  const sa = flatStep(a, size);
  const sb = flatStep(b, size);
  const sc = flatStep(c, size);
  if (so >= 0 && sa >= 0 && sb >= 0 && sc >= 0) {
    kernel(size, out.data, out.offset, so, a.data, a.offset, sa, b.data, b.offset, sb, c.data, c.offset, sc);
    return;
  }
  const od = out.data;
  const ad = a.data;
  const bd = b.data;
  const cd = c.data;
  forEachRow(
    shape,
    [
      broadcastStrides(out.shape, out.strides, shape),
      broadcastStrides(a.shape, a.strides, shape),
      broadcastStrides(b.shape, b.strides, shape),
      broadcastStrides(c.shape, c.strides, shape),
    ],
    [out.offset, a.offset, b.offset, c.offset],
    (o, n, s) => kernel(n, od, o[0], s[0], ad, o[1], s[1], bd, o[2], s[2], cd, o[3], s[3]),
  );
}
