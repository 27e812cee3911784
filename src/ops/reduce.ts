/**
 * Reductions with numpy's semantics: `sum, mean, max, min, prod, any, all, argmax, argmin,
 * variance` (numpy's `var`) and `std`, over all axes, one axis, or a list of axes, with `keepdims`.
 * Every function returns a new tensor (a copy); a full reduction is a 0-d tensor (`.item()`).
 *
 * Result dtypes follow numpy, with one documented difference: numpy sums and multiplies integer
 * and bool arrays in int64 (uint64 for uint8) on Linux; scratchnet has no 64-bit integer dtype, so
 * `sum` and `prod` of `bool`, `uint8` and `int32` give `int32` and wrap on overflow (as numpy's
 * int32 arithmetic does). `mean`, `variance` and `std` of integers give float64; of float32, float32.
 *
 * Summation order: as numpy, floats are summed with numpy's pairwise algorithm along each innermost
 * run of the reduced axes, and elementwise (row by row) when the reduced axis is not the innermost
 * one in memory; float32 sums are accumulated in float32 (each step rounded with `Math.fround`), as
 * numpy does. For C-contiguous inputs this reproduces numpy's `sum`, `mean`, `var`, `std` and `prod`
 * bit for bit (the fixture tests check it). For transposed or sliced inputs numpy's iterator may
 * group the additions differently (it also flips negative strides), so results can differ in the
 * last bits: in the fixtures at most 4e-16 relative for float64 and 1.5e-7 for float32; the tests
 * allow 1e-12 and 1e-5.
 *
 * Two deliberate differences from numpy: a reduction of a 0-d tensor accepts no axis other than
 * `undefined`, `null` or `[]` (numpy's `sum` accepts `axis=0` on a 0-d array as a legacy quirk but
 * rejects `axis=(0,)`), and `argmax`/`argmin` of a 0-d tensor accept no axis.
 */

import { pairwiseSum, pairwiseSum32 } from '../kernels/ref/pairwise-sum.js';
import { allocate, type DType, isFloat, type TypedArray } from '../tensor/dtype.js';
import { forEachRow } from '../tensor/iterate.js';
import { contiguousStrides, normalizeAxes, normalizeAxis, shapeSize } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { fastReduce } from './fast.js';

export { pairwiseSum, pairwiseSum32 } from '../kernels/ref/pairwise-sum.js';

/** `axis`: undefined or null reduces every axis; a number or a list reduces those. */
export interface ReduceOptions {
  axis?: number | readonly number[] | null;
  keepdims?: boolean;
}

/** Options of `variance` and `std`: `ddof` is the "delta degrees of freedom" (divide by `n - ddof`). */
export interface VarOptions extends ReduceOptions {
  ddof?: number;
}

/** Options of `argmax` and `argmin`: a single axis, or undefined/null for the flattened tensor. */
export interface ArgReduceOptions {
  axis?: number | null;
  keepdims?: boolean;
}

// ---------------------------------------------------------------------------------------------
// planning: which axes are reduced, the output's shape and how x's axes map onto it

interface Plan {
  /** Result shape (keepdims applied). */
  outShape: number[];
  /** Per axis of x: stride into the contiguous output, 0 along reduced axes. */
  outStrides: number[];
  /** Elements reduced into each output element. */
  count: number;
  /** Number of output elements. */
  outSize: number;
}

function checkTensor(x: unknown, fn: string, argName = 'x'): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    throw new TypeError(`${fn}: ${argName}: expected a Tensor, got ${x === null ? 'null' : typeof x}`);
  }
}

function checkOptions(options: unknown, fn: string): void {
  if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) {
    throw new TypeError(
      `${fn}: options: expected an object like { axis: 1, keepdims: true }, got ${String(options)}`,
    );
  }
}

function makePlan(x: Tensor, options: ReduceOptions | undefined, fn: string): Plan {
  checkTensor(x, fn);
  checkOptions(options, fn);
  const axisOpt = options?.axis;
  if (axisOpt !== undefined && axisOpt !== null && typeof axisOpt !== 'number' && !Array.isArray(axisOpt)) {
    throw new TypeError(
      `${fn}: axis: expected an integer, a list of integers or null, got ${String(axisOpt)}`,
    );
  }
  const axes = normalizeAxes(axisOpt, x.ndim);
  const keepdims = options?.keepdims ?? false;
  const reduced = new Array<boolean>(x.ndim).fill(false);
  for (const a of axes) reduced[a] = true;
  const kept = x.shape.map((d, i) => (reduced[i] ? 1 : d));
  const keptStrides = contiguousStrides(kept);
  const outStrides = keptStrides.map((s, i) => (reduced[i] ? 0 : s));
  const outShape = keepdims ? kept : x.shape.filter((_, i) => !reduced[i]);
  let count = 1;
  for (const a of axes) count *= x.shape[a];
  return { outShape, outStrides, count, outSize: shapeSize(kept) };
}

/**
 * Called per innermost run: `n` elements of `src` from `p` with step `sp`, reduced into `dst`
 * from `q` with step `sq` (`sq` is 0 when the run lies along a reduced axis).
 */
type RowKernel = (
  src: TypedArray,
  p: number,
  sp: number,
  dst: TypedArray,
  q: number,
  sq: number,
  n: number,
) => void;

/**
 * Runs `kernel` over every element of (data, shape, strides, offset), with the output strides of
 * the plan. Axes are visited in memory order (largest |stride| outermost), as numpy's iterator
 * does, so the innermost loop walks memory with the smallest step.
 */
function runRows(
  data: TypedArray,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  outStrides: readonly number[],
  dst: TypedArray,
  kernel: RowKernel,
): void {
  const order = shape.map((_, i) => i);
  order.sort((i, j) => Math.abs(strides[j]) - Math.abs(strides[i]) || i - j);
  forEachRow(
    order.map((i) => shape[i]),
    [order.map((i) => strides[i]), order.map((i) => outStrides[i])],
    [offset, 0],
    (o, n, s) => kernel(data, o[0], s[0], dst, o[1], s[1], n),
  );
}

function reduceInto(x: Tensor, plan: Plan, dtype: DType, init: number, kernel: RowKernel): Tensor {
  const out = allocate(dtype, plan.outSize);
  if (init !== 0) out.fill(init);
  runRows(x.data, x.shape, x.strides, x.offset, plan.outStrides, out, kernel);
  return new Tensor(out, plan.outShape, { dtype });
}

// ---------------------------------------------------------------------------------------------
// row kernels

/** Sum into a float64 output (pairwise along runs of a reduced axis). */
const sumF64: RowKernel = (src, p, sp, dst, q, sq, n) => {
  if (sq === 0) {
    dst[q] += pairwiseSum(src, p, n, sp);
    return;
  }
  for (let i = 0; i < n; i++, p += sp, q += sq) dst[q] += src[p];
};

/** Sum into a float32 output: float32 arithmetic, as numpy. (Float32Array stores round.) */
const sumF32: RowKernel = (src, p, sp, dst, q, sq, n) => {
  if (sq === 0) {
    dst[q] += pairwiseSum32(src, p, n, sp);
    return;
  }
  for (let i = 0; i < n; i++, p += sp, q += sq) dst[q] += src[p];
};

/** Sum into an int32 output, wrapping modulo 2**32. (Int32Array stores wrap.) */
const sumI32: RowKernel = (src, p, sp, dst, q, sq, n) => {
  if (sq === 0) {
    let acc = dst[q];
    for (let i = 0; i < n; i++, p += sp) acc = (acc + src[p]) | 0;
    dst[q] = acc;
    return;
  }
  for (let i = 0; i < n; i++, p += sp, q += sq) dst[q] += src[p];
};

const prodF64: RowKernel = (src, p, sp, dst, q, sq, n) => {
  if (sq === 0) {
    let acc = dst[q];
    for (let i = 0; i < n; i++, p += sp) acc *= src[p];
    dst[q] = acc;
    return;
  }
  for (let i = 0; i < n; i++, p += sp, q += sq) dst[q] *= src[p];
};

const prodF32: RowKernel = (src, p, sp, dst, q, sq, n) => {
  if (sq === 0) {
    let acc = dst[q];
    for (let i = 0; i < n; i++, p += sp) acc = Math.fround(acc * src[p]);
    dst[q] = acc;
    return;
  }
  for (let i = 0; i < n; i++, p += sp, q += sq) dst[q] *= src[p];
};

const prodI32: RowKernel = (src, p, sp, dst, q, sq, n) => {
  if (sq === 0) {
    let acc = dst[q];
    for (let i = 0; i < n; i++, p += sp) acc = Math.imul(acc, src[p]);
    dst[q] = acc;
    return;
  }
  for (let i = 0; i < n; i++, p += sp, q += sq) dst[q] = Math.imul(dst[q], src[p]);
};

/** Maximum; NaN wins (and stays), as numpy's `maximum.reduce`. */
const maxKernel: RowKernel = (src, p, sp, dst, q, sq, n) => {
  if (sq === 0) {
    let acc = dst[q];
    for (let i = 0; i < n; i++, p += sp) {
      const v = src[p];
      if (!(acc > v) && !Number.isNaN(acc)) acc = v;
    }
    dst[q] = acc;
    return;
  }
  for (let i = 0; i < n; i++, p += sp, q += sq) {
    const v = src[p];
    const acc = dst[q];
    if (!(acc > v) && !Number.isNaN(acc)) dst[q] = v;
  }
};

/** Minimum; NaN wins (and stays), as numpy's `minimum.reduce`. */
const minKernel: RowKernel = (src, p, sp, dst, q, sq, n) => {
  if (sq === 0) {
    let acc = dst[q];
    for (let i = 0; i < n; i++, p += sp) {
      const v = src[p];
      if (!(acc < v) && !Number.isNaN(acc)) acc = v;
    }
    dst[q] = acc;
    return;
  }
  for (let i = 0; i < n; i++, p += sp, q += sq) {
    const v = src[p];
    const acc = dst[q];
    if (!(acc < v) && !Number.isNaN(acc)) dst[q] = v;
  }
};

/** Logical or (NaN counts as true, as in numpy). */
const anyKernel: RowKernel = (src, p, sp, dst, q, sq, n) => {
  for (let i = 0; i < n; i++, p += sp, q += sq) if (src[p] !== 0) dst[q] = 1;
};

/** Logical and. */
const allKernel: RowKernel = (src, p, sp, dst, q, sq, n) => {
  for (let i = 0; i < n; i++, p += sp, q += sq) if (src[p] === 0) dst[q] = 0;
};

/** The dtype numpy's `sum`/`prod` give, with int32 standing in for int64 (see the module note). */
function sumDType(dtype: DType): DType {
  return isFloat(dtype) ? dtype : 'int32';
}

function sumKernelFor(dtype: DType): RowKernel {
  return dtype === 'float64' ? sumF64 : dtype === 'float32' ? sumF32 : sumI32;
}

// ---------------------------------------------------------------------------------------------
// public reductions

/**
 * Sum of the elements over `axis` (all axes by default). Copy.
 * Shape rule: `(d0, ..., dn)` reduced over `axis` drops those axes (or keeps them as 1 with
 * `keepdims`). dtype: float stays, bool/uint8/int32 give int32 (numpy: int64), wrapping on overflow.
 * Floats use numpy's pairwise summation.
 * @example sum(tensor([[1, 2], [3, 4]]), { axis: 0 }) // [4, 6]
 */
export function sum(x: Tensor, options?: ReduceOptions): Tensor {
  const plan = makePlan(x, options, 'sum');
  const dtype = sumDType(x.dtype);
  const fast = fastReduce('sum', x, plan.outStrides, plan.outSize, plan.count);
  if (fast) return new Tensor(fast, plan.outShape, { dtype });
  return reduceInto(x, plan, dtype, 0, sumKernelFor(dtype));
}

/**
 * Product of the elements over `axis`. Copy. Same shape and dtype rules as `sum`; the product of
 * no elements is 1.
 * @example prod(tensor([[1, 2], [3, 4]]), { axis: 1 }) // [2, 12]
 */
export function prod(x: Tensor, options?: ReduceOptions): Tensor {
  const plan = makePlan(x, options, 'prod');
  const dtype = sumDType(x.dtype);
  const kernel = dtype === 'float64' ? prodF64 : dtype === 'float32' ? prodF32 : prodI32;
  return reduceInto(x, plan, dtype, 1, kernel);
}

/**
 * Arithmetic mean over `axis`. Copy. Shape rule as `sum`. dtype: float32 stays float32 (summed in
 * float32, as numpy), everything else gives float64. The mean of no elements is NaN (numpy warns).
 * @example mean(tensor([[1, 2], [3, 4]]), { axis: 1 }) // [1.5, 3.5]
 */
export function mean(x: Tensor, options?: ReduceOptions): Tensor {
  const plan = makePlan(x, options, 'mean');
  const dtype: DType = x.dtype === 'float32' ? 'float32' : 'float64';
  const fast = fastReduce('sum', x, plan.outStrides, plan.outSize, plan.count);
  const out = fast
    ? new Tensor(fast, plan.outShape, { dtype })
    : reduceInto(x, plan, dtype, 0, sumKernelFor(dtype));
  const d = out.data;
  for (let i = 0; i < d.length; i++) d[i] = d[i] / plan.count;
  return out;
}

function extremum(x: Tensor, options: ReduceOptions | undefined, which: 'max' | 'min'): Tensor {
  const plan = makePlan(x, options, which);
  if (plan.count === 0) {
    const name = which === 'max' ? 'maximum' : 'minimum';
    throw new RangeError(`zero-size array to reduction operation ${name} which has no identity`);
  }
  const dtype = x.dtype;
  const fast = fastReduce(which, x, plan.outStrides, plan.outSize, plan.count);
  if (fast) return new Tensor(fast, plan.outShape, { dtype });
  const lo: Record<DType, number> = {
    float64: -Infinity,
    float32: -Infinity,
    int32: -2147483648,
    uint8: 0,
    bool: 0,
  };
  const hi: Record<DType, number> = {
    float64: Infinity,
    float32: Infinity,
    int32: 2147483647,
    uint8: 255,
    bool: 1,
  };
  return reduceInto(
    x,
    plan,
    dtype,
    which === 'max' ? lo[dtype] : hi[dtype],
    which === 'max' ? maxKernel : minKernel,
  );
}

/**
 * Largest element over `axis`. Copy. Shape rule as `sum`; keeps x's dtype; NaN propagates (as
 * numpy's `max`). Reducing an empty axis throws numpy's
 * "zero-size array to reduction operation maximum which has no identity".
 * @example max(tensor([[1, 5], [3, 4]]), { axis: 0 }) // [3, 5]
 */
export function max(x: Tensor, options?: ReduceOptions): Tensor {
  return extremum(x, options, 'max');
}

/**
 * Smallest element over `axis`. Copy. Shape rule as `sum`; keeps x's dtype; NaN propagates.
 * Reducing an empty axis throws "zero-size array to reduction operation minimum which has no identity".
 * @example min(tensor([[1, 5], [3, 4]]), { axis: 1 }) // [1, 3]
 */
export function min(x: Tensor, options?: ReduceOptions): Tensor {
  return extremum(x, options, 'min');
}

/**
 * True where any element over `axis` is non-zero (NaN counts as non-zero). Copy; dtype bool.
 * Shape rule as `sum`; `any` of no elements is false.
 * @example any(tensor([[0, 1], [0, 0]]), { axis: 1 }) // [true, false]
 */
export function any(x: Tensor, options?: ReduceOptions): Tensor {
  const plan = makePlan(x, options, 'any');
  return reduceInto(x, plan, 'bool', 0, anyKernel);
}

/**
 * True where every element over `axis` is non-zero. Copy; dtype bool. Shape rule as `sum`;
 * `all` of no elements is true.
 * @example all(tensor([[1, 1], [0, 1]]), { axis: 1 }) // [true, false]
 */
export function all(x: Tensor, options?: ReduceOptions): Tensor {
  const plan = makePlan(x, options, 'all');
  return reduceInto(x, plan, 'bool', 1, allKernel);
}

/**
 * numpy's `var`: mean of squared deviations from the mean, divided by `n - ddof` (`ddof` 0 by
 * default; `n - ddof <= 0` gives NaN or inf, as numpy, which warns). Copy. Shape rule as `sum`.
 * dtype: float32 stays float32 (computed in float32, as numpy), everything else gives float64.
 * Computed as numpy does: `mean` (keepdims), `x - mean`, squared, summed, divided.
 * @example variance(tensor([1, 2, 3, 4])) // 1.25
 */
export function variance(x: Tensor, options?: VarOptions): Tensor {
  return varianceImpl(x, options, 'var');
}

/**
 * Standard deviation: `sqrt(variance(x, options))`. Copy. Shape, dtype and `ddof` as `variance`.
 * @example std(tensor([1, 2, 3, 4]), { ddof: 1 }) // 1.2909944487358056
 */
export function std(x: Tensor, options?: VarOptions): Tensor {
  const out = varianceImpl(x, options, 'std');
  const d = out.data;
  for (let i = 0; i < d.length; i++) d[i] = Math.sqrt(d[i]);
  return out;
}

function varianceImpl(x: Tensor, options: VarOptions | undefined, fn: string): Tensor {
  const plan = makePlan(x, options, fn);
  const ddof = options?.ddof ?? 0;
  if (typeof ddof !== 'number' || !Number.isFinite(ddof)) {
    throw new TypeError(`${fn}: ddof: expected a finite number, got ${String(ddof)}`);
  }
  const dtype: DType = x.dtype === 'float32' ? 'float32' : 'float64';
  const f32 = dtype === 'float32';
  const kernel = sumKernelFor(dtype);
  // the mean, laid out as the keepdims result (contiguous, plan.outSize elements)
  const m = allocate(dtype, plan.outSize);
  runRows(x.data, x.shape, x.strides, x.offset, plan.outStrides, m, kernel);
  for (let i = 0; i < m.length; i++) m[i] = m[i] / plan.count;
  // squared deviations, contiguous in C order
  const dev = allocate(dtype, x.size);
  const src = x.data;
  forEachRow(
    x.shape,
    [x.strides, plan.outStrides, contiguousStrides(x.shape)],
    [x.offset, 0, 0],
    (o, n, s) => {
      let p = o[0];
      let q = o[1];
      let w = o[2];
      for (let i = 0; i < n; i++, p += s[0], q += s[1], w += s[2]) {
        const d = f32 ? Math.fround(src[p] - m[q]) : src[p] - m[q];
        dev[w] = d * d;
      }
    },
  );
  const out = allocate(dtype, plan.outSize);
  runRows(dev, x.shape, contiguousStrides(x.shape), 0, plan.outStrides, out, kernel);
  const div = Math.max(plan.count - ddof, 0);
  for (let i = 0; i < out.length; i++) out[i] = out[i] / div;
  return new Tensor(out, plan.outShape, { dtype });
}

// ---------------------------------------------------------------------------------------------
// argmax / argmin

/** Index of the first maximum of a run (the first NaN if there is one, as numpy). */
function scanArgmax(d: TypedArray, p: number, n: number, s: number): number {
  let best = d[p];
  if (Number.isNaN(best)) return 0;
  let bi = 0;
  for (let i = 1, q = p + s; i < n; i++, q += s) {
    const v = d[q];
    if (v > best) {
      best = v;
      bi = i;
    } else if (Number.isNaN(v)) return i;
  }
  return bi;
}

/** Index of the first minimum of a run (the first NaN if there is one, as numpy). */
function scanArgmin(d: TypedArray, p: number, n: number, s: number): number {
  let best = d[p];
  if (Number.isNaN(best)) return 0;
  let bi = 0;
  for (let i = 1, q = p + s; i < n; i++, q += s) {
    const v = d[q];
    if (v < best) {
      best = v;
      bi = i;
    } else if (Number.isNaN(v)) return i;
  }
  return bi;
}

function argReduce(x: Tensor, options: ArgReduceOptions | undefined, fn: 'argmax' | 'argmin'): Tensor {
  checkTensor(x, fn);
  checkOptions(options, fn);
  const axisOpt = options?.axis;
  const keepdims = options?.keepdims ?? false;
  const scan = fn === 'argmax' ? scanArgmax : scanArgmin;
  const empty = (): RangeError => new RangeError(`attempt to get ${fn} of an empty sequence`);
  if (axisOpt === undefined || axisOpt === null) {
    // the flattened tensor, in C order
    if (x.size === 0) throw empty();
    const isMax = fn === 'argmax';
    let best = Number.NaN;
    let bestIndex = -1;
    let done = false;
    let base = 0;
    forEachRow(x.shape, [x.strides], [x.offset], (o, n, s) => {
      if (done) return;
      const i = scan(x.data, o[0], n, s[0]);
      const v = x.data[o[0] + i * s[0]];
      if (Number.isNaN(v)) {
        bestIndex = base + i;
        done = true;
      } else if (bestIndex < 0 || (isMax ? v > best : v < best)) {
        best = v;
        bestIndex = base + i;
      }
      base += n;
    });
    const shape = keepdims ? new Array<number>(x.ndim).fill(1) : [];
    return new Tensor(new Int32Array([bestIndex]), shape, { dtype: 'int32' });
  }
  if (typeof axisOpt !== 'number') {
    throw new TypeError(`${fn}: axis: expected a single integer or null, got ${String(axisOpt)}`);
  }
  const ax = normalizeAxis(axisOpt, x.ndim);
  const n = x.shape[ax];
  if (n === 0) throw empty();
  const keptShape = x.shape.filter((_, i) => i !== ax);
  const keptStrides = x.strides.filter((_, i) => i !== ax);
  const out = new Int32Array(shapeSize(keptShape));
  const sa = x.strides[ax];
  forEachRow(keptShape, [keptStrides, contiguousStrides(keptShape)], [x.offset, 0], (o, len, s) => {
    for (let i = 0, p = o[0], w = o[1]; i < len; i++, p += s[0], w += s[1]) out[w] = scan(x.data, p, n, sa);
  });
  const shape = keepdims ? x.shape.map((d, i) => (i === ax ? 1 : d)) : keptShape;
  return new Tensor(out, shape, { dtype: 'int32' });
}

/**
 * Index of the first maximum along `axis` (of the flattened tensor when `axis` is undefined or
 * null), as int32; the first NaN counts as the maximum, as in numpy. Copy.
 * Shape rule: `(d0, ..., dn)` drops `axis` (kept as 1 with `keepdims`); no axis gives `()`.
 * An empty axis throws "attempt to get argmax of an empty sequence".
 * @example argmax(tensor([[1, 9, 3], [7, 2, 7]]), { axis: 1 }) // [1, 0] (int32)
 */
export function argmax(x: Tensor, options?: ArgReduceOptions): Tensor {
  return argReduce(x, options, 'argmax');
}

/**
 * Index of the first minimum along `axis` (of the flattened tensor by default), as int32; the
 * first NaN counts as the minimum, as in numpy. Copy. Shape rule as `argmax`.
 * @example argmin(tensor([3, 1, 1])) // 1 (0-d int32)
 */
export function argmin(x: Tensor, options?: ArgReduceOptions): Tensor {
  return argReduce(x, options, 'argmin');
}
