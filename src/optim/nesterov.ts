/**
 * Nesterov's accelerated gradient, the book's `Nesterov` (common/optimizer.py).
 */
import { getKernels } from '../kernels/select.js';
import type { TypedArray } from '../tensor/dtype.js';
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

  protected override kernelUpdate(p: FloatArray, g: FloatArray, bufs: FloatArray[], n: number): boolean {
    getKernels().nesterov(n, this.lr, this.coefs.momentum, p, g, bufs[0]);
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
    const m = this.coefs.momentum;
    const lr = this.lr;
    // Python evaluates `self.momentum * self.momentum * v` and `(1 + self.momentum) * self.lr * g`
    // left to right: the scalar products come first, in float64.
    const mm = m * m;
    const c = (1 + m) * lr;
    if (f32) {
      const m32 = Math.fround(m);
      const lr32 = Math.fround(lr);
      const mm32 = Math.fround(mm);
      const c32 = Math.fround(c);
      for (let k = 0; k < n; k++, pi += ps, gi += gs, bi += bs) {
        const g = G[gi];
        let v = Math.fround(V[bi] * m32);
        v = Math.fround(v - Math.fround(lr32 * g));
        V[bi] = v;
        const p = Math.fround(P[pi] + Math.fround(mm32 * v));
        P[pi] = p - Math.fround(c32 * g);
      }
      return;
    }
    for (let k = 0; k < n; k++, pi += ps, gi += gs, bi += bs) {
      const g = G[gi];
      let v = V[bi] * m;
      v = v - lr * g;
      V[bi] = v;
      const p = P[pi] + mm * v;
      P[pi] = p - c * g;
    }
  }
}
