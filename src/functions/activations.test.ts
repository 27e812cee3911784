import { describe, expect, it } from 'vitest';
import { decode, type EncodedArray, loadFixture, maxRelError } from '../../test/helpers/fixtures.js';
import { tensor } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import * as activations from './activations.js';

const byName: Record<string, (x: Tensor) => Tensor> = {
  sigmoid: activations.sigmoid,
  sigmoidGrad: activations.sigmoidGrad,
  relu: activations.relu,
  reluGrad: activations.reluGrad,
  stepFunction: activations.stepFunction,
  identityFunction: activations.identityFunction,
};

const fx = loadFixture<{
  elementwise: { fn: string; x: EncodedArray; y: EncodedArray }[];
  softmax: { x: EncodedArray; y: EncodedArray }[];
}>('functions.json');

describe('activations match the book (numpy)', () => {
  it.each(fx.elementwise.map((c) => [c.fn, c.x.shape.join('x'), c] as const))('%s on %s', (_, __, c) => {
    const fn = byName[c.fn];
    const y = fn(decode(c.x));
    expect(y.shape).toEqual(c.y.shape);
    expect(maxRelError(y.toFlatArray(), decode(c.y).toFlatArray())).toBeLessThan(1e-15);
  });

  it('sigmoid gives 0, not NaN, for large negative inputs, in float64 and float32', () => {
    expect(activations.sigmoid(tensor([-1e4, -800])).toFlatArray()).toEqual([0, 0]);
    expect(activations.sigmoid(tensor([-1e4], { dtype: 'float32' })).toFlatArray()).toEqual([0]);
    expect(activations.sigmoidGrad(tensor([-1e4, 1e4])).toFlatArray()).toEqual([0, 0]);
  });

  it('keeps float32 as float32 and makes integers float64', () => {
    expect(activations.sigmoid(tensor([1], { dtype: 'float32' })).dtype).toBe('float32');
    expect(activations.sigmoid(tensor([1], { dtype: 'int32' })).dtype).toBe('float64');
    expect(activations.stepFunction(tensor([-1, 2])).dtype).toBe('int32');
  });

  it('works on strided views', () => {
    const x = tensor([
      [1, -2, 3],
      [-4, 5, -6],
    ]);
    expect(activations.relu(x.T).toArray()).toEqual([
      [1, 0],
      [0, 5],
      [3, 0],
    ]);
  });
});

describe('softmax', () => {
  it.each(fx.softmax.map((c) => [c.x.shape.join('x'), c] as const))('matches numpy on %s', (_, c) => {
    const y = activations.softmax(decode(c.x));
    expect(maxRelError(y.toFlatArray(), decode(c.y).toFlatArray())).toBeLessThan(1e-15);
  });

  it('is stable for large inputs and each row sums to 1', () => {
    const y = activations.softmax(
      tensor([
        [1000, 1001, 1002],
        [-1000, 0, 1000],
      ]),
    );
    expect(y.toFlatArray().every(Number.isFinite)).toBe(true);
    const sums = y.sum({ axis: -1 }).toFlatArray();
    for (const s of sums) expect(s).toBeCloseTo(1, 15);
  });

  it('refuses a 0-d input', () => {
    expect(() => activations.softmax(tensor(3))).toThrow(/softmax: x: expected at least 1 dimension/);
  });
});
