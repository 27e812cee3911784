/**
 * Nesterov's accelerated gradient, the book's `Nesterov` (common/optimizer.py).
 */
import { getKernels } from '../kernels/select.js';
import type { MomentumOptions } from './momentum.js';
import { BaseOptimizer, type FloatArray, type OptimizerName } from './optimizer.js';

/** Options of `Nesterov` (the same as `Momentum`'s). */
export type NesterovOptions = MomentumOptions;

/**
 * Nesterov's accelerated gradient (http://arxiv.org/abs/1212.0901), in the book's form, with a
 * velocity `v` per parameter (zeros at the first update):
 *
 *     v ← α·v
 *     v ← v − lr · ∂L/∂W
 *     W ← W + α²·v
 *     W ← W − (1 + α)·lr · ∂L/∂W
 *
 * Defaults `lr = 0.01`, `momentum = 0.9`.
 * @example
 * const opt = new Nesterov({ lr: 0.01 });
 * opt.update(net.params, net.gradient(x, t)); // in place
 */
export class Nesterov extends BaseOptimizer<'momentum'> {
  readonly kind: OptimizerName = 'nesterov';
  protected readonly bufferNames: readonly string[] = ['v'];

  constructor(options: NesterovOptions = {}) {
    super('Nesterov', options, 0.01, { momentum: 0.9 });
  }

  /** The momentum coefficient α. */
  get momentum(): number {
    return this.coefs.momentum;
  }

  protected override kernelUpdate(p: FloatArray, g: FloatArray, bufs: FloatArray[], n: number): void {
    getKernels().nesterov(n, this.lr, this.coefs.momentum, p, g, bufs[0]);
  }
}
