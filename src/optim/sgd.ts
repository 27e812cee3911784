/**
 * Stochastic gradient descent, the book's `SGD` (common/optimizer.py).
 */
import { getKernels } from '../kernels/select.js';
import { BaseOptimizer, type FloatArray, type OptimizerName } from './optimizer.js';

/** Options of `SGD`. */
export interface SGDOptions {
  /** Learning rate; default 0.01. */
  lr?: number;
}

/**
 * Stochastic gradient descent:
 *
 *     W ← W − lr · ∂L/∂W
 *
 * (the book's `params[key] -= self.lr * grads[key]`). Default `lr = 0.01`. No buffers.
 * Contiguous parameters are updated by the kernels' `axpy(n, -lr, grad, param)`, with the same bits
 * (`W + (-lr)·g` is `W - lr·g` exactly, each product rounded to the parameter's dtype).
 * @example
 * const opt = new SGD({ lr: 0.1 });
 * opt.update(net.params, net.gradient(x, t)); // in place
 */
export class SGD extends BaseOptimizer {
  readonly kind: OptimizerName = 'sgd';
  protected readonly bufferNames: readonly string[] = [];

  constructor(options: SGDOptions = {}) {
    super('SGD', options, 0.01, {});
  }

  protected override kernelUpdate(p: FloatArray, g: FloatArray, _bufs: FloatArray[], n: number): void {
    getKernels().axpy(n, -this.lr, g, p);
  }
}
