/**
 * A small private helper for the book's functions: apply a scalar formula to every element of a
 * tensor (any strides) into a new contiguous float tensor.
 */
import { allocate, isFloat } from '../tensor/dtype.js';
import { forEachRow } from '../tensor/iterate.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';

/** A number becomes a 0-d float64 tensor; a tensor is returned as it is. */
export function asTensor(x: TensorLike): Tensor {
  return typeof x === 'number' ? new Tensor(new Float64Array([x]), []) : x;
}

/**
 * `f` applied elementwise. The result is float32 for float32 input, float64 otherwise; with
 * `keepDtype`, integer inputs keep their dtype (for formulas that stay integral).
 */
export function mapFloat(x: Tensor, f: (v: number) => number, keepDtype = false): Tensor {
  const dtype = isFloat(x.dtype) || keepDtype ? (x.dtype === 'bool' ? 'uint8' : x.dtype) : 'float64';
  const out = allocate(dtype, x.size);
  const src = x.data;
  let w = 0;
  forEachRow(x.shape, [x.strides], [x.offset], (o, n, s) => {
    for (let i = 0, p = o[0]; i < n; i++, p += s[0]) out[w++] = f(src[p]);
  });
  return new Tensor(out, x.shape, { dtype });
}
