import { describe, expect, it } from 'vitest';
import {
  applyView,
  build,
  type Case,
  describeSpec,
  expectValues,
  ELEMENTWISE as FIX,
  numpyMessage,
  type Spec,
} from '../../test/helpers/elementwise-fixtures.js';
import { decodeTyped } from '../../test/helpers/fixtures.js';
import { arange, tensor, zeros } from '../tensor/create.js';
import type { Tensor, TensorLike } from '../tensor/tensor.js';
import * as B from './binary.js';

type BinaryFn = (a: TensorLike, b: TensorLike) => Tensor;
type InPlaceFn = (t: Tensor, b: TensorLike) => Tensor;
const binaryFns = B as unknown as Record<string, BinaryFn>;
const inPlaceFns = B as unknown as Record<string, InPlaceFn>;

describe('binary ops against numpy fixtures', () => {
  const byOp = new Map<string, Case<Spec>[]>();
  for (const c of FIX.binary) byOp.set(c.op, [...(byOp.get(c.op) ?? []), c]);
  for (const [op, cases] of byOp) {
    it(`${op}: ${cases.length} cases (broadcasting, dtype pairs, scalars, views, NaN/inf, wrap-around)`, () => {
      const fn = binaryFns[op];
      expect(typeof fn).toBe('function');
      for (const c of cases) {
        const label = `${op}(${c.args.map(describeSpec).join(', ')})`;
        const [a, b] = c.args.map(build);
        if ('error' in c.out) {
          expect(() => fn(a, b), label).toThrow(numpyMessage(c.out.error));
          continue;
        }
        const r = fn(a, b);
        expect(r.base, `${label}: a copy`).toBeNull();
        expect(r.isContiguous, `${label}: contiguous`).toBe(true);
        expectValues(
          r,
          c.out,
          op === 'pow' && (r.dtype === 'float32' || r.dtype === 'float64') ? 1 : 0,
          label,
        );
      }
    });
  }

  it('covers every op, every dtype pair and every rank pair 0-D..4-D', () => {
    expect(new Set(FIX.binary.map((c) => c.op))).toEqual(
      new Set([
        'add',
        'sub',
        'mul',
        'div',
        'pow',
        'floorDivide',
        'mod',
        'maximum',
        'minimum',
        'equal',
        'notEqual',
        'less',
        'lessEqual',
        'greater',
        'greaterEqual',
        'logicalAnd',
        'logicalOr',
      ]),
    );
    const ranks = new Set<string>();
    const dtypes = new Set<string>();
    for (const c of FIX.binary) {
      const [a, b] = c.args;
      if ('shape' in a && 'shape' in b) {
        ranks.add(`${a.shape.length}-${b.shape.length}`);
        dtypes.add(`${a.dtype}-${b.dtype}`);
      }
    }
    for (let i = 0; i <= 4; i++)
      for (let j = 0; j <= 4; j++) expect(ranks.has(`${i}-${j}`), `${i}-${j}`).toBe(true);
    expect(dtypes.size).toBe(25);
  });
});

describe('in-place ops against numpy fixtures (writes land in the base)', () => {
  for (const c of FIX.inPlace) {
    it(`${c.op} into ${describeSpec(c.target)}${c.note ? ` (${c.note})` : ''}`, () => {
      const owner = decodeTyped(c.target);
      const before = owner.toFlatArray();
      const target = applyView(owner, c.target.view);
      const b = 'sameBase' in c.b ? applyView(owner, c.b.view) : build(c.b);
      const fn = inPlaceFns[c.op];
      if ('error' in c.base) {
        expect(() => fn(target, b)).toThrow(numpyMessage(c.base.error));
        expect(owner.toFlatArray(), 'nothing written on error').toEqual(before);
        return;
      }
      expect(fn(target, b)).toBe(target);
      expectValues(owner, c.base, 0, c.op);
    });
  }
});

// ------------------------------------------------------------------ behaviour not covered by fixtures

describe('views, copies and overlap', () => {
  it('W.slice(0).subInPlace(1) changes W, while W.flatten() would not', () => {
    const W = arange(6).reshape(2, 3);
    W.slice(0).subInPlace(1);
    expect(W.toArray()).toEqual([
      [-1, 0, 1],
      [3, 4, 5],
    ]);
    W.flatten().subInPlace(100);
    expect(W.get(0, 0)).toBe(-1);
  });

  it('a column view and a reversed, strided view write into their base', () => {
    const x = arange(12).reshape(3, 4);
    B.mulInPlace(x.slice(':', 1), 10);
    B.addInPlace(x.slice('::-1', '::-2'), tensor([1000, 2000]));
    expect(x.toArray()).toEqual([
      [0, 2010, 2, 1003],
      [4, 2050, 6, 1007],
      [8, 2090, 10, 1011],
    ]);
  });

  it('an overlapping operand is read as it was before the write (numpy buffers it)', () => {
    const x = arange(5);
    B.addInPlace(x.slice('1:'), x.slice(':-1')); // x[1:] += x[:-1]
    expect(x.toArray()).toEqual([0, 1, 3, 5, 7]);
    const y = arange(4);
    B.subInPlace(y, y.slice('::-1'));
    expect(y.toArray()).toEqual([-3, -1, 1, 3]);
    const z = arange(3);
    B.mulInPlace(z, z);
    expect(z.toArray()).toEqual([0, 1, 4]);
  });

  it('results are fresh contiguous tensors that do not share memory with the inputs', () => {
    const a = arange(6).reshape(2, 3);
    const r = B.add(a.T, 0);
    expect(r.base).toBeNull();
    expect(r.data).not.toBe(a.data);
    expect(r.strides).toEqual([2, 1]);
    r.set(99, 0, 0);
    expect(a.get(0, 0)).toBe(0);
  });

  it('strided and broadcast inputs give the same values as their contiguous copies', () => {
    const base = arange(2 * 3 * 4 * 5)
      .reshape(2, 3, 4, 5)
      .mul(0.5)
      .sub(7);
    const views = [
      base.transpose(3, 1, 0, 2),
      base.slice('::-1', ':', '1:4', '::-2').transpose(2, 0, 1, 3),
      base.slice(':', 1, '::-1'),
      base.slice(0, 0, 0).broadcastTo([3, 2, 5]),
    ];
    const others: TensorLike[] = [2.5, tensor([1, -2, 3, -4, 5]).slice('::-1'), arange(4).reshape(4, 1)];
    for (const v of views) {
      for (const o of others) {
        let ok = true;
        try {
          B.add(v, o);
        } catch {
          ok = false;
        }
        if (!ok) continue;
        for (const fn of [B.add, B.sub, B.mul, B.div, B.maximum, B.less, B.mod, B.floorDivide]) {
          const oc = typeof o === 'number' ? o : o.copy();
          expect(fn(v, o).toArray()).toEqual(fn(v.copy(), oc).toArray());
          expect(fn(o, v).toArray()).toEqual(fn(oc, v.copy()).toArray());
        }
      }
    }
  });

  it('the contiguous fast paths agree with the strided loop on long tensors', () => {
    const n = 1000;
    const a = arange(n).mul(0.37).sub(100);
    const b = arange(n).mul(-0.11).add(3);
    const strided = B.add(a.reshape(10, 100).T, b.reshape(10, 100).T).T.reshape(n);
    expect(B.add(a, b).toArray()).toEqual(strided.toArray());
    expect(B.mul(a, 3).toArray()).toEqual(B.mul(a.reshape(10, 100).T, 3).T.reshape(n).toArray());
    const t = a.copy();
    B.addInPlace(t, b);
    expect(t.toArray()).toEqual(B.add(a, b).toArray());
  });

  it('empty tensors broadcast and give empty results', () => {
    expect(B.add(zeros([0, 3]), tensor([1, 2, 3])).shape).toEqual([0, 3]);
    expect(B.less(zeros([2, 0]), 1).dtype).toBe('bool');
    const e = zeros([0]);
    expect(B.addInPlace(e, 1)).toBe(e);
  });
});

describe('dtypes', () => {
  it('two numbers give a 0-d float64 tensor; comparisons a 0-d bool', () => {
    const r = B.add(1, 2);
    expect(r.shape).toEqual([]);
    expect(r.dtype).toBe('float64');
    expect(r.item()).toBe(3);
    expect(B.less(1, 2).dtype).toBe('bool');
    expect(B.less(1, 2).item()).toBe(1);
  });

  it('weak scalars keep float32 (the scalar is rounded to float32 first, as numpy 2)', () => {
    const x = tensor([0.1, 1], { dtype: 'float32' });
    expect(B.add(x, 0.1).dtype).toBe('float32');
    expect(B.equal(x, 0.1).toArray()).toEqual([true, false]);
    expect(B.add(x, 0.1).get(0)).toBe(Math.fround(Math.fround(0.1) * 2));
  });

  it('integer scalars out of range: comparisons are exact, arithmetic is an error (numpy 2)', () => {
    const i = tensor([1, -1], { dtype: 'int32' });
    expect(B.less(i, 3e9).toArray()).toEqual([true, true]);
    expect(B.greater(i, -3e9).toArray()).toEqual([true, true]);
    expect(() => B.add(i, 3e9)).toThrow('add: b: integer 3000000000 out of bounds for int32');
    expect(() => B.maximum(3e9, i)).toThrow('maximum: a: integer 3000000000 out of bounds for int32');
    expect(B.div(i, 3e9).dtype).toBe('float64');
  });

  it('uint8 with a negative or >255 integer scalar follows promoteWithScalar (int32), where numpy 2 raises', () => {
    const u = tensor([1, 200], { dtype: 'uint8' });
    const r = B.add(u, 300);
    expect(r.dtype).toBe('int32');
    expect(r.toArray()).toEqual([301, 500]);
    expect(B.sub(u, -1).toArray()).toEqual([2, 201]);
  });

  it('bool + int scalar gives int32 (numpy: int64); bool ** bool, // and % give int32 (numpy: int8)', () => {
    const t = tensor([true, false]);
    expect(B.add(t, 1).dtype).toBe('int32');
    expect(B.pow(t, t).dtype).toBe('int32');
    expect(B.floorDivide(t, t).toArray()).toEqual([1, 0]);
    expect(B.mod(t, t).dtype).toBe('int32');
    expect(B.div(t, t).dtype).toBe('float64');
  });

  it('int32 arithmetic wraps like numpy', () => {
    const big = tensor([2147483647, -2147483648], { dtype: 'int32' });
    expect(B.add(big, 1).toArray()).toEqual([-2147483648, -2147483647]);
    expect(B.mul(tensor([123456789], { dtype: 'int32' }), 987654321).toArray()).toEqual([-67153019]);
    expect(B.pow(tensor([3], { dtype: 'int32' }), 40).toArray()).toEqual([689956897]);
  });

  it('in-place casting follows same_kind: float64 into float32 rounds, float into int refuses', () => {
    const f = zeros([2], { dtype: 'float32' });
    B.addInPlace(f, tensor([0.1, 1e40]));
    expect(f.toArray()).toEqual([Math.fround(0.1), Infinity]);
    const i = zeros([2], { dtype: 'int32' });
    expect(() => B.mulInPlace(i, 0.5)).toThrow(
      "Cannot cast ufunc 'multiply' output from dtype('float64') to dtype('int32') with casting rule 'same_kind'",
    );
    expect(() => B.maximumInPlace(tensor([true]), tensor([2], { dtype: 'uint8' }))).toThrow(
      "Cannot cast ufunc 'maximum' output from dtype('uint8') to dtype('bool')",
    );
    B.addInPlace(i, tensor([true, false]));
    expect(i.toArray()).toEqual([1, 0]);
  });
});

describe('errors', () => {
  it('names the argument, the expected and the actual value', () => {
    const x = tensor([1, 2]);
    expect(() => B.add('x' as unknown as number, 1)).toThrow(
      "add: a: expected a Tensor or a number, got string 'x'",
    );
    expect(() => B.mul(x, [1, 2] as unknown as number)).toThrow(
      'mul: b: expected a Tensor or a number, got an Array',
    );
    expect(() => B.less(x, undefined as unknown as number)).toThrow(
      'less: b: expected a Tensor or a number, got undefined',
    );
    expect(() => B.addInPlace(3 as unknown as Tensor, x)).toThrow(
      'addInPlace: target: expected a Tensor, got number 3',
    );
    expect(() => B.subInPlace(x, null as unknown as number)).toThrow(
      'subInPlace: b: expected a Tensor or a number, got null',
    );
  });

  it('broadcasting and output-shape errors use numpy messages', () => {
    expect(() => B.add(zeros([2, 3]), zeros([4]))).toThrow(
      'operands could not be broadcast together with shapes (2,3) (4,)',
    );
    expect(() => B.addInPlace(zeros([3]), zeros([2, 3]))).toThrow(
      "non-broadcastable output operand with shape (3,) doesn't match the broadcast shape (2,3)",
    );
  });

  it('refuses to write into a broadcast (stride 0) view, which numpy marks read-only', () => {
    const v = zeros([3]).broadcastTo([2, 3]);
    expect(() => B.addInPlace(v, 1)).toThrow('output array is read-only');
    const ok = zeros([3]).expandDims(0); // stride 0 along a length-1 axis is fine
    B.addInPlace(ok, 1);
    expect(ok.toArray()).toEqual([[1, 1, 1]]);
  });

  it('integer pow with a negative exponent writes nothing', () => {
    const t = tensor([2, 3, 4], { dtype: 'int32' });
    expect(() => B.powInPlace(t, tensor([2, 2, -1], { dtype: 'int32' }))).toThrow(
      'Integers to negative integer powers are not allowed.',
    );
    expect(t.toArray()).toEqual([2, 3, 4]);
    expect(B.pow(t, tensor([-1], { dtype: 'float32' })).dtype).toBe('float64');
  });
});

describe('Tensor methods delegate to these functions', () => {
  it('x.add(y) is add(x, y) and x.addInPlace(y) is addInPlace(x, y)', () => {
    const x = arange(6).reshape(2, 3);
    const y = tensor([1, 2, 3]);
    expect(x.add(y).toArray()).toEqual(B.add(x, y).toArray());
    expect(x.greaterEqual(2).toArray()).toEqual(B.greaterEqual(x, 2).toArray());
    const z = x.copy();
    expect(z.addInPlace(y)).toBe(z);
    expect(z.toArray()).toEqual(B.add(x, y).toArray());
  });
});
