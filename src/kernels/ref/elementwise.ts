/**
 * Reference elementwise and reduction kernels: the definitions the WASM kernels are tested against.
 * For float32 arrays every operation is rounded to float32 (`r = Math.fround`), as numpy's float32
 * arithmetic does, so results are what numpy computes, operation for operation (exp and log
 * aside, whose float32 implementations differ by an ulp between libraries).
 * @module
 */
import { checkElementwise, checkSoftmaxCrossEntropy, checkSumRows } from '../check.js';
import type { FloatArray } from '../types.js';

/** The rounding of one arithmetic result to the array's type. */
export function rounding(x: FloatArray): (v: number) => number {
  return x instanceof Float32Array ? Math.fround : (v: number) => v;
}

/**
 * `y += alpha · x`, alpha first rounded to the array type.
 * @example const y = new Float64Array([1, 1]); axpy(2, -0.5, new Float64Array([2, 4]), y) // y = [0, -1]
 */
export function axpy<T extends FloatArray>(n: number, alpha: number, x: T, y: T): void {
  checkElementwise('axpy', n, { x, y });
  const r = rounding(y);
  const al = r(alpha);
  for (let i = 0; i < n; i++) y[i] = y[i] + r(al * x[i]);
}

/**
 * Column sums: `out[j] = Σᵢ a[i * lda + j]` for i < m, j < n, in float64, rounded once.
 * @example sumRows(2, 2, new Float64Array([1, 2, 3, 4]), 2, out) // out = [4, 6]
 */
export function sumRows<T extends FloatArray>(m: number, n: number, a: T, lda: number, out: T): void {
  checkSumRows('sumRows', m, n, a, lda, out);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += a[i * lda + j];
    out[j] = s;
  }
}

/**
 * `y = x <= 0 ? 0 : x` (NaN passes through, as the book's mask `x <= 0` leaves it).
 * @example relu(3, new Float32Array([-1, 0, 2]), y) // y = [0, 0, 2]
 */
export function relu<T extends FloatArray>(n: number, x: T, y: T): void {
  checkElementwise('relu', n, { x, y });
  // biome-ignore lint/complexity/useMathMinMax: the book's mask (x <= 0), spelled out
  for (let i = 0; i < n; i++) y[i] = x[i] <= 0 ? 0 : x[i];
}

/**
 * `dx = x <= 0 ? 0 : dout`.
 * @example reluBackward(2, new Float32Array([-1, 2]), new Float32Array([5, 5]), dx) // dx = [0, 5]
 */
export function reluBackward<T extends FloatArray>(n: number, x: T, dout: T, dx: T): void {
  checkElementwise('reluBackward', n, { x, dout, dx });
  for (let i = 0; i < n; i++) dx[i] = x[i] <= 0 ? 0 : dout[i];
}

/**
 * `y = 1 / (1 + exp(-x))`, each step rounded to the array type.
 * @example sigmoid(1, new Float64Array([0]), y) // y = [0.5]
 */
export function sigmoid<T extends FloatArray>(n: number, x: T, y: T): void {
  checkElementwise('sigmoid', n, { x, y });
  const r = rounding(y);
  for (let i = 0; i < n; i++) y[i] = 1 / r(1 + r(Math.exp(-x[i])));
}

/**
 * `dx = dout · (1 - y) · y`, left to right, each step rounded.
 * @example sigmoidBackward(1, new Float64Array([0.5]), new Float64Array([1]), dx) // dx = [0.25]
 */
export function sigmoidBackward<T extends FloatArray>(n: number, y: T, dout: T, dx: T): void {
  checkElementwise('sigmoidBackward', n, { y, dout, dx });
  const r = rounding(dx);
  for (let i = 0; i < n; i++) dx[i] = r(dout[i] * r(1 - y[i])) * y[i];
}

/**
 * Softmax + cross-entropy over the rows of x (m, n) (see `Kernels.softmaxCrossEntropy`):
 * per row, `mx = max(x)` (NaN if any is NaN), `e = exp(x - mx)` rounded, `s = Σ e` in float64,
 * `y = e / s` rounded; loss `-Σ log(y[t] + 1e-7) / m` in float64 (the addition rounded);
 * `dx = (y - onehot) / m`, each step rounded.
 * @example
 * const y = new Float64Array(2), dx = new Float64Array(2);
 * softmaxCrossEntropy(1, 2, new Float64Array([0, 0]), new Int32Array([1]), y, dx) // ≈ 0.693; y = [0.5, 0.5], dx = [0.5, -0.5]
 */
export function softmaxCrossEntropy<T extends FloatArray>(
  m: number,
  n: number,
  x: T,
  t: Int32Array | T,
  y: T,
  dx: T | null,
): number {
  checkSoftmaxCrossEntropy('softmaxCrossEntropy', m, n, x, t, y, dx);
  const r = rounding(y);
  const tiny = r(1e-7);
  let loss = 0;
  for (let i = 0; i < m; i++) {
    const row = i * n;
    let mx = x[row];
    for (let j = 1; j < n; j++) if (x[row + j] > mx || Number.isNaN(x[row + j])) mx = x[row + j];
    let s = 0;
    for (let j = 0; j < n; j++) {
      const e = r(Math.exp(r(x[row + j] - mx)));
      y[row + j] = e;
      s += e;
    }
    for (let j = 0; j < n; j++) y[row + j] = y[row + j] / s;
    let label = 0;
    if (t instanceof Int32Array) {
      label = t[i];
    } else {
      for (let j = 1; j < n; j++) if (t[row + j] > t[row + label]) label = j;
    }
    loss += Math.log(r(y[row + label] + tiny));
    if (dx !== null) {
      for (let j = 0; j < n; j++) {
        const target = t instanceof Int32Array ? (j === label ? 1 : 0) : t[row + j];
        dx[row + j] = r(y[row + j] - target) / m;
      }
    }
  }
  return -loss / m;
}

/**
 * The book's Adam step (see `Kernels.adam`), operation for operation as numpy evaluates it.
 * @example adam(n, lrT, 0.9, 0.999, W, dW, mW, vW)
 */
export function adam<T extends FloatArray>(
  n: number,
  lrT: number,
  beta1: number,
  beta2: number,
  p: T,
  g: T,
  m: T,
  v: T,
): void {
  checkElementwise('adam', n, { p, g, m, v });
  const r = rounding(p);
  const c1 = r(1 - beta1);
  const c2 = r(1 - beta2);
  const eps = r(1e-7);
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    const mi = r(m[i] + r(c1 * r(gi - m[i])));
    const vi = r(v[i] + r(c2 * r(r(gi * gi) - v[i])));
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i] - (lrT * mi) / r(r(Math.sqrt(vi)) + eps);
  }
}
