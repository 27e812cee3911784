/**
 * RMSprop, the book's `RMSprop` (common/optimizer.py).
 */
import { getKernels } from '../kernels/select.js';
import { BaseOptimizer, type FloatArray, type OptimizerName } from './optimizer.js';

/** Options of `RMSprop`. */
export interface RMSpropOptions {
  /** Learning rate; default 0.01. */
  lr?: number;
  /** Decay rate ρ of the running mean of squared gradients, in [0, 1); default 0.99 (the book's `decay_rate`). */
  decayRate?: number;
}

/**
 * RMSprop: like AdaGrad, but `h` is an exponentially decaying mean of squared gradients
 * (zeros at the first update):
 *
 *     h ← ρ·h
 *     h ← h + (1 − ρ) · ∂L/∂W ⊙ ∂L/∂W
 *     W ← W − lr · ∂L/∂W / (√h + 1e-7)
 *
 * Defaults `lr = 0.01`, `decayRate = 0.99`.
 * @example
 * const opt = new RMSprop({ lr: 0.01, decayRate: 0.99 });
 * opt.update(net.params, net.gradient(x, t)); // in place
 */
export class RMSprop extends BaseOptimizer<'decayRate'> {
  readonly kind: OptimizerName = 'rmsprop';
  protected readonly bufferNames: readonly string[] = ['h'];

  constructor(options: RMSpropOptions = {}) {
    super('RMSprop', options, 0.01, { decayRate: 0.99 });
  }

  /** The decay rate ρ. */
  get decayRate(): number {
    return this.coefs.decayRate;
  }

  protected override kernelUpdate(p: FloatArray, g: FloatArray, bufs: FloatArray[], n: number): void {
    getKernels().rmsprop(n, this.lr, this.coefs.decayRate, p, g, bufs[0]);
  }
}
