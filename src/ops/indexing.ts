/**
 * Integer-array indexing: numpy's `take` and `pick` (numpy's `take_along_axis` with the axis
 * squeezed: `y.pick(t)` is the book's `y[np.arange(batch_size), t]`). Both return copies.
 *
 * Indices may be a Tensor of any dtype whose values are integers (a float64 tensor holding
 * integers is accepted, unlike numpy, because scratchnet's `tensor([1, 2])` is float64), a plain
 * array of integers, or (for `take`) a single integer. Negative indices count from the end.
 */
import { allocate } from '../tensor/dtype.js';
import { forEachRow } from '../tensor/iterate.js';
import { contiguousStrides, formatShape, normalizeAxis, shapeSize } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** Indices read into a flat C-order list with their shape. */
interface IndexList {
  values: Float64Array;
  shape: number[];
}

/** The multi-index of flat position `i` in `shape`, as `[a, b]`. */
function positionOf(i: number, shape: readonly number[]): string {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return `[${idx.join(', ')}]`;
}

function readIndices(indices: unknown, fn: string): IndexList {
  let values: Float64Array;
  let shape: number[];
  if (indices instanceof Tensor) {
    shape = [...indices.shape];
    values = new Float64Array(indices.size);
    let w = 0;
    forEachRow(indices.shape, [indices.strides], [indices.offset], (o, n, s) => {
      for (let i = 0, p = o[0]; i < n; i++, p += s[0]) values[w++] = indices.data[p];
    });
  } else if (Array.isArray(indices)) {
    shape = [indices.length];
    values = new Float64Array(indices.length);
    indices.forEach((v, i) => {
      if (typeof v !== 'number')
        throw new TypeError(`${fn}: indices: expected integers, got ${typeof v} at position [${i}]`);
      values[i] = v;
    });
  } else if (typeof indices === 'number') {
    shape = [];
    values = new Float64Array([indices]);
  } else {
    throw new TypeError(
      `${fn}: indices: expected a Tensor, an array of integers${fn === 'take' ? ' or an integer' : ''}, got ${indices === null ? 'null' : typeof indices}`,
    );
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isInteger(values[i])) {
      throw new TypeError(
        `${fn}: indices: expected integer values, got ${values[i]} at position ${positionOf(i, shape)}`,
      );
    }
  }
  return { values, shape };
}

/** Checks and wraps every index against an axis of length `n` (in place). */
function wrapIndices(values: Float64Array, n: number, axis: number): void {
  for (let i = 0; i < values.length; i++) {
    const j = values[i];
    if (j < -n || j >= n) throw new RangeError(`index ${j} is out of bounds for axis ${axis} with size ${n}`);
    if (j < 0) values[i] = j + n;
  }
}

/** Storage offsets (relative to 0) of the elements of `shape`/`strides`, in C order. */
function offsetsOf(shape: readonly number[], strides: readonly number[]): Float64Array {
  const out = new Float64Array(shapeSize(shape));
  let w = 0;
  forEachRow(shape, [strides], [0], (o, n, s) => {
    for (let i = 0, p = o[0]; i < n; i++, p += s[0]) out[w++] = p;
  });
  return out;
}

function checkX(x: unknown, fn: string): asserts x is Tensor {
  if (!(x instanceof Tensor))
    throw new TypeError(`${fn}: x: expected a Tensor, got ${x === null ? 'null' : typeof x}`);
}

/**
 * numpy's `take`: the elements at `indices` along `axis` (of the flattened tensor when `axis` is
 * undefined or null). Copy; keeps x's dtype.
 * Shape rule: `x: (A..., n, B...)`, `indices: (I...)` along that axis `-> (A..., I..., B...)`;
 * without axis `-> (I...)`; a single integer index drops the axis.
 * @example take(tensor([[1, 2, 3], [4, 5, 6]]), [2, 0], { axis: 1 }) // [[3, 1], [6, 4]]
 * @throws "index 5 is out of bounds for axis 0 with size 3"
 */
export function take(
  x: Tensor,
  indices: Tensor | readonly number[] | number,
  options: { axis?: number | null } = {},
): Tensor {
  checkX(x, 'take');
  const idx = readIndices(indices, 'take');
  const flat = options.axis === undefined || options.axis === null;
  const shape = flat ? [x.size] : [...x.shape];
  const ax = flat ? 0 : normalizeAxis(options.axis as number, x.ndim);
  const n = shape[ax];
  if (n === 0 && idx.values.length > 0)
    throw new RangeError('cannot do a non-empty take from an empty axes.');
  wrapIndices(idx.values, n, ax);
  const outShape = [...shape.slice(0, ax), ...idx.shape, ...shape.slice(ax + 1)];
  const out = allocate(x.dtype, shapeSize(outShape));
  const src = x.data;
  if (flat) {
    // offset of each flat (C-order) position of x
    const strides = x.strides;
    const dims = x.shape;
    for (let i = 0; i < idx.values.length; i++) {
      let r = idx.values[i];
      let p = x.offset;
      for (let d = dims.length - 1; d >= 0; d--) {
        const q = r % dims[d];
        r = (r - q) / dims[d];
        p += q * strides[d];
      }
      out[i] = src[p];
    }
  } else {
    const outer = offsetsOf(x.shape.slice(0, ax), x.strides.slice(0, ax));
    const inner = offsetsOf(x.shape.slice(ax + 1), x.strides.slice(ax + 1));
    const sa = x.strides[ax];
    const vals = idx.values;
    const innerContiguous = inner.length > 1 && inner.every((v, i) => v === i);
    let w = 0;
    for (let o = 0; o < outer.length; o++) {
      const base = x.offset + outer[o];
      for (let j = 0; j < vals.length; j++) {
        const b = base + vals[j] * sa;
        if (innerContiguous) {
          // whole rows at once (the common case: taking samples of a batch along axis 0)
          out.set(src.subarray(b, b + inner.length), w);
          w += inner.length;
        } else for (let t = 0; t < inner.length; t++) out[w++] = src[b + inner[t]];
      }
    }
  }
  return new Tensor(out, outShape, { dtype: x.dtype });
}

/**
 * One element per position along `axis` (default -1): `out[..., i, ...] = x[..., indices[..., i, ...], ...]`,
 * i.e. numpy's `take_along_axis(x, expand_dims(indices, axis), axis)` with that axis squeezed.
 * For `y` (N, C) and labels `t` (N,), `pick(y, t)` is the book's `y[np.arange(N), t]`. Copy.
 * Shape rule: `x: (A..., C, B...)`, `indices: (A..., B...) -> (A..., B...)`.
 * @example pick(tensor([[0.1, 0.9], [0.8, 0.2]]), [1, 0]) // [0.9, 0.8]
 * @throws "pick: indices: expected shape (2,) (x's shape (2,3) without axis 1), got (3,)"
 */
export function pick(
  x: Tensor,
  indices: Tensor | readonly number[],
  options: { axis?: number } = {},
): Tensor {
  checkX(x, 'pick');
  if (typeof indices === 'number')
    throw new TypeError('pick: indices: expected a Tensor or an array of integers, got number');
  const ax = normalizeAxis(options.axis ?? -1, x.ndim);
  const idx = readIndices(indices, 'pick');
  const expected = x.shape.filter((_, i) => i !== ax);
  if (idx.shape.length !== expected.length || idx.shape.some((d, i) => d !== expected[i])) {
    throw new RangeError(
      `pick: indices: expected shape ${formatShape(expected)} (x's shape ${formatShape(x.shape)} without axis ${ax}), got ${formatShape(idx.shape)}`,
    );
  }
  const n = x.shape[ax];
  if (n === 0 && idx.values.length > 0)
    throw new RangeError('cannot do a non-empty take from an empty axes.');
  wrapIndices(idx.values, n, ax);
  const out = allocate(x.dtype, idx.values.length);
  const src = x.data;
  const vals = idx.values;
  const sa = x.strides[ax];
  const keptStrides = x.strides.filter((_, i) => i !== ax);
  forEachRow(expected, [keptStrides, contiguousStrides(expected)], [x.offset, 0], (o, len, s) => {
    for (let i = 0, p = o[0], w = o[1]; i < len; i++, p += s[0], w += s[1]) out[w] = src[p + vals[w] * sa];
  });
  return new Tensor(out, expected, { dtype: x.dtype });
}
