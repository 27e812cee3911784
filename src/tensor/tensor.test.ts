import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeNumber, loadFixture } from '../../test/helpers/fixtures.js';
import { arange, fromData, tensor, zeros } from './create.js';
import { allocate, type DType } from './dtype.js';
import { Tensor } from './tensor.js';

type Num = number | string;
interface Fixtures {
  astype: { from: { dtype: DType; shape: number[]; data: Num[] }; to: DType; values: Num[] }[];
}
const fx = loadFixture<Fixtures>('tensor.json');

/** x = [[0, 1, 2], [3, 4, 5]], owning its memory. */
function x23(): Tensor {
  return arange(6).reshape(2, 3).copy();
}

describe('the constructor', () => {
  it('wraps storage without copying, contiguous by default', () => {
    const data = new Float64Array([1, 2, 3, 4]);
    const t = new Tensor(data, [2, 2]);
    expect(t.data).toBe(data);
    expect(t.dtype).toBe('float64');
    expect(t.strides).toEqual([2, 1]);
    expect(t.offset).toBe(0);
    expect(t.base).toBeNull();
    expect(t.ndim).toBe(2);
    expect(t.size).toBe(4);
  });
  it('keeps its own copy of the shape and strides it was given', () => {
    const shape = [2, 2];
    const strides = [2, 1];
    const t = new Tensor(new Float64Array(4), shape, { strides });
    shape[0] = 9;
    strides[0] = 9;
    expect(t.shape).toEqual([2, 2]);
    expect(t.strides).toEqual([2, 1]);
  });
  it('records the owner, never an intermediate view, as base', () => {
    const owner = new Tensor(new Float64Array(4), [4]);
    const v1 = new Tensor(owner.data, [2], { strides: [2], base: owner });
    const v2 = new Tensor(owner.data, [1], { strides: [1], offset: 2, base: v1 });
    expect(v1.base).toBe(owner);
    expect(v2.base).toBe(owner);
  });
  it('checks dtype, strides and size with clear errors', () => {
    expect(() => new Tensor(new Float32Array(2), [2], { dtype: 'float64' })).toThrow(
      "Tensor: data is a Float32Array, which cannot hold dtype 'float64'",
    );
    expect(() => new Tensor(new Float64Array(4), [2, 2], { strides: [1] })).toThrow(
      'Tensor: strides [1] do not match shape (2,2)',
    );
    expect(() => new Tensor(new Float64Array(3), [2, 2])).toThrow(
      'Tensor: shape (2,2) needs 4 elements, data has 3',
    );
    expect(() => new Tensor(new Float64Array(3), [3], { dtype: 'int8' as DType })).toThrow(
      /^dtype: expected one of/,
    );
    expect(new Tensor(new Uint8Array(2), [2], { dtype: 'bool' }).dtype).toBe('bool');
  });
  it('knows C-contiguity as numpy does (size-1 axes do not count)', () => {
    const x = x23();
    expect(x.isContiguous).toBe(true);
    expect(x.T.isContiguous).toBe(false);
    expect(x.slice(':', '::2').isContiguous).toBe(false);
    expect(x.slice('1:').isContiguous).toBe(true);
    expect(x.slice(':', 1).isContiguous).toBe(false);
    expect(x.slice(':1').T.isContiguous).toBe(true);
    expect(x.slice(':', '2:2').isContiguous).toBe(true);
    expect(tensor(5).isContiguous).toBe(true);
  });
});

describe('get and set', () => {
  it('read with negative indices counting from the end', () => {
    const x = x23();
    expect(x.get(0, 0)).toBe(0);
    expect(x.get(1, 2)).toBe(5);
    expect(x.get(-1, -1)).toBe(5);
    expect(x.get(-2, 1)).toBe(1);
    expect(x.get(1, -3)).toBe(3);
    expect(tensor(7).get()).toBe(7);
    expect(tensor([true, false]).get(0)).toBe(1);
  });
  it('write in place, with negative indices, and chain', () => {
    const x = x23();
    expect(x.set(10, -1, 0).set(20, 0, -1)).toBe(x);
    expect(x.toArray()).toEqual([
      [0, 1, 20],
      [10, 4, 5],
    ]);
  });
  it('cast written values to the dtype', () => {
    expect(zeros([1], { dtype: 'int32' }).set(-1.7, 0).get(0)).toBe(-1);
    expect(zeros([1], { dtype: 'uint8' }).set(300, 0).get(0)).toBe(44);
    expect(zeros([1], { dtype: 'uint8' }).set(-1, 0).get(0)).toBe(255);
    expect(zeros([1], { dtype: 'bool' }).set(5, 0).get(0)).toBe(1);
    expect(zeros([1], { dtype: 'bool' }).set(Number.NaN, 0).get(0)).toBe(1);
    expect(zeros([1], { dtype: 'float32' }).set(0.1, 0).get(0)).toBe(Math.fround(0.1));
  });
  it("fail with numpy's messages", () => {
    const x = x23();
    expect(() => x.get(2, 0)).toThrow('index 2 is out of bounds for axis 0 with size 2');
    expect(() => x.get(0, -4)).toThrow('index -4 is out of bounds for axis 1 with size 3');
    expect(() => x.set(1, 0, 3)).toThrow('index 3 is out of bounds for axis 1 with size 3');
    expect(() => x.get(0)).toThrow('index: expected 2 indices for shape (2,3), got 1');
    expect(() => x.get(0, 0, 0)).toThrow('index: expected 2 indices for shape (2,3), got 3');
    expect(() => x.get(0, 0.5)).toThrow('index 0.5 is not an integer (axis 1)');
    expect(() => x.get(Number.NaN, 0)).toThrow(TypeError);
    expect(() => zeros([0]).get(0)).toThrow('index 0 is out of bounds for axis 0 with size 0');
    expect(() => x.get(2, 0)).toThrow(RangeError);
  });
});

describe('item, toArray, toFlatArray', () => {
  it('item reads the one element of any size-1 tensor', () => {
    expect(tensor(3.5).item()).toBe(3.5);
    expect(tensor([[4]]).item()).toBe(4);
    expect(x23().slice('1:', '2:').item()).toBe(5);
    expect(tensor([true]).item()).toBe(1);
    expect(() => tensor([1, 2]).item()).toThrow('item: can only convert an array of size 1, got shape (2,)');
    expect(() => zeros([0]).item()).toThrow('item: can only convert an array of size 1, got shape (0,)');
  });
  it('toArray gives nested arrays (a number for 0-d, booleans for bool) and is a copy', () => {
    const x = x23();
    const a = x.toArray() as number[][];
    expect(a).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    a[0][0] = 99;
    expect(x.get(0, 0)).toBe(0);
    expect(x.T.toArray()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    expect(tensor(2).toArray()).toBe(2);
    expect(tensor([[true], [false]]).toArray()).toEqual([[true], [false]]);
    expect(zeros([0]).toArray()).toEqual([]);
    expect(zeros([2, 0]).toArray()).toEqual([[], []]);
    expect(tensor([1, 2], { dtype: 'int32' }).toArray()).toEqual([1, 2]);
  });
  it('toFlatArray gives C order through any strides', () => {
    expect(x23().T.toFlatArray()).toEqual([0, 3, 1, 4, 2, 5]);
    expect(x23().slice('::-1', '::-2').toFlatArray()).toEqual([5, 3, 2, 0]);
    expect(tensor(1).toFlatArray()).toEqual([1]);
    expect(zeros([3, 0]).toFlatArray()).toEqual([]);
  });
});

describe('copies: copy, flatten, astype, and reshape when it must', () => {
  it('copy is contiguous, owns its memory, and writes do not leak either way', () => {
    const x = x23();
    for (const src of [x, x.T, x.slice(':', '::-1'), x.slice(1)]) {
      const c = src.copy();
      expect(c.base).toBeNull();
      expect(c.data).not.toBe(x.data);
      expect(c.isContiguous).toBe(true);
      expect(c.offset).toBe(0);
      expect(c.toArray()).toEqual(src.toArray());
      const before = x.toFlatArray();
      c.fill(-1);
      expect(x.toFlatArray()).toEqual(before);
      x.set(100, 0, 0);
      expect(c.toFlatArray().every((v) => v === -1)).toBe(true);
      x.set(0, 0, 0);
    }
  });
  it('flatten always copies, even a contiguous tensor (the seed notebook bug)', () => {
    const W = x23();
    const f = W.flatten();
    expect(f.shape).toEqual([6]);
    expect(f.base).toBeNull();
    expect(f.data).not.toBe(W.data);
    f.set(f.get(0) + 1e-4, 0);
    expect(W.get(0, 0)).toBe(0);
    expect(W.T.flatten().toArray()).toEqual([0, 3, 1, 4, 2, 5]);
    expect(tensor(3).flatten().shape).toEqual([1]);
  });
  it.each(fx.astype.map((c, i) => [i, c.from.dtype, c.to, c] as const))(
    'astype case %i: %s -> %s',
    (_i, _f, _t, c) => {
      const data = allocate(c.from.dtype, c.from.data.length);
      data.set(c.from.data.map(decodeNumber));
      const src = fromData(data, c.from.shape, c.from.dtype);
      const out = src.astype(c.to);
      expect(out.dtype).toBe(c.to);
      expect(out.base).toBeNull();
      expect(out.toFlatArray()).toEqual(c.values.map(decodeNumber));
      // copy(dtype) and tensor(t, {dtype}) cast the same way.
      expect(src.copy(c.to).toFlatArray()).toEqual(c.values.map(decodeNumber));
      expect(tensor(src, { dtype: c.to }).toFlatArray()).toEqual(c.values.map(decodeNumber));
    },
  );
  it('astype casts through strided views too', () => {
    const x = tensor([
      [1.9, -2.9],
      [300.5, 0],
    ]);
    expect(x.T.astype('uint8').toArray()).toEqual([
      [1, 44],
      [254, 0],
    ]);
    expect(x.T.astype('bool').toArray()).toEqual([
      [true, true],
      [true, false],
    ]);
    expect(() => x.astype('int64' as DType)).toThrow(/^dtype: expected one of/);
  });
});

describe('views: ravel, T, transpose, swapaxes, squeeze, expandDims, broadcastTo, reshape', () => {
  it('are views whose base is the owner, sharing memory', () => {
    const x = x23();
    const views: [string, Tensor][] = [
      ['ravel', x.ravel()],
      ['T', x.T],
      ['transpose', x.transpose(1, 0)],
      ['swapaxes', x.swapaxes(0, -1)],
      ['squeeze', x.expandDims(0).squeeze()],
      ['expandDims', x.expandDims(1)],
      ['broadcastTo', x.broadcastTo([4, 2, 3])],
      ['reshape', x.reshape(3, 2)],
      ['reshape -1', x.reshape([-1, 2])],
      ['slice', x.slice(':', 1)],
    ];
    for (const [name, v] of views) {
      expect(v.base, name).toBe(x);
      expect(v.data, name).toBe(x.data);
    }
    x.set(42, 0, 1);
    for (const [name, v] of views) expect(v.toFlatArray(), name).toContain(42);
  });
  it('ravel is a view only for C-contiguous tensors, as numpy', () => {
    const x = x23();
    expect(x.ravel().base).toBe(x);
    expect(x.slice('1:').ravel().base).toBe(x);
    expect(x.T.ravel().base).toBeNull();
    expect(x.T.ravel().toArray()).toEqual([0, 3, 1, 4, 2, 5]);
    // numpy copies here although reshape(-1) can make a view.
    const strided = arange(10).slice('::2');
    expect(strided.ravel().base).toBeNull();
    expect(strided.reshape(-1).base).not.toBeNull();
  });
  it('transpose permutes axes and T reverses them', () => {
    const z = zeros([2, 3, 4]);
    expect(z.T.shape).toEqual([4, 3, 2]);
    expect(z.T.strides).toEqual([1, 4, 12]);
    expect(z.transpose(1, 0, 2).shape).toEqual([3, 2, 4]);
    expect(z.transpose(-1, 0, 1).shape).toEqual([4, 2, 3]);
    expect(z.swapaxes(0, 2).shape).toEqual([4, 3, 2]);
    expect(tensor(1).T.shape).toEqual([]);
    expect(x23().T.get(2, 1)).toBe(5);
    expect(() => z.transpose(0, 1)).toThrow("transpose: axes [0, 1] don't match array of dimension 3");
    expect(() => z.transpose(0, 0, 1)).toThrow("transpose: axes [0, 0, 1] don't match array of dimension 3");
    expect(() => z.transpose(0, 1, 3)).toThrow('axes 3 is out of bounds for array of dimension 3');
    expect(() => z.swapaxes(0, 3)).toThrow('axis2 3 is out of bounds for array of dimension 3');
  });
  it('squeeze removes size-1 axes (all, or the ones asked for)', () => {
    const z = zeros([1, 3, 1, 2]);
    expect(z.squeeze().shape).toEqual([3, 2]);
    expect(z.squeeze(0).shape).toEqual([3, 1, 2]);
    expect(z.squeeze(-2).shape).toEqual([1, 3, 2]);
    expect(z.squeeze([0, 2]).shape).toEqual([3, 2]);
    expect(zeros([1, 1]).squeeze().shape).toEqual([]);
    expect(zeros([2, 3]).squeeze().shape).toEqual([2, 3]);
    expect(() => z.squeeze(1)).toThrow(
      'cannot select an axis to squeeze out which has size not equal to one',
    );
    expect(() => z.squeeze(4)).toThrow('axis 4 is out of bounds for array of dimension 4');
  });
  it('expandDims inserts an axis of length 1', () => {
    const v = zeros([3]);
    expect(v.expandDims(0).shape).toEqual([1, 3]);
    expect(v.expandDims(1).shape).toEqual([3, 1]);
    expect(v.expandDims(-1).shape).toEqual([3, 1]);
    expect(v.expandDims(-2).shape).toEqual([1, 3]);
    expect(tensor(1).expandDims(0).shape).toEqual([1]);
    expect(() => v.expandDims(2)).toThrow('axis 2 is out of bounds for array of dimension 2');
    expect(() => v.expandDims(-3)).toThrow('axis -3 is out of bounds for array of dimension 2');
  });
  it('broadcastTo reads the same memory with stride 0 along repeated axes', () => {
    const r = tensor([1, 2, 3]);
    const b = r.broadcastTo([2, 3]);
    expect(b.strides).toEqual([0, 1]);
    expect(b.toArray()).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    const c = tensor([[1], [2]]).broadcastTo([2, 3]);
    expect(c.strides).toEqual([1, 0]);
    expect(c.toArray()).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ]);
    expect(tensor(5).broadcastTo([2]).toArray()).toEqual([5, 5]);
    r.set(9, 0);
    expect(b.get(1, 0)).toBe(9);
    expect(() => r.broadcastTo([2, 4])).toThrow(
      'operands could not be broadcast together with remapped shapes [original->remapped]: (3,) and requested shape (2,4)',
    );
    expect(() => zeros([2, 3]).broadcastTo([3])).toThrow(
      'operands could not be broadcast together with remapped shapes [original->remapped]: (2,3) and requested shape (3,)',
    );
  });
  it('reshape returns a view when the strides allow it, else a copy', () => {
    const x = x23();
    expect(x.reshape(6).base).toBe(x);
    expect(x.reshape(3, 2).toArray()).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    const c = x.T.reshape(6);
    expect(c.base).toBeNull();
    expect(c.toArray()).toEqual([0, 3, 1, 4, 2, 5]);
    expect(zeros([0, 3]).reshape(3, 0).shape).toEqual([3, 0]);
    expect(() => x.reshape(4)).toThrow(/^cannot reshape array of size 6 into shape \(4,\)/);
    expect(() => x.reshape(-1, -1)).toThrow('can only specify one unknown dimension');
  });
});

describe('fill and assign', () => {
  it('fill casts the value, writes through views and returns the tensor', () => {
    const x = x23();
    expect(x.slice(':', '::2').fill(-1)).not.toBe(x);
    expect(x.toArray()).toEqual([
      [-1, 1, -1],
      [-1, 4, -1],
    ]);
    const i = zeros([2], { dtype: 'int32' });
    expect(i.fill(2.9)).toBe(i);
    expect(i.toArray()).toEqual([2, 2]);
    expect(zeros([2], { dtype: 'bool' }).fill(0.5).toArray()).toEqual([true, true]);
  });
  it('assign broadcasts and casts the source, as numpy x[...] = src', () => {
    const x = zeros([2, 3]);
    x.assign(tensor([1, 2, 3]));
    expect(x.toArray()).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    x.assign(7);
    expect(x.toFlatArray()).toEqual([7, 7, 7, 7, 7, 7]);
    const i = zeros([3], { dtype: 'int32' });
    i.assign(tensor([1.9, -1.9, 300]));
    expect(i.toArray()).toEqual([1, -1, 300]);
    const b = zeros([3], { dtype: 'bool' });
    b.assign(tensor([0, 0.1, -2]));
    expect(b.toArray()).toEqual([false, true, true]);
    const u = zeros([2], { dtype: 'uint8' });
    u.assign(tensor([256, -1], { dtype: 'int32' }));
    expect(u.toArray()).toEqual([0, 255]);
  });
  it('assign from an overlapping view reads the source before writing', () => {
    const x = arange(5).copy();
    x.slice('1:').assign(x.slice(':-1'));
    expect(x.toArray()).toEqual([0, 0, 1, 2, 3]);
    const y = x23();
    y.assign(y.slice('::-1'));
    expect(y.toArray()).toEqual([
      [3, 4, 5],
      [0, 1, 2],
    ]);
  });
  it("fails with numpy's message when the source does not broadcast to the target", () => {
    const x = zeros([2, 2]);
    expect(() => x.assign(zeros([3]))).toThrow(
      'could not broadcast input array from shape (3,) into shape (2,2)',
    );
    expect(() => x.assign(zeros([2, 2, 2]))).toThrow(
      'could not broadcast input array from shape (2,2,2) into shape (2,2)',
    );
    expect(() => x.assign(zeros([3, 2]))).toThrow(
      'could not broadcast input array from shape (3,2) into shape (2,2)',
    );
  });
  it('writing through a view is visible in the base (the numerical gradient pattern)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 100 }),
        (r, c, pick) => {
          const W = arange(r * c)
            .reshape(r, c)
            .copy();
          const i = pick % r;
          const j = Math.floor(pick / r) % c;
          const tmp = W.get(i, j);
          W.set(tmp + 1e-4, i, j);
          expect(W.T.get(j, i)).toBe(tmp + 1e-4);
          expect(W.ravel().get(i * c + j)).toBe(tmp + 1e-4);
          // the copy made by flatten does not see later writes
          const f = W.flatten();
          W.set(tmp, i, j);
          expect(f.get(i * c + j)).toBe(tmp + 1e-4);
          expect(W.get(i, j)).toBe(tmp);
        },
      ),
    );
  });
});
