/**
 * The reference kernels against their definitions: gemm against a naive triple loop (bit for bit)
 * and against numpy (test/fixtures/kernels.json, written by test/fixtures/kernels_fixtures.py);
 * sigmoid, relu and softmax + cross-entropy against the book's numpy code.
 */
import { describe, expect, it } from 'vitest';
import { loadFixture } from '../../../test/helpers/fixtures.js';
import { gemmCases, rng } from '../../../test/kernels-helpers.js';
import type { FloatArray } from '../types.js';
import { refKernels as ref } from './index.js';

interface GemmFixture {
  dtype: 'float32' | 'float64';
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  beta: number;
  a: number[];
  b: number[];
  c: number[];
  out: number[];
}
interface Fixtures {
  gemm: GemmFixture[];
  elementwise: { dtype: 'float32' | 'float64'; x: number[]; sigmoid: number[]; relu: number[] }[];
  softmax: {
    dtype: 'float32' | 'float64';
    oneHot: boolean;
    m: number;
    n: number;
    x: number[];
    labels: number[];
    y: number[];
    loss: number;
    dx: number[];
  }[];
}

const fixtures = loadFixture<Fixtures>('kernels.json');
const arr = (dtype: 'float32' | 'float64', v: ArrayLike<number> | number): FloatArray =>
  dtype === 'float32' ? new Float32Array(v as ArrayLike<number>) : new Float64Array(v as ArrayLike<number>);

/** The textbook definition, element by element, accumulating in float64. */
function naive(
  tA: boolean,
  tB: boolean,
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
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++)
        s += (tA ? a[p * lda + i] : a[i * lda + p]) * (tB ? b[j * ldb + p] : b[p * ldb + j]);
      c[i * ldc + j] = beta === 0 ? alpha * s : alpha * s + beta * c[i * ldc + j];
    }
  }
}

describe('ref gemm', () => {
  it.each(['float32', 'float64'] as const)('equals the naive triple loop bit for bit (%s)', (dtype) => {
    const rand = rng(21);
    for (const { transA, transB, m, n, k, alpha, beta, pad } of gemmCases(rand, 64, 40)) {
      const [lda, ldb, ldc] = [(transA ? m : k) + pad || 1, (transB ? k : n) + pad || 1, n + pad];
      const a = arr(dtype, (transA ? k : m) * lda).map(() => rand() - 0.5);
      const b = arr(dtype, (transB ? n : k) * ldb).map(() => rand() - 0.5);
      const c = arr(dtype, m * ldc).map(() => rand() - 0.5);
      const want = c.slice();
      naive(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, want, ldc);
      ref.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
      expect(Array.from(c)).toEqual(Array.from(want));
    }
  });

  it('equals numpy (alpha * op(a) @ op(b) + beta * c) in all transpose combinations', () => {
    expect(fixtures.gemm.length).toBeGreaterThanOrEqual(32);
    for (const f of fixtures.gemm) {
      const c = arr(f.dtype, f.c);
      const [lda, ldb] = [f.transA ? f.m : f.k, f.transB ? f.k : f.n];
      ref.gemm(
        f.transA,
        f.transB,
        f.m,
        f.n,
        f.k,
        f.alpha,
        arr(f.dtype, f.a),
        lda,
        arr(f.dtype, f.b),
        ldb,
        f.beta,
        c,
        f.n,
      );
      const tol = f.dtype === 'float32' ? 1e-5 * Math.sqrt(f.k) : 1e-12;
      for (let i = 0; i < f.m * f.n; i++) {
        const [row, col] = [Math.floor(i / f.n), i % f.n];
        let scale = Math.abs(f.beta * f.c[i]);
        for (let p = 0; p < f.k; p++) {
          const av = f.transA ? f.a[p * f.m + row] : f.a[row * f.k + p];
          const bv = f.transB ? f.b[col * f.k + p] : f.b[p * f.n + col];
          scale += Math.abs(f.alpha * av * bv);
        }
        expect(Math.abs(c[i] - f.out[i])).toBeLessThanOrEqual(tol * scale);
      }
    }
  });

  it('does not read C when beta is 0, and leaves the gaps of padded rows alone', () => {
    const c = new Float64Array([Number.NaN, Number.NaN, 7, Number.NaN, Number.NaN, 7]);
    ref.gemm(false, false, 2, 2, 1, 1, new Float64Array([1, 2]), 1, new Float64Array([3, 4]), 2, 0, c, 3);
    expect(Array.from(c)).toEqual([3, 4, 7, 6, 8, 7]);
  });

  it('gemmBiasAct is gemm, plus bias, then the activation', () => {
    const a = new Float64Array([1, -2]);
    const b = new Float64Array([1, 2, 3, 1, 1, 1]);
    const out = new Float64Array(3);
    ref.gemmBiasAct(1, 3, 2, a, 2, b, 3, new Float64Array([0, 0, 1]), out, 3, 'relu');
    expect(Array.from(out)).toEqual([0, 0, 2]);
    ref.gemmBiasAct(1, 3, 2, a, 2, b, 3, null, out, 3, 'sigmoid');
    expect(out[2]).toBeCloseTo(1 / (1 + Math.exp(-1)), 15);
  });

  it('names the argument, the needed and the actual length in its errors', () => {
    const f = new Float32Array(5);
    expect(() => ref.gemm(false, false, 2, 3, 4, 1, f, 4, f, 3, 0, f, 3)).toThrow(
      'gemm: a: needs at least 8 elements for shape (2, 4) with lda 4, got 5',
    );
    expect(() => ref.gemm(true, false, 2, 3, 4, 1, f, 1, f, 3, 0, f, 3)).toThrow(
      'gemm: lda: expected an integer >= 2',
    );
    expect(() =>
      ref.gemm(false, false, 1, 1, 1, 1, f, 1, new Float64Array(1) as unknown as Float32Array, 1, 0, f, 1),
    ).toThrow(
      'gemm: expected all Float32Array or all Float64Array, got a: Float32Array, b: Float64Array, c: Float32Array',
    );
  });
});

describe('ref elementwise kernels against the book', () => {
  it.each(fixtures.elementwise)('sigmoid and relu equal numpy ($dtype)', ({ dtype, x, sigmoid, relu }) => {
    const y = arr(dtype, x.length);
    ref.sigmoid(x.length, arr(dtype, x), y);
    const rel = dtype === 'float32' ? 1e-6 : 1e-14;
    for (let i = 0; i < x.length; i++)
      expect(Math.abs(y[i] - sigmoid[i])).toBeLessThanOrEqual(rel * sigmoid[i]);
    ref.relu(x.length, arr(dtype, x), y);
    expect(Array.from(y)).toEqual(relu);
  });

  it.each(fixtures.softmax)('softmaxCrossEntropy equals SoftmaxWithLoss ($dtype, one-hot $oneHot)', (f) => {
    const t = f.oneHot
      ? arr(f.dtype, f.m * f.n).map((_, i) => (f.labels[Math.floor(i / f.n)] === i % f.n ? 1 : 0))
      : new Int32Array(f.labels);
    const [y, dx] = [arr(f.dtype, f.m * f.n), arr(f.dtype, f.m * f.n)];
    const loss = ref.softmaxCrossEntropy(f.m, f.n, arr(f.dtype, f.x), t, y, dx);
    const rel = f.dtype === 'float32' ? 1e-6 : 1e-14;
    expect(Math.abs(loss - f.loss)).toBeLessThanOrEqual(rel * f.loss);
    for (let i = 0; i < f.m * f.n; i++) {
      expect(Math.abs(y[i] - f.y[i])).toBeLessThanOrEqual(rel * Math.abs(f.y[i]) + 1e-30);
      // y - 1 cancels: the error of y (relative to 1) carries over, so scale by the terms, not the difference
      expect(Math.abs(dx[i] - f.dx[i])).toBeLessThanOrEqual(rel * (Math.abs(f.dx[i]) + 1 / f.m));
    }
  });

  it('rejects labels out of range, naming the row', () => {
    const x = new Float64Array(6);
    expect(() => ref.softmaxCrossEntropy(2, 3, x, new Int32Array([0, 3]), x, null)).toThrow(
      'softmaxCrossEntropy: t[1]: label 3 is out of range for 3 classes',
    );
  });

  it('axpy rounds alpha to float32 first, as numpy does with a Python float', () => {
    const y = new Float32Array([1]);
    ref.axpy(1, 0.1, new Float32Array([3]), y);
    expect(y[0]).toBe(Math.fround(1 + Math.fround(Math.fround(0.1) * 3)));
  });
});
