/**
 * The fully connected layer (`common/layers.py` `Affine`).
 * @module
 */
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkBatch, checkDout, describeShape, type Layer } from './layer.js';

/** Options of {@link Affine}. */
export interface AffineOptions<InputGrad extends boolean = boolean> {
  /**
   * Whether `backward` computes `dx` (default true). A network's first layer reads data, which
   * needs no gradient: `false` skips the `dout · Wᵀ` product (the largest one for MNIST's 784
   * inputs) and makes `backward` return null.
   */
  computeInputGrad?: InputGrad;
}

/** What `backward` returns: `dx`, or null when the layer was built with `computeInputGrad: false`. */
export type AffineInputGrad<InputGrad extends boolean> = InputGrad extends false ? null : Tensor;

/**
 * `out = x · W + b`, for a batch of inputs of any rank: `x` is flattened to `(N, -1)` first (the
 * book's `x.reshape(x.shape[0], -1)`, so images `(N, C, H, W)` feed straight in), and `dx` is
 * reshaped back to `x`'s shape.
 *
 * Shapes: `W: (inFeatures, outFeatures)`, `b: (outFeatures,)`;
 * `x: (N, inFeatures)` or `(N, d1, d2, ...)` with `d1*d2*... = inFeatures` `-> (N, outFeatures)`;
 * backward: `dout: (N, outFeatures) -> dx` of `x`'s shape, and stores `dW: (inFeatures, outFeatures)`,
 * `db: (outFeatures,)`.
 *
 * `W` and `b` are used by reference, never copied: an optimizer that updates them in place
 * (`W.subInPlace(...)`) updates the layer.
 *
 * @example
 * const affine = new Affine(random.randn(784, 50).mul(0.01), zeros([50]));
 * const out = affine.forward(x);        // x (100, 784) -> (100, 50)
 * const dx = affine.backward(dout);     // dout (100, 50) -> (100, 784); affine.dW (784, 50), affine.db (50,)
 */
export class Affine<InputGrad extends boolean = true> implements Layer {
  /** Weights `(inFeatures, outFeatures)`. */
  W: Tensor;
  /** Bias `(outFeatures,)`. */
  b: Tensor;
  /** The input of the last forward, flattened to `(N, inFeatures)`. */
  x: Tensor | null = null;
  /** The shape of the last input, before flattening (the book's `original_x_shape`). */
  originalXShape: readonly number[] | null = null;
  /** Gradient of the loss with respect to `W`, set by `backward`. */
  dW: Tensor | null = null;
  /** Gradient of the loss with respect to `b`, set by `backward`. */
  db: Tensor | null = null;
  /** See {@link AffineOptions.computeInputGrad}. */
  readonly computeInputGrad: boolean;

  constructor(W: Tensor, b: Tensor, options: AffineOptions<InputGrad> = {}) {
    if (W.ndim !== 2)
      throw new RangeError(
        `Affine: W: expected shape (inFeatures, outFeatures), got ${formatShape(W.shape)}`,
      );
    if (b.ndim !== 1 || b.shape[0] !== W.shape[1]) {
      throw new RangeError(
        `Affine: b: expected shape ${describeShape([W.shape[1]])} (W's outFeatures), got ${formatShape(b.shape)}`,
      );
    }
    this.W = W;
    this.b = b;
    this.computeInputGrad = options.computeInputGrad ?? true;
  }

  forward(x: Tensor): Tensor {
    const inFeatures = this.W.shape[0];
    const expected = describeShape(['N', inFeatures]);
    checkBatch('Affine', 'x', x, expected);
    const n = x.shape[0];
    if (x.size / n !== inFeatures) {
      throw new RangeError(
        `Affine: x: expected shape ${expected} (after flattening to (N, -1)), got ${formatShape(x.shape)}` +
          (x.ndim > 2 ? `, which flattens to ${describeShape([n, x.size / n])}` : ''),
      );
    }
    this.originalXShape = x.shape;
    this.x = x.reshape(n, inFeatures);
    return this.x.dot(this.W).add(this.b);
  }

  backward(dout: Tensor): AffineInputGrad<InputGrad> {
    const x = this.x;
    checkDout('Affine', dout, x === null ? null : [x.shape[0], this.W.shape[1]]);
    this.dW = x!.T.dot(dout);
    this.db = dout.sum({ axis: 0 });
    if (!this.computeInputGrad) return null as AffineInputGrad<InputGrad>;
    return dout.dot(this.W.T).reshape([...this.originalXShape!]) as AffineInputGrad<InputGrad>;
  }
}
