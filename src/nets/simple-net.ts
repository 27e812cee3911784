/**
 * The book's `simpleNet` (chapter 4) and the seed notebook's `Net`: one weight matrix W (2, 3),
 * softmax output, cross-entropy loss, and the numerical gradient of the loss with respect to W.
 */

import { softmax } from '../functions/activations.js';
import { crossEntropyError, type Labels } from '../functions/losses.js';
import { type NumericalGradientOptions, numericalGradient } from '../gradient/numerical.js';
import { random } from '../random/global.js';
import { Tensor } from '../tensor/tensor.js';

/** Options of {@link SimpleNet}. */
export interface SimpleNetOptions {
  /** Where W's normal draws come from; the global `random` (numpy's `np.random`) by default. */
  rng?: { randn(rows: number, cols: number): number | Tensor };
  /** Number of inputs (2 in the book). */
  inputSize?: number;
  /** Number of classes (3 in the book). */
  outputSize?: number;
}

/**
 * A one-layer softmax classifier: W (inputSize, outputSize) drawn with `randn`, as the book's
 * `np.random.randn(2, 3)`, so with `random.seed(0)` it starts from numpy's numbers exactly.
 * x: (N, 2) or (2,) -> scores (N, 3) or (3,).
 * @example
 * random.seed(0);
 * const net = new SimpleNet();
 * const x = tensor([0.6, 0.9]);
 * const dW = net.numericalGradient(x, [2]); // (2, 3), the gradient of the loss at W
 * net.W.subInPlace(dW.mul(0.5));            // one step of gradient descent, in place
 */
export class SimpleNet {
  /** The weights (2, 3). Replace its values with `W.assign(...)`, not by assigning a new tensor. */
  W: Tensor;

  constructor(options: SimpleNetOptions = {}) {
    const { inputSize = 2, outputSize = 3 } = options;
    const rng = options.rng ?? random;
    const w = rng.randn(inputSize, outputSize);
    this.W = w instanceof Tensor ? w : new Tensor(new Float64Array([w]), [1, 1]);
  }

  /** Scores `x · W`. x: (N, inputSize) or (inputSize,) -> (N, outputSize) or (outputSize,). */
  predict(x: Tensor): Tensor {
    return x.dot(this.W);
  }

  /** Cross-entropy of `softmax(predict(x))` against labels or one-hot `t`. */
  loss(x: Tensor, t: Labels): number {
    return crossEntropyError(softmax(this.predict(x)), t);
  }

  /**
   * The numerical gradient of the loss with respect to W, perturbing `this.W` in place
   * (the closure ignores its argument and reads the net, the notebook's `Net0` pattern, which
   * works here because the perturbed tensor is the net's own W).
   */
  numericalGradient(x: Tensor, t: Labels, options?: NumericalGradientOptions): Tensor {
    return numericalGradient(() => this.loss(x, t), this.W, options);
  }
}
