import { describe, expect, it } from 'vitest';
import { random } from '../random/global.js';
import { RandomState } from '../random/random-state.js';
import { Tensor } from '../tensor/tensor.js';
import { batches } from './batches.js';
import { gatherRows } from './rows.js';
import { shuffleDataset } from './shuffle.js';

const x = new Tensor(
  Float64Array.from({ length: 7 * 3 }, (_, i) => i),
  [7, 3],
);
const t = new Tensor(
  Int32Array.from({ length: 7 }, (_, i) => i * 10),
  [7],
);
const fixed = (order: number[]) => ({
  permutation: (n: number) => new Tensor(Int32Array.from(order.slice(0, n)), [n]),
});

describe('gatherRows', () => {
  it('takes rows along axis 0 into a new tensor, any dtype and ndim', () => {
    const y = gatherRows(x, [6, 0, -1]);
    expect(y.shape).toEqual([3, 3]);
    expect(y.toArray()).toEqual([
      [18, 19, 20],
      [0, 1, 2],
      [18, 19, 20],
    ]);
    expect(y.base).toBeNull();
    const img = new Tensor(
      Uint8Array.from({ length: 4 * 2 * 2 }, (_, i) => i),
      [4, 1, 2, 2],
    );
    expect(gatherRows(img, [3]).toFlatArray()).toEqual([12, 13, 14, 15]);
    expect(gatherRows(img, [3]).shape).toEqual([1, 1, 2, 2]);
    // a non-contiguous view
    expect(gatherRows(x.T, [2]).toFlatArray()).toEqual([2, 5, 8, 11, 14, 17, 20]);
    expect(() => gatherRows(x, [7])).toThrow(/index 7 is out of bounds for axis 0 with size 7/);
    expect(() => gatherRows(new Tensor(new Float64Array([1]), []), [0])).toThrow(/at least 1 dimension/);
  });
});

describe('shuffleDataset', () => {
  it('applies one permutation to x and t, as copies', () => {
    const [xs, ts] = shuffleDataset(x, t, fixed([3, 0, 6, 1, 5, 2, 4]));
    expect(ts.toFlatArray()).toEqual([30, 0, 60, 10, 50, 20, 40]);
    for (let i = 0; i < 7; i++) expect(xs.get(i, 1)).toBe((ts.get(i) / 10) * 3 + 1);
    expect(xs.base).toBeNull();
    expect(x.get(0, 0)).toBe(0);
  });

  it('uses numpy-identical permutations: RandomState(0) as np.random.RandomState(0).permutation(7)', () => {
    const perm = new RandomState(0).permutation(7).toFlatArray();
    const [, ts] = shuffleDataset(x, t, new RandomState(0));
    expect(ts.toFlatArray()).toEqual(perm.map((p) => p * 10));
    random.seed(0);
    expect(shuffleDataset(x, t)[1].toFlatArray()).toEqual(perm.map((p) => p * 10));
  });

  it('checks lengths and the permutation', () => {
    expect(() => shuffleDataset(x, t.slice('0:6'))).toThrow(
      /same length along axis 0, got shapes \(7,3\) and \(6,\)/,
    );
    expect(() => shuffleDataset(x, t, fixed([0, 0, 1, 2, 3, 4, 5]))).toThrow(/breaks a permutation/);
  });
});

describe('batches', () => {
  it('in order: views of batchSize rows, the last one smaller', () => {
    const got = [...batches(x, t, 3)];
    expect(got.map(([xb]) => xb.shape)).toEqual([
      [3, 3],
      [3, 3],
      [1, 3],
    ]);
    expect(got.map(([, tb]) => tb.toFlatArray())).toEqual([[0, 10, 20], [30, 40, 50], [60]]);
    expect(got[1][0].base).toBe(x);
    expect(got[1][0].get(0, 0)).toBe(9);
    expect([...batches(x, t, 3, { dropLast: true })]).toHaveLength(2);
    expect([...batches(x, t, 100)]).toHaveLength(1);
    expect([...batches(x.slice('0:0'), t.slice('0:0'), 2)]).toHaveLength(0);
  });

  it('shuffled: one permutation drawn at the call, rows gathered per batch', () => {
    const got = [...batches(x, t, 4, { shuffle: true, rng: fixed([6, 5, 4, 3, 2, 1, 0]) })];
    expect(got.map(([, tb]) => tb.toFlatArray())).toEqual([
      [60, 50, 40, 30],
      [20, 10, 0],
    ]);
    expect(got[0][0].slice(0).toFlatArray()).toEqual([18, 19, 20]);
    expect(got[0][0].base).toBeNull();
    // every row exactly once with a real generator
    const seen = [...batches(x, t, 2, { shuffle: true, rng: new RandomState(3) })].flatMap(([, tb]) =>
      tb.toFlatArray(),
    );
    expect(seen.sort((a, b) => a - b)).toEqual([0, 10, 20, 30, 40, 50, 60]);
    random.seed(1);
    const a = [...batches(x, t, 7, { shuffle: true })][0][1].toFlatArray();
    random.seed(1);
    expect(shuffleDataset(x, t)[1].toFlatArray()).toEqual(a);
  });

  it('checks its arguments when called', () => {
    expect(() => batches(x, t, 0)).toThrow(/batchSize: expected a positive integer, got 0/);
    expect(() => batches(x, t.slice('1:'), 2)).toThrow(/same length/);
  });
});
