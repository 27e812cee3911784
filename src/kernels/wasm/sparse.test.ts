/**
 * The GEMM's sparse path (asm/gemm.ts: a mostly-zero A has its zeros skipped) gives the dense
 * path's results bit for bit: random sparse A (with NaN, ±0 and infinities among the non-zeros),
 * both layouts of A it handles, float32 and float64, sizes around the SIMD width and the chunks,
 * fused bias and activation; and it steps aside where it could not (non-finite B, dense A, alpha,
 * beta, a transposed B, k beyond one depth block).
 */
import { describe, expect, it } from 'vitest';
import { rng } from '../../../test/kernels-helpers.js';
import type { Activation, FloatArray } from '../types.js';
import { WasmKernels } from './kernels.js';

type Dtype = 'float32' | 'float64';

const sparse = new WasmKernels({ relaxed: false, shared: true, sparse: true });
const dense = new WasmKernels({ relaxed: false, shared: true, sparse: false });

function array(dtype: Dtype, n: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
}

/** A (rows x cols) matrix with the given fraction of non-zeros (some NaN, inf, -0 when `specials`). */
function sparseMatrix(
  dtype: Dtype,
  rows: number,
  cols: number,
  density: number,
  rand: () => number,
  specials = false,
): FloatArray {
  const a = array(dtype, rows * cols);
  for (let i = 0; i < a.length; i++) {
    const u = rand();
    if (u < density) a[i] = 2 * rand() - 1;
    else a[i] = u < density + 0.05 ? -0 : 0;
  }
  if (specials && a.length > 8) {
    // far from the first row, so that the quick look still sees a sparse row
    a[a.length - 1] = Number.NaN;
    a[a.length - 3] = Number.POSITIVE_INFINITY;
    a[a.length - 5] = Number.NEGATIVE_INFINITY;
  }
  return a;
}

function denseMatrix(dtype: Dtype, n: number, rand: () => number): FloatArray {
  const a = array(dtype, n);
  for (let i = 0; i < n; i++) a[i] = 2 * rand() - 1;
  return a;
}

/** Indices where the two results differ (NaN equals NaN, -0 differs from +0). */
function differences(x: FloatArray, y: FloatArray): number[] {
  const out: number[] = [];
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) out.push(i);
  return out;
}

interface Case {
  transA: boolean;
  m: number;
  n: number;
  k: number;
  density: number;
  act?: Activation;
  bias?: boolean;
  specials?: boolean;
}

/** Runs one product on both kernels; returns [sparse path taken, differing indices]. */
function run(dtype: Dtype, c: Case, seed: number, b?: FloatArray): [boolean, number[]] {
  const rand = rng(seed);
  const a = sparseMatrix(dtype, c.transA ? c.k : c.m, c.transA ? c.m : c.k, c.density, rand, c.specials);
  const bb = b ?? denseMatrix(dtype, c.k * c.n, rand);
  const bias = c.bias ? denseMatrix(dtype, c.n, rand) : null;
  const lda = c.transA ? c.m : c.k;
  const out = [array(dtype, c.m * c.n).fill(Number.NaN), array(dtype, c.m * c.n).fill(Number.NaN)];
  const before = sparse.sparseProducts;
  [sparse, dense].forEach((k, i) => {
    if (c.act !== undefined || bias !== null) {
      k.gemmBiasAct(c.m, c.n, c.k, a, lda, bb, c.n, bias, out[i], c.n, c.act ?? 'identity');
    } else {
      k.gemm(c.transA, false, c.m, c.n, c.k, 1, a, lda, bb, c.n, 0, out[i], c.n);
    }
  });
  return [sparse.sparseProducts > before, differences(out[0], out[1])];
}

describe.each(['float32', 'float64'] as const)('sparse GEMM path, %s', (dtype) => {
  it('equals the dense path bit for bit, A as is and transposed, on sizes around the vectors and chunks', () => {
    const failures: string[] = [];
    const skipped: string[] = [];
    let count = 0;
    for (const transA of [false, true]) {
      for (const n of [4, 5, 7, 8, 12, 13, 20, 23, 24, 25, 50, 52, 100]) {
        for (const [m, k] of [
          [100, 784],
          [33, 257],
          [7, 1024],
          [130, 99],
        ]) {
          const c: Case = { transA, m, n, k, density: 0.05 + 0.25 * ((n + m) % 5) * 0.25 };
          const [took, diff] = run(dtype, c, count++);
          // products below 65536 multiply-adds stay dense
          if (took !== m * n * k >= 65536) skipped.push(JSON.stringify(c));
          if (diff.length > 0) failures.push(`${JSON.stringify(c)}: ${diff.length} elements differ`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(skipped).toEqual([]);
  });

  it('NaN, infinities and -0 in A; fused bias with identity, relu and sigmoid', () => {
    const failures: string[] = [];
    let seed = 100;
    for (const act of ['identity', 'relu', 'sigmoid'] as const) {
      for (const specials of [false, true]) {
        const c: Case = { transA: false, m: 100, n: 50, k: 784, density: 0.19, act, bias: true, specials };
        const [took, diff] = run(dtype, c, seed++);
        expect(took).toBe(true);
        if (diff.length > 0) failures.push(`${JSON.stringify(c)}: ${diff.length} elements differ`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('steps aside (dense path, same results) when B is not finite: 0 * inf must still give NaN', () => {
    const rand = rng(7);
    for (const bad of [Number.POSITIVE_INFINITY, Number.NaN]) {
      for (const transA of [false, true]) {
        const b = denseMatrix(dtype, 784 * 50, rand);
        b[123 * 50 + 7] = bad;
        const [took, diff] = run(dtype, { transA, m: 100, n: 50, k: 784, density: 0.1 }, 9, b);
        expect(took).toBe(false);
        expect(diff).toEqual([]);
      }
    }
  });

  it('steps aside for dense A (at the first row, or later) and keeps the results', () => {
    for (const density of [0.9, 0.6]) {
      const [took, diff] = run(dtype, { transA: false, m: 100, n: 50, k: 784, density }, 11);
      expect(took).toBe(false);
      expect(diff).toEqual([]);
    }
    // a sparse first row, dense below: abandoned while compressing
    const rand = rng(12);
    const a = sparseMatrix(dtype, 100, 784, 0.8, rand);
    for (let j = 0; j < 784; j++) a[j] = j % 10 === 0 ? 1 : 0;
    const b = denseMatrix(dtype, 784 * 50, rand);
    const out = [array(dtype, 5000), array(dtype, 5000)];
    const before = sparse.sparseProducts;
    sparse.gemm(false, false, 100, 50, 784, 1, a, 784, b, 50, 0, out[0], 50);
    dense.gemm(false, false, 100, 50, 784, 1, a, 784, b, 50, 0, out[1], 50);
    expect(sparse.sparseProducts).toBe(before);
    expect(differences(out[0], out[1])).toEqual([]);
  });

  it('is not used for alpha != 1, beta != 0, transposed B, k > 1024 or tiny products', () => {
    const rand = rng(13);
    const a = sparseMatrix(dtype, 40, 1100, 0.1, rand);
    const b = denseMatrix(dtype, 1100 * 40, rand);
    const c = array(dtype, 1600);
    const before = sparse.sparseProducts;
    sparse.gemm(false, false, 40, 40, 1100, 1, a, 1100, b, 40, 0, c, 40); // k > 1024
    sparse.gemm(false, false, 40, 40, 1000, 2, a, 1100, b, 40, 0, c, 40); // alpha
    sparse.gemm(false, false, 40, 40, 1000, 1, a, 1100, b, 40, 1, c, 40); // beta
    sparse.gemm(false, true, 40, 40, 1000, 1, a, 1100, b, 1000, 0, c, 40); // transposed B
    sparse.gemm(false, false, 4, 4, 4, 1, a, 1100, b, 4, 0, c, 4); // tiny
    expect(sparse.sparseProducts).toBe(before);
  });
});

describe.each(['float32', 'float64'] as const)('reuse of the compressed A, %s', (dtype) => {
  /** A training step's three products on resident arrays: x · W, xᵀ · dz, x · W again. */
  function setup(seed: number) {
    const rand = rng(seed);
    const x = sparse.alloc(dtype, 100 * 784) as FloatArray;
    x.set(sparseMatrix(dtype, 100, 784, 0.19, rand));
    const w = denseMatrix(dtype, 784 * 50, rand);
    const dz = denseMatrix(dtype, 100 * 50, rand);
    const products = (k: WasmKernels, xa: FloatArray): FloatArray[] => {
      const out = [array(dtype, 5000), array(dtype, 784 * 50), array(dtype, 5000)];
      k.gemm(false, false, 100, 50, 784, 1, xa, 784, w, 50, 0, out[0], 50);
      k.gemm(true, false, 784, 50, 100, 1, xa, 784, dz, 50, 0, out[1], 50);
      k.gemm(false, false, 100, 50, 784, 1, xa, 784, w, 50, 0, out[2], 50);
      return out;
    };
    /** The three products on the sparse kernels (with the reuses they made) and on the dense ones. */
    const check = (): number => {
      const before = sparse.sparseReuses;
      const got = products(sparse, x);
      const reuses = sparse.sparseReuses - before;
      const want = products(dense, x);
      got.forEach((g, i) => {
        expect(differences(g, want[i]), `product ${i}`).toEqual([]);
      });
      return reuses;
    };
    return { x, check };
  }

  it('compresses a batch once for the three products of a training step, with the dense bits', () => {
    const { x, check } = setup(21);
    expect(check()).toBe(2); // the backward product and the second forward one
    expect(check()).toBe(3); // the same batch again: nothing to compress
    sparse.free(x);
  });

  it('sees any change to A, however small, and compresses again', () => {
    const { x, check } = setup(22);
    check();
    const edits: [string, (a: FloatArray) => void][] = [
      ['a zero made non-zero', (a) => (a[5 * 784 + 3] = a[5 * 784 + 3] === 0 ? 0.5 : a[5 * 784 + 3])],
      ['a value changed in its last bit', (a) => (a[a.findIndex((v) => v !== 0)] *= 1 + 2 ** -20)],
      ['a non-zero made zero', (a) => (a[a.findIndex((v) => v !== 0)] = 0)],
      ['+0 made -0', (a) => (a[a.findIndex((v) => Object.is(v, 0))] = -0)],
      ['the last element', (a) => (a[a.length - 1] = 3)],
    ];
    for (const [what, edit] of edits) {
      edit(x);
      // the first product must compress again (the next two reuse it), and all equal the dense bits
      expect(check(), what).toBe(2);
    }
    sparse.free(x);
  });

  it('does not reuse across a different shape or leading dimension of the same memory', () => {
    const { x, check } = setup(23);
    check();
    const rand = rng(24);
    const w = denseMatrix(dtype, 392 * 50, rand);
    const got = array(dtype, 200 * 50);
    const want = array(dtype, 200 * 50);
    const before = sparse.sparseReuses;
    // the same bytes read as (200, 392), and as (100, 392) rows with leading dimension 784
    sparse.gemm(false, false, 200, 50, 392, 1, x, 392, w, 50, 0, got, 50);
    dense.gemm(false, false, 200, 50, 392, 1, x, 392, w, 50, 0, want, 50);
    expect(differences(got, want)).toEqual([]);
    sparse.gemm(false, false, 100, 50, 392, 1, x, 784, w, 50, 0, got, 50);
    dense.gemm(false, false, 100, 50, 392, 1, x, 784, w, 50, 0, want, 50);
    expect(differences(got, want)).toEqual([]);
    expect(sparse.sparseReuses).toBe(before);
    sparse.free(x);
  });
});
