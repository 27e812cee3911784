/**
 * Loss functions of the book (common/functions.py). Each returns a plain number.
 */

import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { softmax } from './activations.js';

/** Class labels: a tensor of integer values (any dtype) or a plain array, or one-hot rows. */
export type Labels = Tensor | readonly number[];

function labelsTensor(t: Labels): Tensor {
  return t instanceof Tensor ? t : new Tensor(Float64Array.from(t), [t.length]);
}

/**
 * Half the summed squared error, `0.5 * sum((y - t) ** 2)` (not averaged over the batch, as in the book).
 * y, t: same shape -> number.
 * @example sumSquaredError(tensor([0.1, 0.9]), tensor([0, 1])) // 0.01
 */
export function sumSquaredError(y: Tensor, t: Labels): number {
  const tt = labelsTensor(t);
  if (y.size !== tt.size) {
    throw new RangeError(
      `sumSquaredError: y ${formatShape(y.shape)} and t ${formatShape(tt.shape)} must have the same size`,
    );
  }
  const d = y.sub(tt.reshape(y.shape));
  return 0.5 * d.mul(d).sum().item();
}

/**
 * The book's cross-entropy error, exactly as the seed notebook writes it: a 1-D y is a batch of one;
 * one-hot t (same size as y) becomes labels by argmax; then `-sum(log(y[arange(N), t] + 1e-7)) / N`.
 * y: (N, C) or (C,) probabilities; t: labels (N,) or one-hot (N, C) -> number.
 * @example crossEntropyError(tensor([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0]), [2]) // 0.510825457...
 */
export function crossEntropyError(y: Tensor, t: Labels): number {
  let tt = labelsTensor(t);
  if (y.ndim === 1) {
    tt = tt.reshape(1, tt.size);
    y = y.reshape(1, y.size);
  }
  if (y.ndim !== 2)
    throw new RangeError(`crossEntropyError: y: expected shape (N, C) or (C,), got ${formatShape(y.shape)}`);
  const [n, c] = y.shape;
  if (n === 0) throw new RangeError('crossEntropyError: y: empty batch (N = 0)');
  if (tt.size === y.size) tt = tt.reshape(n, c).argmax({ axis: 1 });
  else tt = tt.reshape(-1);
  if (tt.size !== n) {
    throw new RangeError(
      `crossEntropyError: t: expected ${n} labels or one-hot of shape ${formatShape(y.shape)}, got shape ${formatShape(labelsTensor(t).shape)}`,
    );
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    const label = tt.get(i);
    if (!Number.isInteger(label) || label < 0 || label >= c) {
      throw new RangeError(`crossEntropyError: t[${i}] = ${label} is not a class index in [0, ${c})`);
    }
    total += Math.log(y.get(i, label) + 1e-7);
  }
  return -total / n;
}

/**
 * Softmax then cross-entropy: the loss of raw scores. x: (N, C) or (C,); t: labels or one-hot -> number.
 * @example softmaxLoss(tensor([[2, 1, 0]]), [0])
 */
export function softmaxLoss(x: Tensor, t: Labels): number {
  return crossEntropyError(softmax(x), t);
}
