import { describe, expect, it } from 'vitest';
import { loadFixture } from '../../test/helpers/fixtures.js';
import {
  type ArrJson,
  type ErrorCase,
  expectArray,
  fixtureInputs,
  type ReduceLinalgFixtures,
} from '../../test/helpers/reduce-linalg-fixtures.js';
import { arange, tensor, zeros } from '../tensor/create.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { pick, take } from './indexing.js';

// ------------------------------------------------------------------ fixtures (numpy 2.x)
type Nested = number | Nested[];
interface IndexingCase {
  op: 'take' | 'pick';
  x: string;
  axis: number | null;
  indices: Nested;
  indicesDtype?: DType;
  out?: ArrJson;
  error?: string;
}
interface TakeError extends ErrorCase {
  axis?: number;
  indices?: number | number[];
}
const fx = loadFixture<ReduceLinalgFixtures<TakeError> & { indexing: IndexingCase[] }>('reduce_linalg.json');
const input = fixtureInputs(fx);

/** The case's indices as given: a number, a plain 1-D array, or a tensor of `indicesDtype`. */
function indicesOf(c: IndexingCase): Tensor | number[] | number {
  if (c.indicesDtype) return tensor(c.indices, { dtype: c.indicesDtype });
  if (c.op === 'pick' && typeof c.indices === 'number') return tensor(c.indices, { dtype: 'int32' }); // 0-d
  if (typeof c.indices === 'number' || c.indices.every((v) => typeof v === 'number'))
    return c.indices as number[] | number;
  return tensor(c.indices, { dtype: 'int32' });
}

describe('take and pick match numpy (test/fixtures/reduce_linalg.json)', () => {
  it.each(['take', 'pick'] as const)('%s: axes, negative indices, index dtypes, views, errors', (op) => {
    const cases = fx.indexing.filter((c) => c.op === op);
    expect(cases.length).toBeGreaterThan(10);
    for (const c of cases) {
      const x = input(c.x);
      const idx = indicesOf(c);
      const label = `${op}(${c.x}, ${JSON.stringify(c.indices)}, axis=${c.axis})`;
      const run = (): Tensor =>
        op === 'take'
          ? take(x, idx, { axis: c.axis })
          : pick(x, idx as Tensor | number[], { axis: c.axis ?? undefined });
      if (c.error !== undefined) {
        expect(run, label).toThrow(c.error);
        continue;
      }
      const r = run();
      expectArray(r, c.out!, label);
      expect(r.base).toBeNull();
    }
  });

  it("numpy's error messages for take", () => {
    const cases = fx.errors.filter((e) => e.op === 'take');
    expect(cases.length).toBeGreaterThan(3);
    for (const c of cases) {
      expect(() => take(zeros(c.shapes[0]), c.indices!, { axis: c.axis }), JSON.stringify(c)).toThrow(
        c.message,
      );
    }
    expect(() => take(zeros([3]), [5])).toThrow('index 5 is out of bounds for axis 0 with size 3');
  });
});

describe("pick: the book's y[np.arange(N), t]", () => {
  const y = tensor([
    [0.1, 0.7, 0.2],
    [0.6, 0.3, 0.1],
  ]);

  it('picks one element per row, with labels as float64, int32 or a plain array', () => {
    expect(pick(y, [1, 0]).toArray()).toEqual([0.7, 0.6]);
    expect(pick(y, tensor([1, 0])).toArray()).toEqual([0.7, 0.6]);
    expect(pick(y, tensor([2, -3], { dtype: 'int32' })).toArray()).toEqual([0.2, 0.6]);
    expect(y.pick(tensor([1, 0], { dtype: 'uint8' })).toArray()).toEqual([0.7, 0.6]);
    expect(pick(y, [0, 1, 0], { axis: 0 }).toArray()).toEqual([0.1, 0.3, 0.2]);
  });

  it('reads through views', () => {
    expect(pick(y.T, [1, 0, 1]).toArray()).toEqual([0.6, 0.7, 0.1]);
    expect(pick(y.slice(':', '::-1'), [0, 0]).toArray()).toEqual([0.2, 0.1]);
  });

  it('names the argument, expected and actual shape', () => {
    expect(() => pick(y, [1, 0, 1])).toThrow(
      "pick: indices: expected shape (2,) (x's shape (2,3) without axis 1), got (3,)",
    );
    // one-hot labels need argmax first
    expect(() =>
      pick(
        y,
        tensor([
          [0, 1, 0],
          [1, 0, 0],
        ]),
      ),
    ).toThrow('expected shape (2,)');
    expect(() => pick(y, [3, 0])).toThrow('index 3 is out of bounds for axis 1 with size 3');
    expect(() => pick(y, 1 as unknown as number[])).toThrow(
      'pick: indices: expected a Tensor or an array of integers',
    );
  });
});

describe('index validation', () => {
  it('non-integer values are an error naming the value and the position', () => {
    expect(() =>
      take(
        arange(5),
        tensor([
          [0, 1],
          [2, 1.5],
        ]),
      ),
    ).toThrow('take: indices: expected integer values, got 1.5 at position [1, 1]');
    expect(() => pick(arange(6).reshape(2, 3), [0, Number.NaN])).toThrow(
      'pick: indices: expected integer values, got NaN at position [1]',
    );
    expect(() => take(arange(5), ['1'] as unknown as number[])).toThrow(
      'take: indices: expected integers, got string at position [0]',
    );
    expect(() => take(arange(5), 0.5)).toThrow('got 0.5 at position []');
    expect(() => take([1, 2] as unknown as Tensor, [0])).toThrow('take: x: expected a Tensor, got object');
  });

  it('bool index tensors count as 0/1 (numpy casts them)', () => {
    expect(take(tensor([5, 6, 7]), tensor([true, false, true])).toArray()).toEqual([6, 5, 6]);
  });

  it('take is linear: many indices into a large axis', () => {
    const x = arange(200_000).reshape(1000, 200);
    const idx = tensor(
      Array.from({ length: 50_000 }, (_, i) => (i * 7919) % 1000),
      { dtype: 'int32' },
    );
    const r = take(x, idx, { axis: 0 });
    expect(r.shape).toEqual([50_000, 200]);
    expect(r.get(49_999, 199)).toBe(((49_999 * 7919) % 1000) * 200 + 199);
    expect(take(x.T, idx).shape).toEqual([50_000]);
  });
});
