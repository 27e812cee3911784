/**
 * numpy's three-argument `where`: pick from `a` where `cond` is true, else from `b`, with
 * broadcasting.
 */
import { allocate } from '../tensor/dtype.js';
import type { Tensor, TensorLike } from '../tensor/tensor.js';
import {
  broadcastAll,
  castScalar,
  checkTensorLike,
  newTensor,
  outView,
  resultType,
  runTernary,
  scalarView,
  type TernaryKernel,
} from './elementwise.js';

/** The result dtype holds every value of either branch, so the stores below are exact. */
const whereK: TernaryKernel = (n, out, o, os, c, co, cs, a, ao, as, b, bo, bs) => {
  for (let i = 0; i < n; i++, o += os, co += cs, ao += as, bo += bs) out[o] = c[co] !== 0 ? a[ao] : b[bo];
};

/**
 * Elementwise choice: `a` where `cond` is true (non-zero; NaN counts as true), else `b` (numpy's
 * `np.where(cond, a, b)`). The three shapes broadcast together (`(2,1)`, `(3,)`, `()` give `(2,3)`).
 * The dtype is that of `a` and `b` combined by numpy 2's rules (`cond` does not take part; numbers
 * are weak scalars; two numbers give float64); an integer scalar that does not fit it is an error.
 * Returns a new tensor (copy).
 * @example where(x.greater(0), x, 0) // ReLU: x where positive, else 0
 */
export function where(cond: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  checkTensorLike('where', 'cond', cond);
  checkTensorLike('where', 'a', a);
  checkTensorLike('where', 'b', b);
  const dtype = resultType([a, b]);
  const shape = broadcastAll([cond, a, b]);
  const cv = typeof cond === 'number' ? scalarView(cond) : cond;
  const av = typeof a === 'number' ? scalarView(castScalar('where', 'a', a, dtype)) : a;
  const bv = typeof b === 'number' ? scalarView(castScalar('where', 'b', b, dtype)) : b;
  let size = 1;
  for (const d of shape) size *= d;
  const data = allocate(dtype, size);
  runTernary(whereK, shape, outView(data, shape), cv, av, bv);
  return newTensor(data, shape, dtype);
}
