/**
 * im2col / col2im against the book's numpy code (test/fixtures/conv_fixtures.py), the adjoint
 * property <im2col(x), y> = <x, col2im(y)>, and the errors.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadFixture } from '../../test/helpers/fixtures.js';
import { tensor } from '../tensor/create.js';
import { type NestedArray, Tensor } from '../tensor/tensor.js';
import { col2im, convOutputSize, im2col } from './im2col.js';

interface Case {
  shape: number[];
  fh: number;
  fw: number;
  stride: number;
  pad: number;
  x: NestedArray;
  col: NestedArray;
  dcol: NestedArray;
  dx: NestedArray;
}
const fx = loadFixture<{ im2col: Case[] }>('conv_fixtures.json');

function maxAbsDiff(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.toFlatArray();
  const y = b.toFlatArray();
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

describe('im2col / col2im match the book (numpy)', () => {
  for (const c of fx.im2col) {
    const name = `(${c.shape}) filter ${c.fh}x${c.fw} stride ${c.stride} pad ${c.pad}`;
    it(name, () => {
      const opts = { stride: c.stride, pad: c.pad };
      const col = im2col(tensor(c.x), c.fh, c.fw, opts);
      expect(maxAbsDiff(col, tensor(c.col))).toBe(0); // copies: exact
      const dx = col2im(tensor(c.dcol), c.shape, c.fh, c.fw, opts);
      expect(maxAbsDiff(dx, tensor(c.dx))).toBeLessThan(1e-13); // sums in another order
    });
  }

  it('keeps float32, reads strided views, and col2im accepts any shape with the right size', () => {
    const c = fx.im2col[1];
    const x = tensor(c.x, { dtype: 'float32' });
    const col = im2col(x, c.fh, c.fw, { stride: c.stride, pad: c.pad });
    expect(col.dtype).toBe('float32');
    expect(maxAbsDiff(col, tensor(c.col, { dtype: 'float32' }))).toBe(0);
    const big = tensor(c.x).transpose(0, 1, 3, 2); // a non-contiguous view
    const ref = im2col(big.copy(), c.fh, c.fw, { stride: c.stride, pad: c.pad });
    expect(maxAbsDiff(im2col(big, c.fh, c.fw, { stride: c.stride, pad: c.pad }), ref)).toBe(0);
    const dx = col2im(tensor(c.dcol).reshape(-1), c.shape, c.fh, c.fw, { stride: c.stride, pad: c.pad });
    expect(maxAbsDiff(dx, tensor(c.dx))).toBeLessThan(1e-13);
  });
});

/** Deterministic pseudo-random values from a seed (no allocation of a RandomState per run). */
function values(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 2 ** 32) * 2 - 1;
  }
  return out;
}

describe('col2im is the adjoint of im2col', () => {
  it('<im2col(x), y> = <x, col2im(y)> for random shapes, strides and pads', () => {
    const geometry = fc
      .record({
        n: fc.integer({ min: 1, max: 3 }),
        c: fc.integer({ min: 1, max: 3 }),
        fh: fc.integer({ min: 1, max: 4 }),
        fw: fc.integer({ min: 1, max: 4 }),
        stride: fc.integer({ min: 1, max: 3 }),
        pad: fc.integer({ min: 0, max: 2 }),
        oh: fc.integer({ min: 1, max: 5 }),
        ow: fc.integer({ min: 1, max: 5 }),
        seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      })
      // choose H, W so that the windows tile the padded input exactly
      .map((g) => ({
        ...g,
        h: (g.oh - 1) * g.stride + g.fh - 2 * g.pad,
        w: (g.ow - 1) * g.stride + g.fw - 2 * g.pad,
      }))
      .filter((g) => g.h >= 1 && g.w >= 1);
    fc.assert(
      fc.property(geometry, (g) => {
        const shape = [g.n, g.c, g.h, g.w];
        const x = new Tensor(values(g.n * g.c * g.h * g.w, g.seed), shape);
        const opts = { stride: g.stride, pad: g.pad };
        const col = im2col(x, g.fh, g.fw, opts);
        expect(col.shape).toEqual([g.n * g.oh * g.ow, g.c * g.fh * g.fw]);
        const y = new Tensor(values(col.size, g.seed + 1), col.shape);
        const lhs = col.mul(y).sum().item();
        const rhs = x
          .mul(col2im(y, shape, g.fh, g.fw, opts))
          .sum()
          .item();
        expect(Math.abs(lhs - rhs)).toBeLessThan(1e-12 * (1 + Math.abs(lhs)));
      }),
      { numRuns: 200 },
    );
  });
});

describe('convOutputSize and errors', () => {
  it('computes integer output sizes', () => {
    expect(convOutputSize(28, 5)).toBe(24);
    expect(convOutputSize(28, 5, 1, 0)).toBe(24);
    expect(convOutputSize(7, 3, 2, 1)).toBe(4);
    expect(convOutputSize(14, 3, 1, 2)).toBe(16);
  });

  it('names the sizes when the windows do not tile the input', () => {
    expect(() => convOutputSize(8, 3, 2, 0)).toThrow(
      /\(input 8 \+ 2\*pad 0 - filter 3\) \/ stride 2 \+ 1 = 3\.5 is not an integer/,
    );
    expect(() => convOutputSize(3, 5, 1, 0)).toThrow(/filter size 5 is larger than the padded input size 3/);
    expect(() => convOutputSize(3, 3, 0, 0)).toThrow(/stride: expected a positive integer, got 0/);
    expect(() => convOutputSize(3, 3, 1, -1)).toThrow(/pad: expected an integer >= 0, got -1/);
  });

  it('im2col and col2im check their arguments', () => {
    const x = new Tensor(values(2 * 3 * 5 * 5, 3), [2, 3, 5, 5]);
    expect(() => im2col(x.reshape(6, 25), 3, 3)).toThrow(
      /im2col: input: expected shape \(N,C,H,W\), got \(6,25\)/,
    );
    expect(() => im2col(x, 7, 3)).toThrow(
      /im2col: the filter height 7 is larger than the padded input height 5/,
    );
    expect(() => im2col(x, 3, 3, { stride: 0 })).toThrow(
      /im2col: stride: expected a positive integer, got 0/,
    );
    expect(() => im2col(x, 2, 2, { stride: 2 })).toThrow(/im2col: along the height/);
    expect(() => col2im(new Tensor(values(10, 1), [2, 5]), [2, 3, 5, 5], 3, 3)).toThrow(
      /col2im: col: expected shape \(18,27\) .* got \(2,5\)/,
    );
  });
});
