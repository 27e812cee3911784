/**
 * The two-layer net of chapter 4 (`ch04/two_layer_net.py`): sigmoid hidden layer, softmax output,
 * a numerical gradient and the hand-derived backward pass, without layer objects.
 * @module
 */
import { sigmoid, sigmoidGrad, softmax } from '../functions/activations.js';
import { crossEntropyError, type Labels } from '../functions/losses.js';
import { type NumericalGradientOptions, numericalGradient } from '../gradient/numerical.js';
import { checkBatch, describeShape } from '../layers/layer.js';
import { zeros } from '../tensor/create.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { accuracyOf, initBias, initWeight, labelIndices } from './layer-net.js';
import {
  type TwoLayerNetConfig,
  type TwoLayerNetCtorArgs,
  type TwoLayerNetOptions,
  twoLayerArgs,
} from './two-layer-net.js';

/**
 * `softmax(sigmoid(x · W1 + b1) · W2 + b2)` with cross-entropy loss: the book's chapter 4
 * `TwoLayerNet`, trained there with `numericalGradient` (slow) and then with `gradient`, the
 * backward pass written out by hand.
 *
 * `params` is a plain object `{W1, b1, W2, b2}` read by every call: update the tensors in place
 * (`W1.subInPlace(...)`) or assign new ones. Weights are `weightInitStd * rng.randn(...)`, W1 then
 * W2, bit-identical to the book's after the same seed.
 *
 * Shapes: `x: (N, inputSize)` (or `(inputSize,)` for `predict`/`loss`), `t: (N,)` labels or
 * `(N, outputSize)` one-hot; `predict: -> (N, outputSize)` probabilities (softmax applied, unlike
 * the layered nets, which return scores); `gradient`, `numericalGradient: -> {W1, b1, W2, b2}`.
 *
 * @example
 * const net = new TwoLayerNetSigmoid(784, 50, 10);
 * const grads = net.gradient(xBatch, tBatch);          // fast
 * const check = net.numericalGradient(xBatch, tBatch); // slow, same values to ~1e-10
 */
export class TwoLayerNetSigmoid {
  /** `W1 (inputSize, hiddenSize)`, `b1 (hiddenSize,)`, `W2 (hiddenSize, outputSize)`, `b2 (outputSize,)`. */
  params: Record<string, Tensor>;
  /** The gradients of the last `gradient` call. */
  grads: Record<string, Tensor> = {};
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly outputSize: number;
  readonly weightInitStd: number;

  constructor(config: TwoLayerNetConfig);
  constructor(inputSize: number, hiddenSize: number, outputSize: number, options?: TwoLayerNetOptions);
  constructor(...args: TwoLayerNetCtorArgs) {
    const a = twoLayerArgs('TwoLayerNetSigmoid', args);
    this.inputSize = a.inputSize;
    this.hiddenSize = a.hiddenSize;
    this.outputSize = a.outputSize;
    this.weightInitStd = a.weightInitStd;
    const W1 = initWeight(a.rng, a.inputSize, a.hiddenSize, a.weightInitStd, a.dtype);
    const b1 = initBias(a.hiddenSize, a.dtype);
    const W2 = initWeight(a.rng, a.hiddenSize, a.outputSize, a.weightInitStd, a.dtype);
    const b2 = initBias(a.outputSize, a.dtype);
    this.params = { W1, b1, W2, b2 };
  }

  private checkX(x: Tensor, allowSingle: boolean): void {
    const expected = describeShape(['N', this.inputSize]);
    if (!(allowSingle && x.ndim === 1)) checkBatch('TwoLayerNetSigmoid', 'x', x, expected);
    const features = x.shape[x.ndim - 1];
    if (x.ndim > 2 || features !== this.inputSize) {
      throw new RangeError(
        `TwoLayerNetSigmoid: x: expected shape ${expected}${allowSingle ? ` or (${this.inputSize},)` : ''}, got ${formatShape(x.shape)}`,
      );
    }
  }

  /** Class probabilities. x: `(N, inputSize)` -> `(N, outputSize)`; `(inputSize,)` -> `(outputSize,)`. */
  predict(x: Tensor): Tensor {
    this.checkX(x, true);
    const { W1, b1, W2, b2 } = this.params;
    const a1 = x.dot(W1).add(b1);
    const z1 = sigmoid(a1);
    const a2 = z1.dot(W2).add(b2);
    return softmax(a2);
  }

  /** Mean cross-entropy. t: labels `(N,)` or one-hot `(N, outputSize)` -> a number. */
  loss(x: Tensor, t: Labels): number {
    const y = this.predict(x);
    if (y.ndim === 2) labelIndices('TwoLayerNetSigmoid', t, y.shape[0], this.outputSize);
    return crossEntropyError(y, t);
  }

  /** Fraction of samples whose most probable class is the label. t: labels or one-hot. */
  accuracy(x: Tensor, t: Labels): number {
    this.checkX(x, false);
    return accuracyOf('TwoLayerNetSigmoid', this.predict(x), t);
  }

  /** The book's `numerical_gradient`: central differences on each parameter, perturbed in place. */
  numericalGradient(x: Tensor, t: Labels, options?: NumericalGradientOptions): Record<string, Tensor> {
    const grads: Record<string, Tensor> = {};
    for (const key of ['W1', 'b1', 'W2', 'b2']) {
      grads[key] = numericalGradient(() => this.loss(x, t), this.params[key], options);
    }
    return grads;
  }

  /**
   * The book's hand-derived backward pass:
   * `dy = (y - t) / N`, `dW2 = z1ᵀ · dy`, `db2 = Σ dy`, `dz1 = sigmoidGrad(a1) * (dy · W2ᵀ)`,
   * `dW1 = xᵀ · dz1`, `db1 = Σ dz1`. Labels are turned into one-hot rows first.
   */
  gradient(x: Tensor, t: Labels): Record<string, Tensor> {
    this.checkX(x, false);
    const { W1, b1, W2, b2 } = this.params;
    const batchNum = x.shape[0];
    const labels = labelIndices('TwoLayerNetSigmoid', t, batchNum, this.outputSize);
    // forward
    const a1 = x.dot(W1).add(b1);
    const z1 = sigmoid(a1);
    const a2 = z1.dot(W2).add(b2);
    const y = softmax(a2);
    let onehot = t as Tensor;
    if (Array.isArray(t) || (t as Tensor).ndim === 1) {
      onehot = zeros([batchNum, this.outputSize], { dtype: y.dtype });
      for (let i = 0; i < batchNum; i++) onehot.data[i * this.outputSize + labels[i]] = 1;
    }
    // backward
    const dy = y.sub(onehot).div(batchNum);
    const grads: Record<string, Tensor> = {};
    grads.W2 = z1.T.dot(dy);
    grads.b2 = dy.sum({ axis: 0 });
    const da1 = dy.dot(W2.T);
    const dz1 = sigmoidGrad(a1).mul(da1);
    grads.W1 = x.T.dot(dz1);
    grads.b1 = dz1.sum({ axis: 0 });
    this.grads = { W1: grads.W1, b1: grads.b1, W2: grads.W2, b2: grads.b2 };
    return this.grads;
  }
}
