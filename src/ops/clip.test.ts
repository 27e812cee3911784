import { describe, expect, it } from 'vitest';
import { checkCases, ELEMENTWISE as FIX } from '../../test/helpers/elementwise-fixtures.js';
import { arange, tensor, zeros } from '../tensor/create.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { clip, clipInPlace } from './clip.js';

describe('clip against numpy fixtures', () => {
  it(`${FIX.clip.length} cases: NaN, min > max, null bounds, broadcasting bounds, views, dtypes`, () => {
    checkCases(
      FIX.clip,
      (_, [a, lo, hi]) => clip(a as TensorLike, lo, hi),
      () => 0,
    );
  });
});

describe('clip', () => {
  it('returns a copy; the Tensor method delegates', () => {
    const x = tensor([-2, 0.5, 3]);
    const r = x.clip(0, 1);
    expect(r.toArray()).toEqual([0, 0.5, 1]);
    expect(r.base).toBeNull();
    expect(x.toArray()).toEqual([-2, 0.5, 3]);
  });

  it('names bad arguments', () => {
    expect(() => clip(tensor([1]), '0' as unknown as number, 1)).toThrow(
      "clip: min: expected a Tensor or a number, got string '0'",
    );
    expect(() => clip([1] as unknown as number, 0, 1)).toThrow(
      'clip: a: expected a Tensor or a number, got an Array',
    );
    expect(() => clipInPlace(1 as unknown as Tensor, 0, 1)).toThrow(
      'clipInPlace: target: expected a Tensor, got number 1',
    );
  });
});

describe('clipInPlace', () => {
  it('writes through a view into its base', () => {
    const W = arange(12).reshape(3, 4).sub(6);
    expect(clipInPlace(W.slice(':', '::-2'), -1, 2)).toBeInstanceOf(Tensor);
    expect(W.toArray()).toEqual([
      [-6, -1, -4, -1],
      [-2, -1, 0, 1],
      [2, 2, 4, 2],
    ]);
  });

  it('broadcasts bounds to the target, reads overlapping bounds before writing', () => {
    const x = tensor([
      [5, -5, 0],
      [1, 2, 3],
    ]);
    clipInPlace(x, tensor([[0], [2]]), null);
    expect(x.toArray()).toEqual([
      [5, 0, 0],
      [2, 2, 3],
    ]);
    const y = tensor([3, 1, 2, 0]);
    clipInPlace(y, null, y.slice('::-1')); // y = minimum(y, y[::-1]) with the old values
    expect(y.toArray()).toEqual([0, 1, 1, 0]);
  });

  it('keeps float32 targets float32 and refuses float bounds on integer targets (same_kind)', () => {
    const f = tensor([0, 0.5, 2], { dtype: 'float32' });
    clipInPlace(f, 0.1, 1);
    expect(f.toArray()).toEqual([Math.fround(0.1), 0.5, 1]);
    const i = zeros([2], { dtype: 'int32' });
    expect(() => clipInPlace(i, 0.5, 1)).toThrow(
      "Cannot cast ufunc 'clip' output from dtype('float64') to dtype('int32') with casting rule 'same_kind'",
    );
    expect(() => clipInPlace(i, 0.5, null)).toThrow(
      "Cannot cast ufunc 'maximum' output from dtype('float64')",
    );
    const u = tensor([0, 100, 255], { dtype: 'uint8' });
    clipInPlace(u, 50, 300);
    expect(u.toArray()).toEqual([50, 100, 255]);
  });

  it('checks the output shape and refuses broadcast targets', () => {
    expect(() => clipInPlace(zeros([3]), zeros([2, 3]), 1)).toThrow(
      "non-broadcastable output operand with shape (3,) doesn't match the broadcast shape (2,3)",
    );
    expect(() => clipInPlace(zeros([3]).broadcastTo([2, 3]), 0, 1)).toThrow('output array is read-only');
    const z = zeros([2]);
    expect(clipInPlace(z, null, null)).toBe(z);
  });
});
