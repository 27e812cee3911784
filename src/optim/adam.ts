/**
 * Adam, the book's `Adam` (common/optimizer.py).
 */
import { getKernels } from '../kernels/select.js';
import { BaseOptimizer, type FloatArray, type OptimizerName, powInt } from './optimizer.js';

/** Options of `Adam`. */
export interface AdamOptions {
  /** Learning rate; default 0.001. */
  lr?: number;
  /** Decay rate β₁ of the first moment, in [0, 1); default 0.9. */
  beta1?: number;
  /** Decay rate β₂ of the second moment, in [0, 1); default 0.999. */
  beta2?: number;
}

/**
 * Adam (http://arxiv.org/abs/1412.6980v8), in the book's form: moments `m` and `v` per parameter
 * (zeros at the first update), and the bias correction folded into the step size. At update t
 * (t = 1, 2, ...):
 *
 *     lr_t = lr · √(1 − β₂ᵗ) / (1 − β₁ᵗ)
 *     m ← m + (1 − β₁)·(∂L/∂W − m)
 *     v ← v + (1 − β₂)·(∂L/∂W ⊙ ∂L/∂W − v)
 *     W ← W − lr_t · m / (√v + 1e-7)
 *
 * Defaults `lr = 0.001`, `beta1 = 0.9`, `beta2 = 0.999`. For float32 parameters, `lr_t · m / (...)`
 * is computed in float64 before the result is rounded, as numpy does (`lr_t` is an `np.float64`).
 * Contiguous parameters are updated by the kernels' `adam`, with the same bits as the loop below.
 * @example
 * const opt = new Adam();                     // lr 0.001
 * opt.update(net.params, net.gradient(x, t)); // in place
 */
export class Adam extends BaseOptimizer<'beta1' | 'beta2'> {
  readonly kind: OptimizerName = 'adam';
  protected readonly bufferNames: readonly string[] = ['m', 'v'];
  private lrT = 0;

  constructor(options: AdamOptions = {}) {
    super('Adam', options, 0.001, { beta1: 0.9, beta2: 0.999 });
  }

  /** The first-moment decay rate β₁. */
  get beta1(): number {
    return this.coefs.beta1;
  }

  /** The second-moment decay rate β₂. */
  get beta2(): number {
    return this.coefs.beta2;
  }

  protected override beginStep(): void {
    const t = this.iterations;
    // The book: lr_t = lr * np.sqrt(1.0 - beta2**iter) / (1.0 - beta1**iter), evaluated left to right.
    this.lrT = (this.lr * Math.sqrt(1.0 - powInt(this.coefs.beta2, t))) / (1.0 - powInt(this.coefs.beta1, t));
  }

  protected override kernelUpdate(p: FloatArray, g: FloatArray, bufs: FloatArray[], n: number): void {
    getKernels().adam(n, this.lrT, this.coefs.beta1, this.coefs.beta2, p, g, bufs[0], bufs[1]);
  }
}
