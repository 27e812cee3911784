import { describe, expect, it } from 'vitest';
import { loadFixture } from '../../test/helpers/fixtures.js';
import {
  type ArrJson,
  compare,
  fixtureInputs,
  type ReduceLinalgFixtures,
} from '../../test/helpers/reduce-linalg-fixtures.js';
import { arange, ones, tensor, zeros } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { dot, gemm, gemmInt, matmul } from './matmul.js';

// ------------------------------------------------------------------ fixtures (numpy 2.x)
interface LinalgCase {
  op: 'dot' | 'matmul';
  a: string;
  b: string;
  out?: ArrJson;
  error?: string;
}
const fx = loadFixture<ReduceLinalgFixtures & { linalg: LinalgCase[] }>('reduce_linalg.json');
const input = fixtureInputs(fx);

/** The textbook triple loop, in float64: the reference for gemm. */
function naive(m: number, n: number, k: number, a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
      c[i * n + j] = s;
    }
  return c;
}

/** Deterministic pseudo-random values in [-1, 1). */
function noise(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  return Float64Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

describe('dot and matmul match numpy (test/fixtures/reduce_linalg.json)', () => {
  it.each(['dot', 'matmul'] as const)(
    '%s: every rank combination, batching, dtypes, transposed inputs',
    (op) => {
      const cases = fx.linalg.filter((c) => c.op === op);
      expect(cases.length).toBeGreaterThan(25);
      const failures: string[] = [];
      for (const c of cases) {
        const a = input(c.a);
        const b = input(c.b);
        const [a0, b0] = [a.toFlatArray(), b.toFlatArray()];
        if (c.error !== undefined) {
          expect(() => (op === 'dot' ? dot : matmul)(a, b)).toThrow(c.error);
          continue;
        }
        const r = (op === 'dot' ? dot : matmul)(a, b);
        const out = c.out!;
        const rtol = out.dtype === 'float64' || out.dtype === 'float32' ? fx.tolerance[out.dtype] : 0;
        const bad = compare(r, out, out.shape, rtol);
        if (bad.length) failures.push(`${op}(${c.a}, ${c.b}): ${bad.slice(0, 3).join('; ')}`);
        expect(r.base).toBeNull();
        expect(a.toFlatArray()).toEqual(a0);
        expect(b.toFlatArray()).toEqual(b0);
      }
      expect(failures).toEqual([]);
    },
  );

  it("throws numpy's error messages", () => {
    const cases = fx.errors.filter((e) => e.op === 'dot' || e.op === 'matmul');
    expect(cases.length).toBeGreaterThan(10);
    for (const c of cases) {
      const [a, b] = c.shapes.map((s) => zeros(s));
      expect(() => (c.op === 'dot' ? dot : matmul)(a, b), JSON.stringify(c)).toThrow(c.message);
    }
  });

  it('the messages the brief quotes', () => {
    expect(() => dot(zeros([2]), zeros([3, 3]))).toThrow(
      'shapes (2,) and (3,3) not aligned: 2 (dim 0) != 3 (dim 0)',
    );
    expect(() => matmul(zeros([2, 2]), zeros([3, 3]))).toThrow(
      'matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size 3 is different from 2)',
    );
    expect(() => dot(zeros([2]), [1, 2] as unknown as Tensor)).toThrow(
      'dot: b: expected a Tensor, got object',
    );
  });
});

describe('shapes and dtypes', () => {
  it('follows the shape rules of the docs', () => {
    expect(dot(ones([3]), ones([3])).shape).toEqual([]);
    expect(dot(ones([3]), ones([3])).item()).toBe(3);
    expect(dot(ones([2, 3, 4]), ones([5, 4, 6])).shape).toEqual([2, 3, 5, 6]);
    expect(dot(ones([4]), ones([5, 4, 6])).shape).toEqual([5, 6]);
    expect(matmul(ones([5, 1, 2, 3]), ones([4, 3, 6])).shape).toEqual([5, 4, 2, 6]);
    expect(matmul(ones([3]), ones([2, 3, 4])).shape).toEqual([2, 4]);
    expect(matmul(ones([2, 3, 4]), ones([4])).shape).toEqual([2, 3]);
    expect(dot(tensor(2), arange(3)).toArray()).toEqual([0, 2, 4]);
  });

  it('int32 @ int32 stays int32 and wraps; bool @ bool is logical', () => {
    const a = tensor([[65536, 1]], { dtype: 'int32' });
    const b = tensor([[65536], [5]], { dtype: 'int32' });
    const r = matmul(a, b);
    expect(r.dtype).toBe('int32');
    expect(r.toArray()).toEqual([[5]]);
    const t = tensor([[true, false]]);
    expect(matmul(t, tensor([[false], [true]])).toArray()).toEqual([[false]]);
    expect(dot(t, tensor([[true], [true]])).toArray()).toEqual([[true]]);
    expect(matmul(ones([2, 2], { dtype: 'int32' }), ones([2, 2], { dtype: 'float32' })).dtype).toBe(
      'float64',
    );
  });

  it('Tensor methods delegate here', () => {
    const x = arange(6).reshape(2, 3);
    expect(x.dot(x.T).toArray()).toEqual([
      [5, 14],
      [14, 50],
    ]);
    expect(x.T.matmul(x).shape).toEqual([3, 3]);
  });
});

describe('gemm kernels', () => {
  it.each([
    [1, 1, 1],
    [3, 5, 7],
    [9, 300, 130],
    [17, 257, 65],
    [4, 1, 200],
    [1, 513, 3],
    [5, 2, 9],
    [6, 3, 4],
    [8, 8, 0],
  ])('gemm (%i x %i, k = %i) equals the naive product, float64 and float32, with offsets', (m, n, k) => {
    const a = noise(m * k + 3, m);
    const b = noise(k * n + 5, n);
    const ref = naive(m, n, k, a.subarray(3), b.subarray(5));
    const c = new Float64Array(m * n + 2).fill(Number.NaN);
    gemm(m, n, k, a, 3, b, 5, c, 2);
    for (let i = 0; i < m * n; i++) expect(Math.abs(c[i + 2] - ref[i])).toBeLessThan(1e-12);
    expect(c[0]).toBeNaN();
    const c32 = new Float32Array(m * n);
    gemm(m, n, k, Float32Array.from(a.subarray(3)), 0, Float32Array.from(b.subarray(5)), 0, c32, 0);
    const ref32 = naive(m, n, k, Float32Array.from(a.subarray(3)), Float32Array.from(b.subarray(5)));
    for (let i = 0; i < m * n; i++) expect(c32[i]).toBe(Math.fround(ref32[i]));
  });

  it('gemmInt wraps like int32', () => {
    const c = new Int32Array(1);
    gemmInt(1, 1, 2, new Int32Array([2 ** 20, 3]), 0, new Int32Array([2 ** 12, 4]), 0, c, 0);
    expect(c[0]).toBe(12);
  });

  it('is fast enough for training-sized products (256 x 256 float64 well under a second)', () => {
    const a = new Tensor(noise(256 * 256, 1), [256, 256]);
    const b = new Tensor(noise(256 * 256, 2), [256, 256]);
    matmul(a, b);
    const t0 = performance.now();
    const r = matmul(a, b.T);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(r.get(3, 7)).toBeCloseTo(
      naive(1, 1, 256, a.slice(3).toFlatArray(), b.slice(7).toFlatArray())[0],
      10,
    );
  });
});
