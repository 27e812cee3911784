/**
 * Momentum SGD, the book's `Momentum` (common/optimizer.py).
 */
import { getKernels } from '../kernels/select.js';
import { BaseOptimizer, type FloatArray, type OptimizerName } from './optimizer.js';

/** Options of `Momentum` and `Nesterov`. */
export interface MomentumOptions {
  /** Learning rate; default 0.01. */
  lr?: number;
  /** Momentum coefficient α, in [0, 1); default 0.9. */
  momentum?: number;
}

/**
 * Momentum SGD, with a velocity `v` per parameter (zeros at the first update):
 *
 *     v ← α·v − lr · ∂L/∂W
 *     W ← W + v
 *
 * (the book's `self.v[key] = self.momentum*self.v[key] - self.lr*grads[key]; params[key] += self.v[key]`).
 * Defaults `lr = 0.01`, `momentum = 0.9`.
 * @example
 * const opt = new Momentum({ lr: 0.01, momentum: 0.9 });
 * opt.update(net.params, net.gradient(x, t)); // in place
 */
export class Momentum extends BaseOptimizer<'momentum'> {
  readonly kind: OptimizerName = 'momentum';
  protected readonly bufferNames: readonly string[] = ['v'];

  constructor(options: MomentumOptions = {}) {
    super('Momentum', options, 0.01, { momentum: 0.9 });
  }

  /** The momentum coefficient α. */
  get momentum(): number {
    return this.coefs.momentum;
  }

  protected override kernelUpdate(p: FloatArray, g: FloatArray, bufs: FloatArray[], n: number): void {
    getKernels().momentum(n, this.lr, this.coefs.momentum, p, g, bufs[0]);
  }
}
