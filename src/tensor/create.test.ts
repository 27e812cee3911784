import { describe, expect, it } from 'vitest';
import { decodeNumber, loadFixture } from '../../test/helpers/fixtures.js';
import {
  arange,
  empty,
  eye,
  fromData,
  full,
  fullLike,
  linspace,
  ones,
  onesLike,
  tensor,
  zeros,
  zerosLike,
} from './create.js';
import type { DType } from './dtype.js';
import type { NestedArray } from './tensor.js';

type Num = number | string;
interface Fixtures {
  create: {
    arange: { args: [number, number | null, number | null]; values: Num[] }[];
    arange_int: { args: [number, number, number]; values: number[] }[];
    linspace: { start: number; stop: number; num: number; endpoint: boolean; dtype: DType; values: Num[] }[];
    eye: { n: number; m: number | null; k: number; shape: number[]; values: number[] }[];
  };
}
const fx = loadFixture<Fixtures>('tensor.json');

describe('tensor()', () => {
  it('reads nested arrays as float64 (JS cannot tell 1 from 1.0)', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(x.dtype).toBe('float64');
    expect(x.shape).toEqual([2, 3]);
    expect(x.strides).toEqual([3, 1]);
    expect(x.base).toBeNull();
    expect(x.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(tensor([[[1], [2]]]).shape).toEqual([1, 2, 1]);
  });
  it('reads a number as a 0-d tensor and [] as shape (0,)', () => {
    const s = tensor(2.5);
    expect(s.shape).toEqual([]);
    expect(s.ndim).toBe(0);
    expect(s.item()).toBe(2.5);
    const e = tensor([]);
    expect(e.shape).toEqual([0]);
    expect(e.dtype).toBe('float64');
    expect(tensor([[], []]).shape).toEqual([2, 0]);
  });
  it('reads booleans as bool', () => {
    const b = tensor([true, false, true]);
    expect(b.dtype).toBe('bool');
    expect(b.toArray()).toEqual([true, false, true]);
    expect(tensor(true).dtype).toBe('bool');
    expect(tensor([true, 2]).dtype).toBe('float64');
    expect(tensor([true, 2]).toArray()).toEqual([1, 2]);
  });
  it('casts to the requested dtype as numpy does', () => {
    expect(tensor([1.7, -1.7, 300], { dtype: 'int32' }).toArray()).toEqual([1, -1, 300]);
    expect(tensor([1.7, -1, 300], { dtype: 'uint8' }).toArray()).toEqual([1, 255, 44]);
    expect(tensor([0, 0.5, -2], { dtype: 'bool' }).toArray()).toEqual([false, true, true]);
    expect(tensor([0.1], { dtype: 'float32' }).get(0)).toBe(Math.fround(0.1));
  });
  it('copies typed arrays, keeping their dtype', () => {
    const src = new Int32Array([1, 2, 3]);
    const t = tensor(src);
    expect(t.dtype).toBe('int32');
    expect(t.shape).toEqual([3]);
    src[0] = 100;
    expect(t.get(0)).toBe(1);
    expect(tensor(new Float32Array([0.5])).dtype).toBe('float32');
    expect(tensor(new Uint8Array([0, 2]), { dtype: 'bool' }).toArray()).toEqual([false, true]);
    expect(tensor(new Float64Array([1.5, -2.5]), { dtype: 'int32' }).toArray()).toEqual([1, -2]);
  });
  it('copies tensors', () => {
    const x = tensor([1, 2]);
    const y = tensor(x);
    expect(y).not.toBe(x);
    expect(y.data).not.toBe(x.data);
    y.set(5, 0);
    expect(x.get(0)).toBe(1);
    expect(tensor(x, { dtype: 'int32' }).dtype).toBe('int32');
  });
  it('rejects ragged nested arrays, naming the element', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(
      'tensor: ragged nested array: element [1] has length 1, expected length 2',
    );
    expect(() => tensor([[1, 2], 3] as NestedArray)).toThrow(
      'tensor: ragged nested array: element [1] has no length, expected length 2',
    );
    expect(() => tensor([1, [2]])).toThrow(
      'tensor: ragged nested array: element [1] is an array, expected a number',
    );
    expect(() => tensor([[[1], [2, 3]]])).toThrow(RangeError);
  });
  it('rejects non-numbers and bad dtypes', () => {
    expect(() => tensor(['a'] as unknown as NestedArray)).toThrow(
      'tensor: element [0] is string, expected a number or boolean',
    );
    expect(() => tensor([1], { dtype: 'int64' as DType })).toThrow(/^dtype: expected one of/);
  });
});

describe('fromData', () => {
  it('wraps without copying', () => {
    const data = new Float64Array([1, 2, 3, 4, 5, 6]);
    const t = fromData(data, [2, 3]);
    expect(t.data).toBe(data);
    expect(t.base).toBeNull();
    data[5] = 60;
    expect(t.get(1, 2)).toBe(60);
    expect(fromData(new Uint8Array([1, 0]), [2], 'bool').toArray()).toEqual([true, false]);
  });
  it('checks the size, with a clear message', () => {
    expect(() => fromData(new Float64Array(5), [2, 3])).toThrow(
      'fromData: shape (2,3) needs 6 elements, data has 5',
    );
    expect(() => fromData(new Float64Array(7), [2, 3])).toThrow(
      'fromData: shape (2,3) needs 6 elements, data has 7',
    );
    expect(() => fromData(new Float64Array(1), [-1])).toThrow(
      'shape: expected non-negative integers, got [-1]',
    );
  });
  it('refuses a typed array that cannot hold the dtype', () => {
    expect(() => fromData(new Float64Array(2), [2], 'int32')).toThrow(
      "Tensor: data is a Float64Array, which cannot hold dtype 'int32'",
    );
  });
});

describe('zeros, ones, full, empty and the *Like versions', () => {
  it('fill with the value in the dtype', () => {
    expect(zeros([2, 2]).toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(zeros(3).shape).toEqual([3]);
    expect(ones([2], { dtype: 'int32' }).toArray()).toEqual([1, 1]);
    expect(full([2], 7.9, { dtype: 'int32' }).toArray()).toEqual([7, 7]);
    expect(full([], 2).item()).toBe(2);
    expect(full([2], 0.1, { dtype: 'float32' }).get(1)).toBe(Math.fround(0.1));
    expect(empty([0, 2]).size).toBe(0);
    expect(zeros([2]).dtype).toBe('float64');
  });
  it('copy shape and dtype from a template', () => {
    const w = tensor([[1, 2, 3]], { dtype: 'float32' });
    const z = zerosLike(w);
    expect(z.shape).toEqual([1, 3]);
    expect(z.dtype).toBe('float32');
    expect(z.base).toBeNull();
    expect(onesLike(w, { dtype: 'bool' }).toArray()).toEqual([[true, true, true]]);
    expect(fullLike(w.T, 3).shape).toEqual([3, 1]);
  });
  it('reject bad shapes and dtypes', () => {
    expect(() => zeros([2, -1])).toThrow('shape: expected non-negative integers, got [2, -1]');
    expect(() => ones([2], { dtype: 'complex' as DType })).toThrow(/^dtype: expected one of/);
  });
});

describe('arange, linspace and eye against numpy', () => {
  it.each(fx.create.arange)('arange($args)', ({ args, values }) => {
    const [start, stop, step] = args;
    const t = stop === null ? arange(start) : arange(start, stop, step ?? 1);
    expect(t.dtype).toBe('float64');
    expect(t.toFlatArray()).toEqual(values.map(decodeNumber));
  });
  it.each(fx.create.arange_int)('arange($args, int32)', ({ args, values }) => {
    const t = arange(args[0], args[1], args[2], { dtype: 'int32' });
    expect(t.dtype).toBe('int32');
    expect(t.toFlatArray()).toEqual(values);
  });
  it.each(fx.create.linspace)(
    'linspace($start, $stop, $num, endpoint=$endpoint, $dtype)',
    ({ start, stop, num, endpoint, dtype, values }) => {
      const t = linspace(start, stop, num, { endpoint, dtype });
      expect(t.dtype).toBe(dtype);
      expect(t.shape).toEqual([num]);
      expect(t.toFlatArray()).toEqual(values.map(decodeNumber));
    },
  );
  it.each(fx.create.eye)('eye($n, $m, k=$k)', ({ n, m, k, shape, values }) => {
    const t = m === null ? eye(n, undefined, { k }) : eye(n, m, { k });
    expect(t.shape).toEqual(shape);
    expect(t.toFlatArray()).toEqual(values);
  });
  it('rejects bad arguments with clear errors', () => {
    expect(() => arange(0, 1, 0)).toThrow('arange: step: expected a non-zero number, got 0');
    expect(() => arange(0, Number.POSITIVE_INFINITY)).toThrow(
      'arange: stop: expected a finite number, got Infinity',
    );
    expect(() => arange(Number.NaN, 1)).toThrow('arange: start: expected a finite number, got NaN');
    expect(() => arange(Number.NaN)).toThrow('arange: stop: expected a finite number, got NaN');
    expect(() => linspace(0, 1, -1)).toThrow('linspace: num: expected a non-negative integer, got -1');
    expect(() => linspace(0, 1, 2.5)).toThrow(RangeError);
    expect(() => eye(-1)).toThrow(/^eye: N, M: expected non-negative integers/);
  });
  it('gives eye a dtype', () => {
    expect(eye(2, 2, { dtype: 'int32' }).toArray()).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(eye(2, 2, { dtype: 'int32' }).dtype).toBe('int32');
  });
});
