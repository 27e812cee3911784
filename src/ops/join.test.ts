import { describe, expect, it } from 'vitest';
import { loadFixture } from '../../test/helpers/fixtures.js';
import {
  type ArrJson,
  type ErrorCase,
  expectArray,
  fixtureInputs,
  type ReduceLinalgFixtures,
} from '../../test/helpers/reduce-linalg-fixtures.js';
import { arange, full, tensor, zeros } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { concatenate, split, stack } from './join.js';

// ------------------------------------------------------------------ fixtures (numpy 2.x)
interface JoinCase {
  op: 'concatenate' | 'stack';
  tensors: string[];
  axis?: number | null;
  out?: ArrJson;
  error?: string;
}
interface SplitCase {
  x: string;
  sections: number | number[];
  axis: number;
  out?: ArrJson[];
  error?: string;
}
interface JoinError extends ErrorCase {
  axis?: number;
  sections?: number;
}
const fx = loadFixture<ReduceLinalgFixtures<JoinError> & { join: JoinCase[]; split: SplitCase[] }>(
  'reduce_linalg.json',
);
const input = fixtureInputs(fx);

describe('concatenate and stack match numpy (test/fixtures/reduce_linalg.json)', () => {
  it.each(['concatenate', 'stack'] as const)('%s: axes, mixed dtypes, views, empty pieces', (op) => {
    const cases = fx.join.filter((c) => c.op === op);
    expect(cases.length).toBeGreaterThan(5);
    for (const c of cases) {
      const ts = c.tensors.map(input);
      const label = `${op}(${c.tensors.join(', ')}, axis=${c.axis})`;
      const options = c.axis === undefined ? {} : { axis: c.axis as number };
      const r = op === 'concatenate' ? concatenate(ts, options) : stack(ts, options);
      expectArray(r, c.out!, label);
      expect(r.base).toBeNull();
      r.fill(0);
      expect(ts[0].toFlatArray()).toEqual(input(c.tensors[0]).toFlatArray()); // a copy
    }
  });

  it("numpy's error messages", () => {
    const cases = fx.errors.filter((e) => e.op === 'concatenate' || e.op === 'stack');
    expect(cases.length).toBeGreaterThan(8);
    for (const c of cases) {
      const ts = c.shapes.map((s) => zeros(s));
      const options = c.axis === undefined ? {} : { axis: c.axis };
      expect(() => (c.op === 'concatenate' ? concatenate : stack)(ts, options), JSON.stringify(c)).toThrow(
        c.message,
      );
    }
  });

  it('the message the brief quotes, and bad arguments', () => {
    expect(() => concatenate([zeros([2, 3]), zeros([2, 2])])).toThrow(
      'all the input array dimensions except for the concatenation axis must match exactly, but along dimension 1, the array at index 0 has size 3 and the array at index 1 has size 2',
    );
    expect(() => concatenate(zeros([2]) as unknown as Tensor[])).toThrow(
      'concatenate: tensors: expected an array of Tensors',
    );
    expect(() => stack([zeros([2]), [1, 2] as unknown as Tensor])).toThrow(
      'stack: tensors[1]: expected a Tensor, got object',
    );
  });

  it('axis null flattens; bool with int32 promotes to int32', () => {
    const r = concatenate([arange(4).reshape(2, 2), tensor([9])], { axis: null });
    expect(r.toArray()).toEqual([0, 1, 2, 3, 9]);
    const m = concatenate([tensor([true]), tensor([7], { dtype: 'int32' })]);
    expect(m.dtype).toBe('int32');
    expect(m.toArray()).toEqual([1, 7]);
  });

  it('is linear in the total size (many pieces)', () => {
    const pieces = Array.from({ length: 2000 }, (_, i) => full([1, 50], i));
    const r = concatenate(pieces);
    expect(r.shape).toEqual([2000, 50]);
    expect(r.get(1999, 49)).toBe(1999);
    expect(stack(pieces, { axis: 1 }).shape).toEqual([1, 2000, 50]);
  });
});

describe('split matches numpy and returns views', () => {
  it('sections, indices (negative, out of range, unsorted), axes, views of views', () => {
    expect(fx.split.length).toBeGreaterThan(8);
    for (const c of fx.split) {
      const x = input(c.x);
      const label = `split(${c.x}, ${JSON.stringify(c.sections)}, axis=${c.axis})`;
      if (c.error !== undefined) {
        expect(() => split(x, c.sections, { axis: c.axis }), label).toThrow(c.error);
        continue;
      }
      const parts = split(x, c.sections, { axis: c.axis });
      expect(parts.length, label).toBe(c.out!.length);
      parts.forEach((p, i) => {
        expectArray(p, c.out![i], `${label}[${i}]`);
        expect(p.base, label).toBe(x.base ?? x);
        expect(p.data).toBe(x.data);
      });
    }
  });

  it('writing to a piece writes to x (views, as numpy)', () => {
    const x = arange(6).reshape(2, 3);
    const [, right] = split(x, [1], { axis: 1 });
    right.fill(-1);
    expect(x.toArray()).toEqual([
      [0, -1, -1],
      [3, -1, -1],
    ]);
  });

  it("numpy's error messages and bad arguments", () => {
    for (const c of fx.errors.filter((e) => e.op === 'split')) {
      expect(() => split(zeros(c.shapes[0]), c.sections!, { axis: c.axis }), JSON.stringify(c)).toThrow(
        c.message,
      );
    }
    expect(() => split(arange(5), 2)).toThrow('array split does not result in an equal division');
    expect(() => split(arange(5), 0)).toThrow('number sections must be larger than 0.');
    expect(() => split(arange(6), 1.5)).toThrow('split: sections: expected an integer, got 1.5');
    expect(() => split(arange(6), [1, 2.5])).toThrow('split: indices[1]: expected an integer, got 2.5');
    expect(() => split(arange(6), 2, { axis: 1 })).toThrow(
      'axis 1 is out of bounds for array of dimension 1',
    );
    expect(() => split(tensor(1), 1)).toThrow('axis 0 is out of bounds for array of dimension 0');
  });
});
