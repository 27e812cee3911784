import { describe, expect, it } from 'vitest';
import { random } from '../random/global.js';
import { RandomState } from '../random/random-state.js';
import { ones } from '../tensor/create.js';
import { Dropout } from './dropout.js';

describe('Dropout', () => {
  it("'book' mode: train multiplies by the 0/1 mask rand > ratio, test by (1 - ratio)", () => {
    const drop = new Dropout(0.3, { rng: new RandomState(0) });
    const x = ones([100, 50]);
    const y = drop.forward(x);
    const u = new RandomState(0).rand(100, 50);
    expect(y.toFlatArray()).toEqual(u.toFlatArray().map((v) => (v > 0.3 ? 1 : 0)));
    const kept = y.sum().item() / 5000;
    expect(kept).toBeGreaterThan(0.65);
    expect(kept).toBeLessThan(0.75);
    expect(drop.backward(ones([100, 50]).mul(2)).toFlatArray()).toEqual(y.mul(2).toFlatArray());
    expect(
      drop
        .forward(x, false)
        .toFlatArray()
        .every((v) => v === 0.7),
    ).toBe(true);
    expect(
      drop
        .backward(ones([100, 50]))
        .toFlatArray()
        .every((v) => v === 0.7),
    ).toBe(true);
  });

  it("'inverted' mode: train scales kept units by 1/(1 - ratio), test is the identity", () => {
    const drop = new Dropout(0.5, { mode: 'inverted', rng: new RandomState(1) });
    const x = ones([10, 10]);
    const y = drop.forward(x, true).toFlatArray();
    expect(new Set(y)).toEqual(new Set([0, 2]));
    expect(
      drop
        .forward(x, false)
        .toFlatArray()
        .every((v) => v === 1),
    ).toBe(true);
  });

  it('uses the global random by default (numpy np.random.rand)', () => {
    random.seed(3);
    const a = new Dropout(0.5).forward(ones([4, 4]));
    random.seed(3);
    const b = new Dropout(0.5).forward(ones([4, 4]));
    expect(a.toFlatArray()).toEqual(b.toFlatArray());
  });

  it('reuseMask keeps the mask between training forwards', () => {
    const drop = new Dropout(0.5, { rng: new RandomState(2) });
    const x = ones([6, 6]);
    const first = drop.forward(x).toFlatArray();
    drop.reuseMask = true;
    expect(drop.forward(x).toFlatArray()).toEqual(first);
    drop.reuseMask = false;
    expect(drop.forward(x).toFlatArray()).not.toEqual(first);
  });

  it('keeps float32', () => {
    const drop = new Dropout(0.5, { rng: new RandomState(2) });
    expect(drop.forward(ones([3, 3], { dtype: 'float32' })).dtype).toBe('float32');
    expect(drop.forward(ones([3, 3], { dtype: 'float32' }), false).dtype).toBe('float32');
  });

  it('rejects bad ratios and modes, and dout of the wrong shape', () => {
    expect(() => new Dropout(1)).toThrow('Dropout: dropoutRatio: expected a number in [0, 1), got 1');
    expect(() => new Dropout(-0.1)).toThrow('Dropout: dropoutRatio');
    expect(() => new Dropout(0.5, { mode: 'fast' as 'book' })).toThrow(
      "Dropout: mode: expected 'book' or 'inverted', got fast",
    );
    const drop = new Dropout(0.5, { rng: new RandomState(0) });
    expect(() => drop.backward(ones([2]))).toThrow('Dropout.backward: called before forward');
    drop.forward(ones([2, 3]));
    expect(() => drop.backward(ones([3, 2]))).toThrow('Dropout.backward: dout: expected shape (2,3)');
  });
});
