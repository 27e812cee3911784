import { describe, expect, it } from 'vitest';
import { checkCases, ELEMENTWISE as FIX } from '../../test/helpers/elementwise-fixtures.js';
import { arange, tensor } from '../tensor/create.js';
import type { TensorLike } from '../tensor/tensor.js';
import { where } from './where.js';

describe('where against numpy fixtures', () => {
  it(`${FIX.where.length} cases: broadcasting, dtype pairs, scalars, views, NaN as true`, () => {
    checkCases(
      FIX.where,
      (_, [c, a, b]) => where(c as TensorLike, a as TensorLike, b as TensorLike),
      () => 0,
    );
  });
});

describe('where', () => {
  it('is ReLU with a scalar branch and returns a copy', () => {
    const x = arange(6).reshape(2, 3).sub(2);
    const r = where(x.greater(0), x, 0);
    expect(r.toArray()).toEqual([
      [0, 0, 0],
      [1, 2, 3],
    ]);
    expect(r.base).toBeNull();
    r.set(9, 1, 1);
    expect(x.get(1, 1)).toBe(2);
  });

  it('two number branches give float64; an integer scalar must fit the result dtype', () => {
    expect(where(tensor([true, false]), 1, 0).dtype).toBe('float64');
    const i = tensor([1, 2], { dtype: 'int32' });
    expect(() => where(tensor([true, false]), i, 3e9)).toThrow(
      'where: b: integer 3000000000 out of bounds for int32',
    );
  });

  it('names bad arguments', () => {
    expect(() => where(tensor([true]), 1, undefined as unknown as number)).toThrow(
      'where: b: expected a Tensor or a number, got undefined',
    );
    expect(() => where('x' as unknown as number, 1, 2)).toThrow(
      "where: cond: expected a Tensor or a number, got string 'x'",
    );
  });
});
