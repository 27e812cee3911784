/**
 * RMSprop, the book's `RMSprop` (common/optimizer.py).
 */
import { getKernels } from '../kernels/select.js';
import type { TypedArray } from '../tensor/dtype.js';
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

  protected override kernelUpdate(p: FloatArray, g: FloatArray, bufs: FloatArray[], n: number): boolean {
    getKernels().rmsprop(n, this.lr, this.coefs.decayRate, p, g, bufs[0]);
    return true;
  }

  protected kernel(
    P: FloatArray,
    pi: number,
    ps: number,
    G: TypedArray,
    gi: number,
    gs: number,
    bufs: FloatArray[],
    bi: number,
    bs: number,
    n: number,
    f32: boolean,
  ): void {
    const H = bufs[0];
    const lr = this.lr;
    const d = this.coefs.decayRate;
    const c = 1 - d;
    if (f32) {
      const lr32 = Math.fround(lr);
      const d32 = Math.fround(d);
      const c32 = Math.fround(c);
      const eps32 = Math.fround(1e-7);
      for (let k = 0; k < n; k++, pi += ps, gi += gs, bi += bs) {
        const g = G[gi];
        let h = Math.fround(H[bi] * d32);
        h = Math.fround(h + Math.fround(Math.fround(c32 * g) * g));
        H[bi] = h;
        P[pi] = P[pi] - Math.fround(Math.fround(lr32 * g) / Math.fround(Math.fround(Math.sqrt(h)) + eps32));
      }
      return;
    }
    for (let k = 0; k < n; k++, pi += ps, gi += gs, bi += bs) {
      const g = G[gi];
      let h = H[bi] * d;
      h = h + c * g * g;
      H[bi] = h;
      P[pi] = P[pi] - (lr * g) / (Math.sqrt(h) + 1e-7);
    }
  }
}
