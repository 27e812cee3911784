/**
 * Activation functions of the book (common/functions.py), elementwise on tensors of any shape,
 * float64 unless the input is float32. Each returns a new tensor (copy).
 */
import { max, sum } from '../ops/reduce.js';
import { exp } from '../ops/unary.js';
import type { Tensor, TensorLike } from '../tensor/tensor.js';
import { asTensor, mapFloat } from './map.js';

/**
 * The identity: returns `x` itself (the book's output activation for regression).
 * @example identityFunction(x) === x // true
 */
export function identityFunction(x: Tensor): Tensor {
  return x;
}

/**
 * 1 where x > 0, else 0, as int32 (the book's `np.array(x > 0, dtype=int)`). x: any shape -> same shape.
 * @example stepFunction(tensor([-1, 0, 2])) // [0, 0, 1] int32
 */
export function stepFunction(x: TensorLike): Tensor {
  const t = asTensor(x);
  const out = mapFloat(t, (v) => (v > 0 ? 1 : 0));
  return out.astype('int32');
}

/**
 * The logistic sigmoid `1 / (1 + exp(-x))`, the book's formula. Large negative inputs give 0,
 * never NaN (exp overflows to Infinity and 1/Infinity is 0). x: any shape -> same shape.
 * @example sigmoid(tensor([0])) // [0.5]
 */
export function sigmoid(x: TensorLike): Tensor {
  return mapFloat(asTensor(x), (v) => 1 / (1 + Math.exp(-v)));
}

/**
 * Derivative of the sigmoid at x: `(1 - sigmoid(x)) * sigmoid(x)`. x: any shape -> same shape.
 * @example sigmoidGrad(tensor([0])) // [0.25]
 */
export function sigmoidGrad(x: TensorLike): Tensor {
  return mapFloat(asTensor(x), (v) => {
    const s = 1 / (1 + Math.exp(-v));
    return (1 - s) * s;
  });
}

/**
 * `max(0, x)`. x: any shape -> same shape; keeps the dtype (NaN stays NaN, as numpy's maximum).
 * @example relu(tensor([-1, 2])) // [0, 2]
 */
export function relu(x: TensorLike): Tensor {
  return mapFloat(asTensor(x), (v) => (v > 0 || Number.isNaN(v) ? v : 0), true);
}

/**
 * The book's ReLU derivative: 1 where x >= 0, else 0. x: any shape -> same shape.
 * @example reluGrad(tensor([-1, 0, 2])) // [0, 1, 1]
 */
export function reluGrad(x: TensorLike): Tensor {
  return mapFloat(asTensor(x), (v) => (v >= 0 ? 1 : 0), true);
}

/**
 * Softmax over the last axis, made stable by subtracting the row maximum first (as the book's
 * `x - np.max(x, axis=-1, keepdims=True)`). x: (..., C) -> (..., C), each row sums to 1.
 * @example softmax(tensor([0.3, 2.9, 4.0])) // [0.01821127, 0.24519181, 0.73659691]
 */
export function softmax(x: TensorLike): Tensor {
  const t = asTensor(x);
  if (t.ndim === 0) throw new RangeError('softmax: x: expected at least 1 dimension, got a 0-d tensor');
  const shifted = t.sub(max(t, { axis: -1, keepdims: true }));
  const e = exp(shifted);
  return e.div(sum(e, { axis: -1, keepdims: true }));
}
