/**
 * AdaGrad, the book's `AdaGrad` (common/optimizer.py).
 */
import { getKernels } from '../kernels/select.js';
import { BaseOptimizer, type FloatArray, type OptimizerName } from './optimizer.js';

/** Options of `AdaGrad`. */
export interface AdaGradOptions {
  /** Learning rate; default 0.01. */
  lr?: number;
}

/**
 * AdaGrad: a per-element learning rate that shrinks with the sum `h` of squared gradients
 * (zeros at the first update):
 *
 *     h ← h + ∂L/∂W ⊙ ∂L/∂W
 *     W ← W − lr · ∂L/∂W / (√h + 1e-7)
 *
 * Default `lr = 0.01`.
 * @example
 * const opt = new AdaGrad({ lr: 0.1 });
 * opt.update(net.params, net.gradient(x, t)); // in place
 */
export class AdaGrad extends BaseOptimizer {
  readonly kind: OptimizerName = 'adagrad';
  protected readonly bufferNames: readonly string[] = ['h'];

  constructor(options: AdaGradOptions = {}) {
    super('AdaGrad', options, 0.01, {});
  }

  protected override kernelUpdate(p: FloatArray, g: FloatArray, bufs: FloatArray[], n: number): void {
    getKernels().adagrad(n, this.lr, p, g, bufs[0]);
  }
}
