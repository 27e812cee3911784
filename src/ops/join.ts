/**
 * Joining and splitting tensors, with numpy's rules and error messages: `concatenate` and `stack`
 * (copies, dtype by numpy's promotion of all inputs) and `split` (views, as numpy's `split`).
 */
import { allocate, type DType, promoteTypes } from '../tensor/dtype.js';
import { normalizeAxis } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

function checkTensors(tensors: unknown, fn: string): asserts tensors is readonly Tensor[] {
  if (!Array.isArray(tensors)) {
    throw new TypeError(
      `${fn}: tensors: expected an array of Tensors, got ${tensors === null ? 'null' : typeof tensors}`,
    );
  }
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor)) {
      throw new TypeError(`${fn}: tensors[${i}]: expected a Tensor, got ${t === null ? 'null' : typeof t}`);
    }
  });
}

/** A slicing spec that selects `[start, stop)` along `axis` of an `ndim`-dimensional tensor. */
function rangeAlong(
  ndim: number,
  axis: number,
  start: number,
  stop: number,
): ({ start: number; stop: number } | string)[] {
  const spec: ({ start: number; stop: number } | string)[] = new Array(ndim).fill(':');
  spec[axis] = { start, stop };
  return spec;
}

/**
 * Joins tensors along an existing axis (numpy's `concatenate`). Copy. `axis: null` flattens every
 * input first. dtype: numpy's promotion of all the inputs' dtypes.
 * Shape rule: `(A, n1, C), (A, n2, C)` along axis 1 `-> (A, n1 + n2, C)`; every other dimension
 * must match exactly.
 * @example concatenate([ones([2, 3]), zeros([1, 3])]).shape // [3, 3]
 * @throws "all the input array dimensions except for the concatenation axis must match exactly, but along dimension 1, the array at index 0 has size 3 and the array at index 1 has size 2"
 */
export function concatenate(tensors: readonly Tensor[], options: { axis?: number | null } = {}): Tensor {
  checkTensors(tensors, 'concatenate');
  if (tensors.length === 0) throw new RangeError('need at least one array to concatenate');
  if (options.axis === null) return concatenate(tensors.map((t) => t.reshape(t.size)));
  const first = tensors[0];
  const nd = first.ndim;
  if (nd === 0) throw new RangeError('zero-dimensional arrays cannot be concatenated');
  const axis = normalizeAxis(options.axis ?? 0, nd);
  let dtype: DType = first.dtype;
  let total = 0;
  tensors.forEach((t, i) => {
    if (t.ndim !== nd) {
      throw new RangeError(
        `all the input arrays must have same number of dimensions, but the array at index 0 has ${nd} dimension(s) and the array at index ${i} has ${t.ndim} dimension(s)`,
      );
    }
    for (let d = 0; d < nd; d++) {
      if (d !== axis && t.shape[d] !== first.shape[d]) {
        throw new RangeError(
          `all the input array dimensions except for the concatenation axis must match exactly, but along dimension ${d}, the array at index 0 has size ${first.shape[d]} and the array at index ${i} has size ${t.shape[d]}`,
        );
      }
    }
    dtype = promoteTypes(dtype, t.dtype);
    total += t.shape[axis];
  });
  const shape = [...first.shape];
  shape[axis] = total;
  let size = 1;
  for (const d of shape) size *= d;
  const out = new Tensor(allocate(dtype, size), shape, { dtype });
  let start = 0;
  for (const t of tensors) {
    const len = t.shape[axis];
    if (len > 0) out.slice(...rangeAlong(nd, axis, start, start + len)).assign(t);
    start += len;
  }
  return out;
}

/**
 * Joins same-shaped tensors along a new axis (numpy's `stack`). Copy. dtype: numpy's promotion.
 * Shape rule: k tensors of shape `(A, B)` stacked at axis 1 `-> (A, k, B)`; `axis` may be
 * -ndim-1 .. ndim.
 * @example stack([ones([3]), zeros([3])], { axis: 1 }).shape // [3, 2]
 * @throws "all input arrays must have the same shape"
 */
export function stack(tensors: readonly Tensor[], options: { axis?: number } = {}): Tensor {
  checkTensors(tensors, 'stack');
  if (tensors.length === 0) throw new RangeError('need at least one array to stack');
  const first = tensors[0];
  for (const t of tensors) {
    if (t.ndim !== first.ndim || t.shape.some((d, i) => d !== first.shape[i])) {
      throw new RangeError('all input arrays must have the same shape');
    }
  }
  const axis = normalizeAxis(options.axis ?? 0, first.ndim + 1);
  return concatenate(
    tensors.map((t) => t.expandDims(axis)),
    { axis },
  );
}

/**
 * Splits a tensor along `axis` into views (numpy's `split`): `sections` equal parts (which must
 * divide the axis exactly), or the pieces between the given split `indices` (Python slice
 * semantics: negative indices count from the end, out-of-range ones clamp, so pieces may be empty).
 * Views: writing to a piece writes to `x`.
 * Shape rule: `(A, 6)` split into 3 along axis 1 `-> 3 x (A, 2)`; indices `[1, 4]` `-> (A, 1), (A, 3), (A, 2)`.
 * @example split(arange(6), 3).map((p) => p.toArray()) // [[0, 1], [2, 3], [4, 5]]
 * @throws "array split does not result in an equal division"
 */
export function split(
  x: Tensor,
  sections: number | readonly number[],
  options: { axis?: number } = {},
): Tensor[] {
  if (!(x instanceof Tensor))
    throw new TypeError(`split: x: expected a Tensor, got ${x === null ? 'null' : typeof x}`);
  const axis = normalizeAxis(options.axis ?? 0, x.ndim);
  const n = x.shape[axis];
  let points: number[];
  if (typeof sections === 'number') {
    if (!Number.isInteger(sections))
      throw new TypeError(`split: sections: expected an integer, got ${sections}`);
    if (sections <= 0) throw new RangeError('number sections must be larger than 0.');
    if (n % sections !== 0) throw new RangeError('array split does not result in an equal division');
    const each = n / sections;
    points = Array.from({ length: sections + 1 }, (_, i) => i * each);
  } else if (Array.isArray(sections)) {
    sections.forEach((s, i) => {
      if (!Number.isInteger(s))
        throw new TypeError(`split: indices[${i}]: expected an integer, got ${String(s)}`);
    });
    points = [0, ...sections, n];
  } else {
    throw new TypeError(
      `split: sections: expected an integer or an array of indices, got ${String(sections)}`,
    );
  }
  const out: Tensor[] = [];
  for (let i = 0; i + 1 < points.length; i++)
    out.push(x.slice(...rangeAlong(x.ndim, axis, points[i], points[i + 1])));
  return out;
}
