/**
 * Momentum SGD, the book's `Momentum` (common/optimizer.py).
 */
import { getKernels } from '../kernels/select.js';
import type { TypedArray } from '../tensor/dtype.js';
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

  protected override kernelUpdate(p: FloatArray, g: FloatArray, bufs: FloatArray[], n: number): boolean {
    getKernels().momentum(n, this.lr, this.coefs.momentum, p, g, bufs[0]);
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
    const V = bufs[0];
    const lr = this.lr;
    const mom = this.coefs.momentum;
    if (f32) {
      const lr32 = Math.fround(lr);
      const mom32 = Math.fround(mom);
      for (let k = 0; k < n; k++, pi += ps, gi += gs, bi += bs) {
        const v = Math.fround(Math.fround(mom32 * V[bi]) - Math.fround(lr32 * G[gi]));
        V[bi] = v;
        P[pi] = P[pi] + v;
      }
      return;
    }
    for (let k = 0; k < n; k++, pi += ps, gi += gs, bi += bs) {
      const v = mom * V[bi] - lr * G[gi];
      V[bi] = v;
      P[pi] = P[pi] + v;
    }
  }
}
