/**
 * AdaGrad, the book's `AdaGrad` (common/optimizer.py).
 */
import { getKernels } from '../kernels/select.js';
import type { TypedArray } from '../tensor/dtype.js';
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

  protected override kernelUpdate(p: FloatArray, g: FloatArray, bufs: FloatArray[], n: number): boolean {
    getKernels().adagrad(n, this.lr, p, g, bufs[0]);
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
    if (f32) {
      const lr32 = Math.fround(lr);
      const eps32 = Math.fround(1e-7);
      for (let k = 0; k < n; k++, pi += ps, gi += gs, bi += bs) {
        const g = G[gi];
        const h = Math.fround(H[bi] + Math.fround(g * g));
        H[bi] = h;
        P[pi] = P[pi] - Math.fround(Math.fround(lr32 * g) / Math.fround(Math.fround(Math.sqrt(h)) + eps32));
      }
      return;
    }
    for (let k = 0; k < n; k++, pi += ps, gi += gs, bi += bs) {
      const g = G[gi];
      const h = H[bi] + g * g;
      H[bi] = h;
      P[pi] = P[pi] - (lr * g) / (Math.sqrt(h) + 1e-7);
    }
  }
}
