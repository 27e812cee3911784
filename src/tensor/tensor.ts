/**
 * The Tensor: typed-array storage plus shape, strides (in elements) and an offset, as in numpy and
 * scijs/ndarray. Views share storage and record the owner in `base`; every method says in its
 * documentation whether it returns a view or a copy.
 *
 * Layering note (a departure from DESIGN.md's "nothing imports upward"): the arithmetic, reduction
 * and linear-algebra methods are thin sugar that call the functions of `ops/`. The import is used
 * only inside method bodies, never at module load, so the cycle is harmless; the functions in `ops/`
 * are the definitions, and `x.add(y)` is exactly `add(x, y)`.
 */

import * as binary from '../ops/binary.js';
import * as clipOps from '../ops/clip.js';
import * as indexing from '../ops/indexing.js';
import * as linalg from '../ops/matmul.js';
import type { ReduceOptions, VarOptions } from '../ops/reduce.js';
import * as reduce from '../ops/reduce.js';
import * as unary from '../ops/unary.js';
import { allocate, assertDType, castValue, type DType, dtypeOfData, type TypedArray } from './dtype.js';
import { formatTensor } from './format.js';
import { forEachRow } from './iterate.js';
import {
  broadcastShapes,
  broadcastStrides,
  checkShape,
  contiguousStrides,
  formatShape,
  normalizeAxis,
  shapesEqual,
} from './shape.js';
import { elementOffset, type Index, noCopyStrides, resolveReshape, sliceView } from './view.js';

/** The typed-array kind that stores `dtype` (bool is stored as uint8 bytes). */
function storageOf(dtype: DType): DType {
  return dtype === 'bool' ? 'uint8' : dtype;
}

/** A tensor or a plain number (a "weak" scalar, promoted as numpy 2 promotes Python scalars). */
export type TensorLike = Tensor | number;

/** Nested JS arrays of numbers, as `toArray()` returns and `tensor()` accepts. */
export type NestedArray = number | boolean | NestedArray[];

/** Optional layout for the Tensor constructor; omitted parts mean a fresh contiguous tensor. */
export interface TensorLayout {
  strides?: readonly number[];
  offset?: number;
  base?: Tensor | null;
  dtype?: DType;
}

/**
 * An n-dimensional array with numpy's semantics.
 * @example
 * const x = tensor([[1, 2, 3], [4, 5, 6]]); // (2, 3) float64
 * const col = x.slice(':', 1);             // view (2,): [2, 5]
 * col.mulInPlace(10);                        // writes through: x is now [[1, 20, 3], [4, 50, 6]]
 */
export class Tensor {
  /** The storage (shared by views). */
  readonly data: TypedArray;
  /** Element type. */
  readonly dtype: DType;
  /** Length of each axis. */
  readonly shape: readonly number[];
  /** Step in `data`, in elements (not bytes, unlike numpy), for a step of 1 along each axis. */
  readonly strides: readonly number[];
  /** Index in `data` of the first element. */
  readonly offset: number;
  /** The tensor that owns the memory this view reads, or null if this tensor owns it (numpy's `.base`). */
  readonly base: Tensor | null;
  /** Number of elements (the product of the shape). */
  readonly size: number;

  /**
   * Wraps storage without copying. Most code wants `tensor()`, `zeros()` or `fromData()` instead.
   * @example new Tensor(new Float64Array([1, 2, 3, 4]), [2, 2])
   */
  constructor(data: TypedArray, shape: readonly number[], layout: TensorLayout = {}) {
    const dtype = layout.dtype ?? dtypeOfData(data);
    if (storageOf(dtype) !== dtypeOfData(data)) {
      assertDType(dtype);
      throw new TypeError(`Tensor: data is a ${data.constructor.name}, which cannot hold dtype '${dtype}'`);
    }
    const nd = shape.length;
    const ownShape = new Array<number>(nd);
    let size = 1;
    for (let i = 0; i < nd; i++) {
      const d = shape[i];
      if (!Number.isInteger(d) || d < 0) checkShape(shape); // throws the descriptive error
      ownShape[i] = d;
      size *= d;
    }
    this.data = data;
    this.dtype = dtype;
    this.shape = ownShape;
    this.size = size;
    this.strides = layout.strides ? Array.from(layout.strides) : contiguousStrides(ownShape);
    if (this.strides.length !== nd) {
      throw new RangeError(`Tensor: strides [${this.strides}] do not match shape ${formatShape(shape)}`);
    }
    this.offset = layout.offset ?? 0;
    this.base = layout.base ? (layout.base.base ?? layout.base) : null;
    if (!layout.strides && !layout.base && size > data.length) {
      throw new RangeError(
        `Tensor: shape ${formatShape(shape)} needs ${size} elements, data has ${data.length}`,
      );
    }
  }

  /** Number of axes. */
  get ndim(): number {
    return this.shape.length;
  }

  /** True if the elements lie in C order with no gaps (numpy's `flags.c_contiguous`). */
  get isContiguous(): boolean {
    let expected = 1;
    for (let i = this.ndim - 1; i >= 0; i--) {
      if (this.shape[i] !== 1 && this.strides[i] !== expected) return this.size === 0;
      expected *= this.shape[i];
    }
    return true;
  }

  /** The transpose (all axes reversed). View. */
  get T(): Tensor {
    return this.transpose();
  }

  /** A view of the same memory with another shape/strides/offset. */
  private view(shape: readonly number[], strides: readonly number[], offset: number): Tensor {
    return new Tensor(this.data, shape, { strides, offset, base: this, dtype: this.dtype });
  }

  // ---------------------------------------------------------------- element access

  /** Offset in `data` of the element at `idx` (negative indices count from the end). */
  indexOf(idx: readonly number[]): number {
    return elementOffset(this.shape, this.strides, this.offset, idx);
  }

  /**
   * The element at `idx`. Negative indices count from the end. bool reads as 0 or 1.
   * @example tensor([[1, 2], [3, 4]]).get(1, -1) // 4
   */
  get(...idx: number[]): number {
    return this.data[this.indexOf(idx)];
  }

  /**
   * Writes one element, in place (cast to the dtype, as numpy's assignment does).
   * @example x.set(5, 0, 1) // x[0, 1] = 5
   */
  set(value: number, ...idx: number[]): this {
    this.data[this.indexOf(idx)] = castValue(value, this.dtype);
    return this;
  }

  /**
   * The single element of a size-1 tensor as a number (numpy's `.item()`).
   * @example sum(tensor([1, 2])).item() // 3
   */
  item(): number {
    if (this.size !== 1)
      throw new RangeError(`item: can only convert an array of size 1, got shape ${formatShape(this.shape)}`);
    return this.data[this.indexOf(new Array(this.ndim).fill(0))];
  }

  /**
   * Nested JS arrays (a number for a 0-d tensor; booleans for bool). Copy.
   * @example tensor([[1, 2]]).toArray() // [[1, 2]]
   */
  toArray(): NestedArray {
    const isBool = this.dtype === 'bool';
    const rec = (axis: number, o: number): NestedArray => {
      if (axis === this.ndim) return isBool ? this.data[o] !== 0 : this.data[o];
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[axis]; i++) out.push(rec(axis + 1, o + i * this.strides[axis]));
      return out;
    };
    return rec(0, this.offset);
  }

  /** The elements in C order as a plain number array. Copy. */
  toFlatArray(): number[] {
    const out: number[] = [];
    forEachRow(this.shape, [this.strides], [this.offset], (o, n, s) => {
      for (let i = 0, p = o[0]; i < n; i++, p += s[0]) out.push(this.data[p]);
    });
    return out;
  }

  // ---------------------------------------------------------------- copies and in-place writes

  /**
   * A contiguous copy (optionally converted to `dtype`). Always a copy, like numpy's `.copy()`.
   * @example const c = x.T.copy(); c.base === null // true
   */
  copy(dtype: DType = this.dtype): Tensor {
    assertDType(dtype);
    const out = allocate(dtype, this.size);
    const src = this.data;
    // Typed-array stores already round (float32) or truncate and wrap (int32, uint8) as numpy's
    // cast does; only bool needs an explicit conversion.
    const toBool = dtype === 'bool' && this.dtype !== 'bool';
    let w = 0;
    forEachRow(this.shape, [this.strides], [this.offset], (o, n, s) => {
      let p = o[0];
      if (toBool) for (let i = 0; i < n; i++, p += s[0]) out[w++] = src[p] !== 0 ? 1 : 0;
      else for (let i = 0; i < n; i++, p += s[0]) out[w++] = src[p];
    });
    return new Tensor(out, this.shape, { dtype });
  }

  /**
   * Converts to another dtype. Copy (numpy's `astype`).
   * @example tensor([1.7, -1.7]).astype('int32') // [1, -1]
   */
  astype(dtype: DType): Tensor {
    return this.copy(dtype);
  }

  /**
   * Sets every element to `value`, in place (through views too).
   * @example zeros([2, 2]).fill(7)
   */
  fill(value: number): this {
    const v = castValue(value, this.dtype);
    forEachRow(this.shape, [this.strides], [this.offset], (o, n, s) => {
      for (let i = 0, p = o[0]; i < n; i++, p += s[0]) this.data[p] = v;
    });
    return this;
  }

  /**
   * Copies `src` into this tensor's elements, broadcasting it and casting to this dtype: numpy's
   * `x[...] = src`. In place; writes through views. Safe when `src` overlaps this tensor.
   * @example W.assign(newW) // W's memory now holds newW's values; every view of W sees them
   */
  assign(src: TensorLike): this {
    if (typeof src === 'number') return this.fill(src);
    const s = src.data === this.data ? src.copy() : src;
    let shape: number[] | null;
    try {
      shape = broadcastShapes(s.shape, this.shape);
    } catch {
      shape = null;
    }
    if (shape === null || !shapesEqual(shape, this.shape)) {
      throw new RangeError(
        `could not broadcast input array from shape ${formatShape(s.shape)} into shape ${formatShape(this.shape)}`,
      );
    }
    const ss = broadcastStrides(s.shape, s.strides, this.shape);
    const toBool = this.dtype === 'bool' && s.dtype !== 'bool';
    forEachRow(this.shape, [this.strides, ss], [this.offset, s.offset], (o, n, st) => {
      for (let i = 0, p = o[0], q = o[1]; i < n; i++, p += st[0], q += st[1]) {
        this.data[p] = toBool ? (s.data[q] !== 0 ? 1 : 0) : s.data[q];
      }
    });
    return this;
  }

  // ---------------------------------------------------------------- views

  /**
   * Gives a new shape (one dimension may be -1). View when numpy's rule allows it (the strides can
   * express the new shape), else a copy: check `result.base` to know which.
   * @example arange(6).reshape(2, 3)   // view
   * @example arange(6).reshape(2, 3).T.reshape(6) // copy (a transposed matrix is not flat in memory)
   */
  reshape(...shape: number[] | [readonly number[]]): Tensor {
    const req = (Array.isArray(shape[0]) ? shape[0] : shape) as number[];
    const newShape = resolveReshape(req, this.size, this.shape);
    if (this.size === 0) return this.view(newShape, contiguousStrides(newShape), this.offset);
    const strides = noCopyStrides(this.shape, this.strides, newShape);
    if (strides) return this.view(newShape, strides, this.offset);
    return this.copy().reshape(newShape).withBase(null);
  }

  /** Same tensor object semantics with another `base` (used when a copy is reshaped). */
  private withBase(base: Tensor | null): Tensor {
    return new Tensor(this.data, this.shape, {
      strides: this.strides,
      offset: this.offset,
      base,
      dtype: this.dtype,
    });
  }

  /**
   * 1-D version, as numpy's `ravel`: a view when this tensor is C-contiguous, else a copy. (numpy's
   * ravel copies even when a strided view could express the result, e.g. `x.slice('::2').ravel()`;
   * `reshape(-1)` returns a view in more cases.) Check `result.base` to know which.
   * @example x.ravel()
   */
  ravel(): Tensor {
    return this.isContiguous ? this.reshape(this.size) : this.flatten();
  }

  /**
   * 1-D version. Always a copy (numpy's `flatten`): writing to it never changes this tensor; the
   * seed notebook's numerical gradient perturbed such a copy and so never moved the loss.
   * @example x.flatten()
   */
  flatten(): Tensor {
    return this.copy().reshape(this.size).withBase(null);
  }

  /**
   * Permutes the axes (reverses them when none are given). View.
   * @example zeros([2, 3, 4]).transpose(1, 0, 2).shape // [3, 2, 4]
   */
  transpose(...axes: number[]): Tensor {
    const nd = this.ndim;
    const perm =
      axes.length === 0
        ? Array.from({ length: nd }, (_, i) => nd - 1 - i)
        : axes.map((a) => normalizeAxis(a, nd, 'axes'));
    if (perm.length !== nd || new Set(perm).size !== nd) {
      throw new RangeError(`transpose: axes [${axes.join(', ')}] don't match array of dimension ${nd}`);
    }
    return this.view(
      perm.map((a) => this.shape[a]),
      perm.map((a) => this.strides[a]),
      this.offset,
    );
  }

  /**
   * Exchanges two axes. View.
   * @example zeros([2, 3]).swapaxes(0, 1).shape // [3, 2]
   */
  swapaxes(a: number, b: number): Tensor {
    const perm = Array.from({ length: this.ndim }, (_, i) => i);
    const i = normalizeAxis(a, this.ndim, 'axis1');
    const j = normalizeAxis(b, this.ndim, 'axis2');
    [perm[i], perm[j]] = [perm[j], perm[i]];
    return this.transpose(...perm);
  }

  /**
   * Removes axes of length 1 (all of them, or the given ones, which must have length 1). View.
   * @example zeros([1, 3, 1]).squeeze().shape // [3]
   */
  squeeze(axis?: number | readonly number[]): Tensor {
    const drop = new Set<number>();
    if (axis === undefined) {
      for (let i = 0; i < this.ndim; i++) if (this.shape[i] === 1) drop.add(i);
    } else {
      for (const a of typeof axis === 'number' ? [axis] : axis) {
        const ax = normalizeAxis(a, this.ndim);
        if (this.shape[ax] !== 1)
          throw new RangeError('cannot select an axis to squeeze out which has size not equal to one');
        drop.add(ax);
      }
    }
    const keep = this.shape.map((_, i) => i).filter((i) => !drop.has(i));
    return this.view(
      keep.map((i) => this.shape[i]),
      keep.map((i) => this.strides[i]),
      this.offset,
    );
  }

  /**
   * Inserts an axis of length 1 at `axis` (numpy's `expand_dims`). View.
   * @example zeros([3]).expandDims(0).shape // [1, 3]
   */
  expandDims(axis: number): Tensor {
    const ax = normalizeAxis(axis, this.ndim + 1);
    const shape = [...this.shape];
    const strides = [...this.strides];
    shape.splice(ax, 0, 1);
    strides.splice(ax, 0, 0);
    return this.view(shape, strides, this.offset);
  }

  /**
   * Reads this tensor as `shape` by numpy's broadcasting rule (stride 0 along repeated axes). View;
   * writing to it would write one element many times, so treat it as read-only.
   * @example tensor([1, 2, 3]).broadcastTo([2, 3]).strides // [0, 1]
   */
  broadcastTo(shape: readonly number[]): Tensor {
    const target = checkShape(shape);
    let b: number[] | null;
    try {
      b = broadcastShapes(this.shape, target);
    } catch {
      b = null;
    }
    if (b === null || !shapesEqual(b, target)) {
      throw new RangeError(
        `operands could not be broadcast together with remapped shapes [original->remapped]: ${formatShape(this.shape)} and requested shape ${formatShape(target)}`,
      );
    }
    return this.view(target, broadcastStrides(this.shape, this.strides, target), this.offset);
  }

  /**
   * numpy's basic indexing: integers drop an axis, slices (`'1:3'`, `'::-1'`, `':'` or
   * `{start, stop, step}`) keep it, `'...'` stands for the remaining axes and `null` adds an axis.
   * View (never a copy).
   * @example x.slice(':', '::-1')  // x[:, ::-1]
   * @example x.slice(0)            // x[0]
   * @example x.slice('...', null)  // x[..., np.newaxis]
   */
  slice(...index: Index[]): Tensor {
    const v = sliceView(this.shape, this.strides, this.offset, index);
    return this.view(v.shape, v.strides, v.offset);
  }

  /** numpy-style text: `array([[1., 2.], [3., 4.]])`, summarised when large. */
  toString(): string {
    return formatTensor(this);
  }

  /** Lets `console.log(x)` in Node print the numpy-style text. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  // ---------------------------------------------------------------- arithmetic (ops/ sugar)

  /** `this + other`, broadcasting. Copy. */
  add(other: TensorLike): Tensor {
    return binary.add(this, other);
  }
  /** `this - other`, broadcasting. Copy. */
  sub(other: TensorLike): Tensor {
    return binary.sub(this, other);
  }
  /** `this * other`, broadcasting. Copy. */
  mul(other: TensorLike): Tensor {
    return binary.mul(this, other);
  }
  /** `this / other` (true division: integers give float64). Copy. */
  div(other: TensorLike): Tensor {
    return binary.div(this, other);
  }
  /** `this ** other`. Copy. */
  pow(other: TensorLike): Tensor {
    return binary.pow(this, other);
  }
  /** Elementwise larger of the two (NaN wins, as numpy). Copy. */
  maximum(other: TensorLike): Tensor {
    return binary.maximum(this, other);
  }
  /** Elementwise smaller of the two (NaN wins, as numpy). Copy. */
  minimum(other: TensorLike): Tensor {
    return binary.minimum(this, other);
  }
  /** `this == other` as bool. Copy. */
  equal(other: TensorLike): Tensor {
    return binary.equal(this, other);
  }
  /** `this != other` as bool. Copy. */
  notEqual(other: TensorLike): Tensor {
    return binary.notEqual(this, other);
  }
  /** `this < other` as bool. Copy. */
  less(other: TensorLike): Tensor {
    return binary.less(this, other);
  }
  /** `this <= other` as bool. Copy. */
  lessEqual(other: TensorLike): Tensor {
    return binary.lessEqual(this, other);
  }
  /** `this > other` as bool. Copy. */
  greater(other: TensorLike): Tensor {
    return binary.greater(this, other);
  }
  /** `this >= other` as bool. Copy. */
  greaterEqual(other: TensorLike): Tensor {
    return binary.greaterEqual(this, other);
  }
  /** `this += other`, in place (writes through views; result cast to this dtype). */
  addInPlace(other: TensorLike): this {
    binary.addInPlace(this, other);
    return this;
  }
  /** `this -= other`, in place. */
  subInPlace(other: TensorLike): this {
    binary.subInPlace(this, other);
    return this;
  }
  /** `this *= other`, in place. */
  mulInPlace(other: TensorLike): this {
    binary.mulInPlace(this, other);
    return this;
  }
  /** `this /= other`, in place. */
  divInPlace(other: TensorLike): this {
    binary.divInPlace(this, other);
    return this;
  }
  /** `this **= other`, in place. */
  powInPlace(other: TensorLike): this {
    binary.powInPlace(this, other);
    return this;
  }
  /** Negation. Copy. */
  neg(): Tensor {
    return unary.neg(this);
  }
  /** e**x. Copy. */
  exp(): Tensor {
    return unary.exp(this);
  }
  /** Natural logarithm. Copy. */
  log(): Tensor {
    return unary.log(this);
  }
  /** Square root. Copy. */
  sqrt(): Tensor {
    return unary.sqrt(this);
  }
  /** Absolute value. Copy. */
  abs(): Tensor {
    return unary.abs(this);
  }
  /** -1, 0 or 1 (NaN stays NaN). Copy. */
  sign(): Tensor {
    return unary.sign(this);
  }
  /** Hyperbolic tangent. Copy. */
  tanh(): Tensor {
    return unary.tanh(this);
  }
  /** Limits values to [min, max] (either may be null). Copy. */
  clip(min: TensorLike | null, max: TensorLike | null): Tensor {
    return clipOps.clip(this, min, max);
  }

  // ---------------------------------------------------------------- reductions (ops/ sugar)

  /** Sum over `axis` (all axes by default). Copy; a full reduction is a 0-d tensor (`.item()`). */
  sum(options?: ReduceOptions): Tensor {
    return reduce.sum(this, options);
  }
  /** Arithmetic mean over `axis`. Copy. */
  mean(options?: ReduceOptions): Tensor {
    return reduce.mean(this, options);
  }
  /** Maximum over `axis`. Copy. */
  max(options?: ReduceOptions): Tensor {
    return reduce.max(this, options);
  }
  /** Minimum over `axis`. Copy. */
  min(options?: ReduceOptions): Tensor {
    return reduce.min(this, options);
  }
  /** Index of the first maximum along `axis` (of the flattened tensor by default), int32. Copy. */
  argmax(options?: { axis?: number; keepdims?: boolean }): Tensor {
    return reduce.argmax(this, options);
  }
  /** Index of the first minimum along `axis`, int32. Copy. */
  argmin(options?: { axis?: number; keepdims?: boolean }): Tensor {
    return reduce.argmin(this, options);
  }
  /** Variance (`ddof` 0 by default, as numpy). Copy. */
  var(options?: VarOptions): Tensor {
    return reduce.variance(this, options);
  }
  /** Standard deviation. Copy. */
  std(options?: VarOptions): Tensor {
    return reduce.std(this, options);
  }
  /** True if any element is non-zero. Copy (bool). */
  any(options?: ReduceOptions): Tensor {
    return reduce.any(this, options);
  }
  /** True if every element is non-zero. Copy (bool). */
  all(options?: ReduceOptions): Tensor {
    return reduce.all(this, options);
  }

  // ---------------------------------------------------------------- linear algebra and indexing

  /** numpy's `dot`. Copy. */
  dot(other: Tensor): Tensor {
    return linalg.dot(this, other);
  }
  /** numpy's `matmul` (`@`). Copy. */
  matmul(other: Tensor): Tensor {
    return linalg.matmul(this, other);
  }
  /**
   * One element per position along `axis`: for `y` (N, C) and labels `t` (N,), `y.pick(t)` is
   * numpy's `y[np.arange(N), t]`. Copy.
   */
  pick(indices: Tensor | readonly number[], options?: { axis?: number }): Tensor {
    return indexing.pick(this, indices, options);
  }
  /** numpy's `take` along `axis` (of the flattened tensor by default). Copy. */
  take(indices: Tensor | readonly number[] | number, options?: { axis?: number }): Tensor {
    return indexing.take(this, indices, options);
  }
}
