import { describe, expect, it } from 'vitest';
import {
  build,
  type Case,
  checkCases,
  expectValues,
  ELEMENTWISE as FIX,
  type Spec,
} from '../../test/helpers/elementwise-fixtures.js';
import { arange, tensor } from '../tensor/create.js';
import type { Tensor, TensorLike } from '../tensor/tensor.js';
import * as U from './unary.js';

type UnaryFn = (a: TensorLike) => Tensor;
const unaryFns = U as unknown as Record<string, UnaryFn>;
const TRANSCENDENTAL = new Set(['exp', 'log', 'tanh', 'log1p', 'expm1', 'sin', 'cos']);

/**
 * Tolerances against numpy. float64: 1e-15 relative (JavaScript's Math and the C library are each
 * within 1 ulp; measured differences stay below 4.3e-16). float32: numpy's SIMD float32 exp/log/
 * expm1/log1p are not correctly rounded (numpy documents up to 2.52 ulp for exp and 3.83 for log),
 * while scratchnet rounds the float64 result once, so the two may differ by up to 4 ulps; against the
 * correctly rounded reference scratchnet must be within 1 ulp.
 */
const ulpsFor = (c: Case): number => (!TRANSCENDENTAL.has(c.op) ? 0 : c.ref ? 4 : 1);

describe('unary ops against numpy fixtures', () => {
  const byOp = new Map<string, Case[]>();
  for (const c of FIX.unary) byOp.set(c.op, [...(byOp.get(c.op) ?? []), c]);
  it('covers all 19 ops and every dtype', () => {
    expect(byOp.size).toBe(19);
    for (const [op, cases] of byOp) {
      const dtypes = new Set(
        cases.map((c) => (c.args[0] && 'dtype' in c.args[0] ? c.args[0].dtype : 'number')),
      );
      expect(dtypes.size, op).toBe(6);
    }
  });
  for (const [op, cases] of byOp) {
    it(`${op}: ${cases.length} cases`, () => {
      const fn = unaryFns[op];
      expect(typeof fn).toBe('function');
      checkCases(cases, (_, [a]) => fn(a as TensorLike), ulpsFor);
      for (const c of cases) {
        if (c.ref)
          expectValues(fn(build(c.args[0] as Spec)), c.ref, 1, `${op} float32 vs correctly rounded`, true);
      }
    });
  }
});

describe('unary ops: details', () => {
  it('round is round-half-to-even and keeps -0, also for float32', () => {
    const x = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999999999999994, -0.4, 4503599627370495.5];
    const want = [0, 2, 2, -0, -2, -2, 0, -0, 4503599627370496];
    expect(U.round(tensor(x)).toArray()).toEqual(want);
    expect(Object.is(U.round(tensor([-0.4])).get(0), -0)).toBe(true);
    expect(U.round(tensor([2.5, 3.5], { dtype: 'float32' })).toArray()).toEqual([2, 4]);
  });

  it('integer inputs: float functions give float64, the others keep the dtype and wrap', () => {
    const i = tensor([-2147483648, -3, 0, 4], { dtype: 'int32' });
    expect(U.exp(i).dtype).toBe('float64');
    expect(U.sqrt(tensor([4], { dtype: 'uint8' })).dtype).toBe('float64');
    expect(U.abs(i).toArray()).toEqual([-2147483648, 3, 0, 4]);
    expect(U.neg(i).toArray()).toEqual([-2147483648, 3, 0, -4]);
    expect(U.neg(tensor([0, 1, 255], { dtype: 'uint8' })).toArray()).toEqual([0, 255, 1]);
    expect(U.square(tensor([65536, 46341], { dtype: 'int32' })).toArray()).toEqual([0, -2147479015]);
    expect(U.floor(i).dtype).toBe('int32');
    expect(U.round(tensor([true, false])).dtype).toBe('float64');
    expect(U.floor(tensor([true, false])).dtype).toBe('bool');
  });

  it('bool neg and sign are TypeErrors with numpy messages', () => {
    expect(() => U.neg(tensor([true]))).toThrow(TypeError);
    expect(() => U.neg(tensor([true]))).toThrow(
      'The numpy boolean negative, the `-` operator, is not supported',
    );
    expect(() => U.sign(tensor([true]))).toThrow("ufunc 'sign' did not contain a loop");
  });

  it('a number is a 0-d float64 tensor', () => {
    const r = U.exp(0);
    expect(r.shape).toEqual([]);
    expect(r.dtype).toBe('float64');
    expect(r.item()).toBe(1);
  });

  it('reads strided views and returns a fresh contiguous copy', () => {
    const x = arange(12).reshape(3, 4).sub(6);
    const v = x.slice('::-1', '1::2').T;
    const r = U.abs(v);
    expect(r.toArray()).toEqual([
      [3, 1, 5],
      [5, 1, 3],
    ]);
    expect(r.base).toBeNull();
    expect(r.isContiguous).toBe(true);
    r.set(100, 0, 0);
    expect(x.get(2, 1)).toBe(3);
    const long = arange(1000).mul(0.01);
    expect(U.sin(long.reshape(10, 100).T).T.reshape(1000).toArray()).toEqual(U.sin(long).toArray());
  });

  it('names the bad argument', () => {
    expect(() => U.exp('1' as unknown as number)).toThrow(
      "exp: a: expected a Tensor or a number, got string '1'",
    );
    expect(() => U.isnan(undefined as unknown as number)).toThrow(
      'isnan: a: expected a Tensor or a number, got undefined',
    );
  });

  it('Tensor methods delegate', () => {
    const x = tensor([-1, 0.5]);
    expect(x.abs().toArray()).toEqual(U.abs(x).toArray());
    expect(x.tanh().toArray()).toEqual(U.tanh(x).toArray());
  });
});
