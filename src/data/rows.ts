/**
 * Row selection along axis 0, the one piece of fancy indexing the data helpers need
 * (numpy's `x[indices]`): a new contiguous tensor, copying whole rows at once.
 *
 * @module
 */
import { allocate } from '../tensor/dtype.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** Integer indices from a tensor (any integer-valued dtype) or an array. */
export function indexList(indices: Tensor | ArrayLike<number>): ArrayLike<number> {
  return indices instanceof Tensor ? indices.toFlatArray() : indices;
}

/**
 * numpy's `x[indices]` for integer indices along axis 0: a new contiguous tensor of shape
 * `(indices.length, ...x.shape[1:])`. Copy. Negative indices count from the end, as in numpy.
 * @example gatherRows(tensor([[1, 2], [3, 4], [5, 6]]), [2, 0]) // [[5, 6], [1, 2]]
 */
export function gatherRows(x: Tensor, indices: Tensor | ArrayLike<number>, fn = 'gatherRows'): Tensor {
  if (x.ndim === 0) throw new RangeError(`${fn}: expected an array with at least 1 dimension, got shape ()`);
  const idx = indexList(indices);
  const n = x.shape[0];
  const src = x.isContiguous ? x : x.copy();
  const rowSize = n === 0 ? 0 : src.size / n;
  const out = allocate(x.dtype, idx.length * rowSize);
  for (let i = 0; i < idx.length; i++) {
    let r = idx[i];
    if (!Number.isInteger(r) || r < -n || r >= n) {
      throw new RangeError(
        `${fn}: index ${r} is out of bounds for axis 0 with size ${n} (shape ${formatShape(x.shape)})`,
      );
    }
    if (r < 0) r += n;
    const from = src.offset + r * rowSize;
    out.set(src.data.subarray(from, from + rowSize), i * rowSize);
  }
  return new Tensor(out, [idx.length, ...x.shape.slice(1)], { dtype: x.dtype });
}
