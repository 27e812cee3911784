/**
 * Reference GEMM: the definition that the WASM kernels are tested against.
 *
 * Every element of the product is a sum over p = 0 .. k-1 in increasing order, accumulated in
 * float64 (also for float32 arrays) and rounded once when stored: `C[i, j] = alpha * s + beta * C[i, j]`
 * evaluated in float64, or `alpha * s` when beta is 0 (C is then not read).
 * @module
 */
import { checkBiasAct, checkGemm } from '../check.js';
import type { Activation, FloatArray } from '../types.js';

/** A float64 row reused across calls (no allocation per call once it is large enough). */
let accRow = new Float64Array(256);

function accumulator(n: number): Float64Array {
  if (accRow.length < n) accRow = new Float64Array(Math.max(n, 2 * accRow.length));
  return accRow;
}

/**
 * `C = alpha · op(A) · op(B) + beta · C` (see `Kernels.gemm` for shapes and leading dimensions).
 * @example
 * const c = new Float64Array(4);
 * gemm(false, false, 2, 2, 2, 1, new Float64Array([1, 2, 3, 4]), 2, new Float64Array([1, 0, 0, 1]), 2, 0, c, 2);
 * // c = [1, 2, 3, 4]: A (2,2) · I (2,2)
 */
export function gemm<T extends FloatArray>(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: T,
  lda: number,
  b: T,
  ldb: number,
  beta: number,
  c: T,
  ldc: number,
): void {
  checkGemm('gemm', transA, transB, m, n, k, a, lda, b, ldb, c, ldc);
  gemmUnchecked(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

/** `gemm` without the argument checks. */
function gemmUnchecked(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: FloatArray,
  lda: number,
  b: FloatArray,
  ldb: number,
  beta: number,
  c: FloatArray,
  ldc: number,
): void {
  const acc = accumulator(n);
  for (let i = 0; i < m; i++) {
    // acc[j] = Σₚ op(A)[i, p] · op(B)[p, j]
    if (transB) {
      // op(B)[p, j] = b[j * ldb + p]: row j of b is contiguous in p, so take dot products
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += (transA ? a[p * lda + i] : a[i * lda + p]) * b[j * ldb + p];
        acc[j] = s;
      }
    } else {
      // op(B)[p, j] = b[p * ldb + j]: add multiples of the rows of B
      acc.fill(0, 0, n);
      for (let p = 0; p < k; p++) {
        const aip = transA ? a[p * lda + i] : a[i * lda + p];
        const row = p * ldb;
        for (let j = 0; j < n; j++) acc[j] += aip * b[row + j];
      }
    }
    const ci = i * ldc;
    for (let j = 0; j < n; j++) c[ci + j] = beta === 0 ? alpha * acc[j] : alpha * acc[j] + beta * c[ci + j];
  }
}

/**
 * `C = act(A · B + bias)`: the product rounded to C's type, plus bias rounded again, then the
 * activation (`relu`: `v <= 0 ? 0 : v`; `sigmoid`: `1 / (1 + exp(-v))`, each step rounded).
 * @example gemmBiasAct(100, 50, 784, x, 784, W1, 50, b1, h, 50, 'sigmoid') // h (100, 50)
 */
export function gemmBiasAct<T extends FloatArray>(
  m: number,
  n: number,
  k: number,
  a: T,
  lda: number,
  b: T,
  ldb: number,
  bias: T | null,
  c: T,
  ldc: number,
  act: Activation,
): void {
  checkGemm('gemmBiasAct', false, false, m, n, k, a, lda, b, ldb, c, ldc);
  checkBiasAct('gemmBiasAct', n, bias, c, act);
  gemmUnchecked(false, false, m, n, k, 1, a, lda, b, ldb, 0, c, ldc);
  const r = c instanceof Float32Array ? Math.fround : (v: number) => v;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const o = i * ldc + j;
      let v = bias === null ? c[o] : r(c[o] + bias[j]);
      // biome-ignore lint/complexity/useMathMinMax: the book's mask (v <= 0), spelled out
      if (act === 'relu') v = v <= 0 ? 0 : v;
      else if (act === 'sigmoid') v = 1 / r(1 + r(Math.exp(-v)));
      c[o] = v;
    }
  }
}
