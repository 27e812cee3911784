import { describe, expect, it } from 'vitest';
import { loadFixture } from '../../test/helpers/fixtures.js';
import {
  type ArrJson,
  compare,
  type ErrorCase,
  fixtureInputs,
  type ReduceLinalgFixtures,
} from '../../test/helpers/reduce-linalg-fixtures.js';
import { arange, ones, tensor, zeros } from '../tensor/create.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  all,
  any,
  argmax,
  argmin,
  max,
  mean,
  min,
  pairwiseSum,
  pairwiseSum32,
  prod,
  type ReduceOptions,
  std,
  sum,
  variance,
} from './reduce.js';

// ------------------------------------------------------------------ fixtures (numpy 2.x)
interface ReductionCase {
  op: string;
  x: string;
  axis: number | number[] | null;
  ddof?: number;
  out?: ArrJson;
  error?: string;
}
interface ReduceError extends ErrorCase {
  axis?: number | number[];
}
const fx = loadFixture<ReduceLinalgFixtures<ReduceError> & { reductions: ReductionCase[] }>(
  'reduce_linalg.json',
);
/** A fixture input: a base array, or a view rebuilt with `.transpose(...)` / `.slice(...)`. */
const input = fixtureInputs(fx, (view) => expect(view.base).not.toBeNull());

const FLOAT_TOLERANT = new Set(['sum', 'mean', 'var', 'std', 'prod']);

function runReduction(
  op: string,
  x: Tensor,
  axis: ReductionCase['axis'],
  keepdims: boolean,
  ddof?: number,
): Tensor {
  const options: ReduceOptions = { axis, keepdims };
  switch (op) {
    case 'sum':
      return sum(x, options);
    case 'mean':
      return mean(x, options);
    case 'max':
      return max(x, options);
    case 'min':
      return min(x, options);
    case 'prod':
      return prod(x, options);
    case 'any':
      return any(x, options);
    case 'all':
      return all(x, options);
    case 'argmax':
      return argmax(x, { axis: axis as number | null, keepdims });
    case 'argmin':
      return argmin(x, { axis: axis as number | null, keepdims });
    case 'var':
      return variance(x, { ...options, ddof });
    case 'std':
      return std(x, { ...options, ddof });
  }
  throw new Error(`unknown op ${op}`);
}

const OPS = ['sum', 'mean', 'max', 'min', 'prod', 'any', 'all', 'argmax', 'argmin', 'var', 'std'];

describe('reductions match numpy (test/fixtures/reduce_linalg.json)', () => {
  it('has fixtures for every op, incl. views, NaN, empty and errors', () => {
    expect(fx.reductions.length).toBeGreaterThan(2000);
    for (const op of OPS) expect(fx.reductions.some((c) => c.op === op)).toBe(true);
    expect(fx.reductions.some((c) => c.x in fx.views)).toBe(true);
    expect(fx.reductions.some((c) => c.error !== undefined)).toBe(true);
  });

  it.each(OPS)('%s: every axis (None, single, negative, lists), keepdims both ways, dtypes, views', (op) => {
    const failures: string[] = [];
    let checked = 0;
    for (const c of fx.reductions.filter((r) => r.op === op)) {
      const label = `${op}(${c.x}, axis=${JSON.stringify(c.axis)}${c.ddof ? `, ddof=${c.ddof}` : ''})`;
      for (const keepdims of [false, true]) {
        const x = input(c.x);
        const before = x.toFlatArray();
        if (c.error !== undefined) {
          expect(() => runReduction(op, x, c.axis, keepdims, c.ddof), label).toThrow(c.error);
          continue;
        }
        const out = c.out!;
        const isFloat = out.dtype === 'float64' || out.dtype === 'float32';
        const rtol = FLOAT_TOLERANT.has(op) && isFloat ? fx.tolerance[out.dtype as 'float64' | 'float32'] : 0;
        const r = runReduction(op, x, c.axis, keepdims, c.ddof);
        const bad = compare(r, out, keepdims ? out.kshape! : out.shape, rtol);
        if (bad.length) failures.push(`${label} keepdims=${keepdims}: ${bad.slice(0, 3).join('; ')}`);
        expect(r.base).toBeNull();
        expect(x.toFlatArray()).toEqual(before);
        checked++;
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  });

  it("numpy's error messages for bad axes and empty reductions", () => {
    const cases = fx.errors.filter((e) => OPS.includes(e.op));
    expect(cases.length).toBeGreaterThan(10);
    for (const c of cases) {
      const x = zeros(c.shapes[0]);
      expect(() => runReduction(c.op, x, c.axis ?? null, false), `${c.op} ${JSON.stringify(c)}`).toThrow(
        c.message,
      );
    }
  });
});

describe('numpy bit-compatibility where it is promised', () => {
  it('C-contiguous float inputs: sum/mean/var/std/prod reproduce numpy bit for bit (pairwise summation)', () => {
    let checked = 0;
    for (const c of fx.reductions) {
      if (!FLOAT_TOLERANT.has(c.op) || !(c.x in fx.arrays) || !c.out) continue;
      if (c.out.dtype !== 'float64' && c.out.dtype !== 'float32') continue;
      const r = runReduction(c.op, input(c.x), c.axis, false, c.ddof);
      expect(compare(r, c.out, c.out.shape, 0), `${c.op}(${c.x}, axis=${JSON.stringify(c.axis)})`).toEqual(
        [],
      );
      checked++;
    }
    expect(checked).toBeGreaterThan(500);
  });

  it('pairwiseSum follows numpy blocks: < 8 sequential, <= 128 eight accumulators, else halves', () => {
    const a = Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 1e-3 + (i % 7));
    let seq = 0;
    for (const v of a) seq += v;
    expect(pairwiseSum(a, 0, 1000, 1)).toBeCloseTo(seq, 9);
    expect(pairwiseSum(a, 0, 5, 1)).toBe(a[0] + a[1] + a[2] + a[3] + a[4]);
    // strided and offset access
    expect(pairwiseSum(a, 999, 3, -2)).toBe(a[999] + a[997] + a[995]);
    const f = Float32Array.from(a);
    expect(Math.fround(pairwiseSum32(f, 0, 1000, 1))).toBe(pairwiseSum32(f, 0, 1000, 1));
  });
});

describe('dtype rules', () => {
  const cases: [DType, string, DType][] = [
    ['bool', 'sum', 'int32'],
    ['uint8', 'sum', 'int32'],
    ['int32', 'prod', 'int32'],
    ['float32', 'sum', 'float32'],
    ['float32', 'mean', 'float32'],
    ['int32', 'mean', 'float64'],
    ['bool', 'var', 'float64'],
    ['float32', 'std', 'float32'],
    ['uint8', 'max', 'uint8'],
    ['bool', 'min', 'bool'],
    ['float32', 'any', 'bool'],
    ['float64', 'argmax', 'int32'],
  ];
  it.each(cases)('%s %s -> %s', (dtype, op, expected) => {
    const x = ones([2, 3], { dtype });
    expect(runReduction(op, x, null, false).dtype).toBe(expected);
    expect(runReduction(op, x, 1, false).dtype).toBe(expected);
  });

  it('int32 sums and products wrap modulo 2**32 (numpy would use int64)', () => {
    const x = tensor([2 ** 30, 2 ** 30, 2 ** 30, 2 ** 30], { dtype: 'int32' });
    expect(sum(x).item()).toBe(0);
    expect(prod(tensor([65536, 65536, 3], { dtype: 'int32' })).item()).toBe(0);
    expect(sum(tensor([255, 255], { dtype: 'uint8' })).item()).toBe(510);
  });
});

describe('shapes and options', () => {
  const x = arange(24).reshape(2, 3, 4);

  it('full reductions are 0-d; keepdims keeps every axis as 1', () => {
    expect(sum(x).shape).toEqual([]);
    expect(sum(x).item()).toBe(276);
    expect(sum(x, { keepdims: true }).shape).toEqual([1, 1, 1]);
    expect(argmax(x, { keepdims: true }).shape).toEqual([1, 1, 1]);
    expect(argmax(x).item()).toBe(23);
  });

  it('axis lists, negative axes and an empty list', () => {
    expect(sum(x, { axis: [0, -1] }).toArray()).toEqual([60, 92, 124]);
    expect(sum(x, { axis: [-1, 0], keepdims: true }).shape).toEqual([1, 3, 1]);
    expect(mean(x, { axis: [] }).toArray()).toEqual(x.toArray());
    expect(max(x, { axis: -2 }).shape).toEqual([2, 4]);
  });

  it('Tensor methods delegate here', () => {
    expect(x.sum({ axis: 1 }).toArray()).toEqual(sum(x, { axis: 1 }).toArray());
    expect(x.var({ ddof: 1 }).item()).toBe(variance(x, { ddof: 1 }).item());
    expect(x.argmin({ axis: 0 }).toArray()).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
  });

  it('rejects bad options with named arguments', () => {
    expect(() => sum(x, { axis: 3 })).toThrow('axis 3 is out of bounds for array of dimension 3');
    expect(() => sum(x, { axis: [0, 0] })).toThrow("duplicate value in 'axis'");
    expect(() => sum(x, { axis: 1.5 })).toThrow('axis: expected an integer, got 1.5');
    expect(() => sum(x, { axis: '1' as unknown as number })).toThrow('sum: axis: expected an integer');
    expect(() => argmax(x, { axis: [0, 1] as unknown as number })).toThrow(
      'argmax: axis: expected a single integer',
    );
    expect(() => variance(x, { ddof: Number.NaN })).toThrow('var: ddof: expected a finite number, got NaN');
    expect(() => sum([1, 2] as unknown as Tensor)).toThrow('sum: x: expected a Tensor, got object');
    expect(() => sum(x, 1 as unknown as ReduceOptions)).toThrow('sum: options: expected an object');
    expect(() => sum(tensor(3), { axis: 0 })).toThrow('axis 0 is out of bounds for array of dimension 0');
  });
});

describe('semantics', () => {
  it('max/min propagate NaN; argmax/argmin return the first NaN or first extremum', () => {
    const x = tensor([1, Number.NaN, 3, Number.NaN]);
    expect(max(x).item()).toBeNaN();
    expect(min(x).item()).toBeNaN();
    expect(argmax(x).item()).toBe(1);
    expect(argmin(x).item()).toBe(1);
    expect(argmax(tensor([2, 5, 5, 1])).item()).toBe(1);
    expect(argmin(tensor([2, 1, 5, 1])).item()).toBe(1);
    expect(any(tensor([0, Number.NaN])).item()).toBe(1);
  });

  it('argmax without axis works on the flattened tensor in C order, also for views', () => {
    const x = tensor([
      [1, 9],
      [9, 2],
    ]);
    expect(argmax(x).item()).toBe(1);
    expect(argmax(x.T).item()).toBe(1); // x.T = [[1, 9], [9, 2]] too
    expect(argmax(x.slice('::-1', ':')).item()).toBe(0);
  });

  it('empty reductions: identities, NaN means, numpy errors for max/argmax', () => {
    const e = zeros([0, 3]);
    expect(sum(e).item()).toBe(0);
    expect(prod(e).item()).toBe(1);
    expect(all(e).item()).toBe(1);
    expect(any(e).item()).toBe(0);
    expect(mean(e).item()).toBeNaN();
    expect(max(e, { axis: 1 }).shape).toEqual([0]);
    expect(() => max(e)).toThrow('zero-size array to reduction operation maximum which has no identity');
    expect(() => argmin(e, { axis: 0 })).toThrow('attempt to get argmin of an empty sequence');
  });

  it('variance with ddof >= n is NaN or inf, as numpy', () => {
    expect(variance(tensor([1, 1, 1]), { ddof: 3 }).item()).toBeNaN();
    expect(variance(tensor([1, 2, 3]), { ddof: 4 }).item()).toBe(Infinity);
    expect(std(tensor([1, 2, 3, 4]), { ddof: 1 }).item()).toBeCloseTo(1.2909944487358056, 15);
  });

  it('is linear in the input size (large reductions in every layout)', () => {
    const big = arange(1_000_000).reshape(1000, 1000);
    const t0 = performance.now();
    expect(sum(big, { axis: 0 }).shape).toEqual([1000]);
    expect(sum(big.T, { axis: 0 }).shape).toEqual([1000]);
    expect(argmax(big.T, { axis: 0 }).get(999)).toBe(999);
    expect(variance(big.reshape(1000, 1000, 1), { axis: 2 }).shape).toEqual([1000, 1000]);
    expect(max(big).item()).toBe(999_999);
    expect(sum(big).item()).toBe(499_999_500_000);
    expect(performance.now() - t0).toBeLessThan(10_000);
  });
});
