/**
 * The book's optimizer steps other than SGD and Adam (`common/optimizer.py`), on contiguous arrays,
 * operation for operation as numpy evaluates them: Python scalars combine in float64 first, then
 * each array operation is rounded to the array's type. p and the state buffers are updated in place.
 * @module
 */
import { checkElementwise } from '../check.js';
import type { FloatArray } from '../types.js';
import { rounding } from './elementwise.js';

/**
 * Momentum: `v = momentum·v − lr·g; p += v`.
 * @example momentum(n, 0.01, 0.9, W, dW, vW)
 */
export function momentum<T extends FloatArray>(n: number, lr: number, mom: number, p: T, g: T, v: T): void {
  checkElementwise('momentum', n, { p, g, v });
  const r = rounding(p);
  const lrT = r(lr);
  const momT = r(mom);
  for (let i = 0; i < n; i++) {
    const vi = r(r(momT * v[i]) - r(lrT * g[i]));
    v[i] = vi;
    p[i] = r(p[i] + vi);
  }
}

/**
 * Nesterov's momentum as the book writes it: `v *= momentum; v −= lr·g;
 * p += momentum·momentum·v; p −= (1 + momentum)·lr·g` (the scalar products in float64 first).
 * @example nesterov(n, 0.01, 0.9, W, dW, vW)
 */
export function nesterov<T extends FloatArray>(n: number, lr: number, mom: number, p: T, g: T, v: T): void {
  checkElementwise('nesterov', n, { p, g, v });
  const r = rounding(p);
  const m = r(mom);
  const lrT = r(lr);
  const mm = r(mom * mom);
  const c = r((1 + mom) * lr);
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    const vi = r(r(v[i] * m) - r(lrT * gi));
    v[i] = vi;
    p[i] = r(r(p[i] + r(mm * vi)) - r(c * gi));
  }
}

/**
 * AdaGrad: `h += g·g; p −= lr·g / (√h + 1e-7)`.
 * @example adagrad(n, 0.01, W, dW, hW)
 */
export function adagrad<T extends FloatArray>(n: number, lr: number, p: T, g: T, h: T): void {
  checkElementwise('adagrad', n, { p, g, h });
  const r = rounding(p);
  const lrT = r(lr);
  const eps = r(1e-7);
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    const hi = r(h[i] + r(gi * gi));
    h[i] = hi;
    p[i] = r(p[i] - r(r(lrT * gi) / r(r(Math.sqrt(hi)) + eps)));
  }
}

/**
 * RMSprop: `h *= decay; h += (1 − decay)·g·g; p −= lr·g / (√h + 1e-7)` (`1 − decay` in float64 first).
 * @example rmsprop(n, 0.01, 0.99, W, dW, hW)
 */
export function rmsprop<T extends FloatArray>(n: number, lr: number, decay: number, p: T, g: T, h: T): void {
  checkElementwise('rmsprop', n, { p, g, h });
  const r = rounding(p);
  const lrT = r(lr);
  const d = r(decay);
  const c = r(1 - decay);
  const eps = r(1e-7);
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    const hi = r(r(h[i] * d) + r(r(c * gi) * gi));
    h[i] = hi;
    p[i] = r(p[i] - r(r(lrT * gi) / r(r(Math.sqrt(hi)) + eps)));
  }
}
