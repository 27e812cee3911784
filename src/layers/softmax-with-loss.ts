/**
 * Softmax followed by the cross-entropy loss (`common/layers.py` `SoftmaxWithLoss`).
 * @module
 */
import { softmax } from '../functions/activations.js';
import { crossEntropyError } from '../functions/losses.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkBatch, describeShape, type Labels, labelsOf } from './layer.js';

/**
 * The output layer for classification: `y = softmax(x)` over the classes, `loss = crossEntropyError(y, t)`.
 * Its backward is the famously simple `(y - t) / N`.
 *
 * Shapes: `x: (N, C)` scores; `t`: labels `(N,)` (integers in `[0, C)`, a tensor or an array) or
 * one-hot `(N, C)` -> `loss`: a number; backward: `-> dx: (N, C)`, which is `(y - t) / N` for one-hot
 * t, and `y` with 1 subtracted at each sample's label, divided by N, for labels (the book's two branches).
 *
 * `backward(dout)` scales by `dout` (default 1, the loss's own gradient). The book ignores its `dout`
 * argument; for the usual `dout = 1` the values are identical.
 *
 * Note for gradient checks: the book's loss is `-log(y[t] + 1e-7)` (the 1e-7 guards against log 0),
 * whose exact derivative is `(y - t) / N` times `y[t] / (y[t] + 1e-7)` per sample. Backward returns
 * the book's `(y - t) / N`, so numerical and analytic gradients differ by about `1e-7 / y[t]`
 * relative: 1e-6 for an untrained 10-class net (y[t] ~ 0.1), more when a label's probability is tiny.
 *
 * @example
 * const last = new SoftmaxWithLoss();
 * const loss = last.forward(scores, [2, 0, 1]); // scores (3, C) -> a number
 * const dx = last.backward();                   // (3, C)
 */
export class SoftmaxWithLoss {
  /** The loss of the last forward. */
  loss: number | null = null;
  /** Softmax output of the last forward, `(N, C)`. */
  y: Tensor | null = null;
  /** Targets of the last forward, as given (labels or one-hot). */
  t: Labels | null = null;
  private labels: number[] | null = null;

  /** `x: (N, C)`, `t: (N,)` labels or `(N, C)` one-hot -> the mean cross-entropy loss. */
  forward(x: Tensor, t: Labels): number {
    checkBatch('SoftmaxWithLoss', 'x', x, describeShape(['N', 'C']));
    if (x.ndim !== 2) {
      throw new RangeError(`SoftmaxWithLoss: x: expected shape (N,C), got ${formatShape(x.shape)}`);
    }
    const [n, c] = x.shape;
    this.labels = labelsOf('SoftmaxWithLoss', t, n, c);
    this.t = t;
    this.y = softmax(x);
    this.loss = crossEntropyError(this.y, this.labels ?? t);
    return this.loss;
  }

  /** `dout` (a number or size-1 tensor, default 1) -> `dx: (N, C)`. */
  backward(dout: number | Tensor = 1): Tensor {
    const y = this.y;
    if (y === null) throw new Error('SoftmaxWithLoss.backward: called before forward');
    const scale = typeof dout === 'number' ? dout : dout.item();
    const n = y.shape[0];
    let dx: Tensor;
    if (this.labels === null) {
      dx = y.sub(this.t as Tensor).div(n);
    } else {
      dx = y.copy();
      const c = y.shape[1];
      for (let i = 0; i < n; i++) dx.data[i * c + this.labels[i]] -= 1;
      dx = dx.div(n);
    }
    return scale === 1 ? dx : dx.mul(scale);
  }
}
