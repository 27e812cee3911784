import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  broadcastShapes,
  broadcastStrides,
  checkShape,
  contiguousStrides,
  formatShape,
  normalizeAxes,
  normalizeAxis,
  shapeSize,
  shapesEqual,
} from './shape.js';

describe('formatShape', () => {
  it('prints shapes as numpy does in its messages', () => {
    expect(formatShape([2, 3])).toBe('(2,3)');
    expect(formatShape([4])).toBe('(4,)');
    expect(formatShape([])).toBe('()');
    expect(formatShape([0, 1, 2])).toBe('(0,1,2)');
  });
});

describe('shapeSize and contiguousStrides', () => {
  it('counts elements (1 for a scalar, 0 with an empty axis)', () => {
    expect(shapeSize([2, 3, 4])).toBe(24);
    expect(shapeSize([])).toBe(1);
    expect(shapeSize([3, 0])).toBe(0);
  });
  it('gives C-order strides in elements', () => {
    expect(contiguousStrides([2, 3, 4])).toEqual([12, 4, 1]);
    expect(contiguousStrides([5])).toEqual([1]);
    expect(contiguousStrides([])).toEqual([]);
    expect(contiguousStrides([2, 0, 3])).toEqual([0, 3, 1]);
  });
  it('strides address every element of a contiguous shape exactly once', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 4 }), (shape) => {
        const strides = contiguousStrides(shape);
        const seen = new Set<number>();
        const rec = (axis: number, o: number): void => {
          if (axis === shape.length) {
            seen.add(o);
            return;
          }
          for (let i = 0; i < shape[axis]; i++) rec(axis + 1, o + i * strides[axis]);
        };
        rec(0, 0);
        expect(seen.size).toBe(shapeSize(shape));
        expect(Math.max(...seen)).toBe(shapeSize(shape) - 1);
      }),
    );
  });
});

describe('checkShape', () => {
  it('returns a copy of a valid shape', () => {
    const s = [2, 3];
    const out = checkShape(s);
    expect(out).toEqual([2, 3]);
    expect(out).not.toBe(s);
    expect(checkShape([])).toEqual([]);
  });
  it('rejects negative and fractional dimensions, naming the argument', () => {
    expect(() => checkShape([2, -1])).toThrow('shape: expected non-negative integers, got [2, -1]');
    expect(() => checkShape([1.5], 'zeros: shape')).toThrow(
      'zeros: shape: expected non-negative integers, got [1.5]',
    );
    expect(() => checkShape([Number.NaN])).toThrow(RangeError);
  });
  it('rejects a non-array', () => {
    expect(() => checkShape(3 as unknown as number[])).toThrow('shape: expected an array of integers, got 3');
  });
});

describe('normalizeAxis and normalizeAxes', () => {
  it('counts negative axes from the end', () => {
    expect(normalizeAxis(-1, 3)).toBe(2);
    expect(normalizeAxis(0, 1)).toBe(0);
    expect(normalizeAxis(-3, 3)).toBe(0);
  });
  it("uses numpy's out-of-bounds message", () => {
    expect(() => normalizeAxis(3, 3)).toThrow('axis 3 is out of bounds for array of dimension 3');
    expect(() => normalizeAxis(-4, 3)).toThrow('axis -4 is out of bounds for array of dimension 3');
    expect(() => normalizeAxis(0, 0, 'axes')).toThrow('axes 0 is out of bounds for array of dimension 0');
    expect(() => normalizeAxis(0.5, 2)).toThrow('axis: expected an integer, got 0.5');
  });
  it('normalises an axis option to sorted unique axes', () => {
    expect(normalizeAxes(undefined, 3)).toEqual([0, 1, 2]);
    expect(normalizeAxes(null, 2)).toEqual([0, 1]);
    expect(normalizeAxes(-1, 3)).toEqual([2]);
    expect(normalizeAxes([-1, 0], 3)).toEqual([0, 2]);
    expect(normalizeAxes([], 3)).toEqual([]);
  });
  it('rejects a repeated axis', () => {
    expect(() => normalizeAxes([1, -2], 3)).toThrow("duplicate value in 'axis' (1)");
  });
});

describe('broadcastShapes', () => {
  it("follows numpy's rule", () => {
    expect(broadcastShapes([2, 3], [3])).toEqual([2, 3]);
    expect(broadcastShapes([4, 1], [1, 5])).toEqual([4, 5]);
    expect(broadcastShapes([1], [])).toEqual([1]);
    expect(broadcastShapes([], [])).toEqual([]);
    expect(broadcastShapes([3, 1, 2], [4, 1], [2])).toEqual([3, 4, 2]);
    expect(broadcastShapes([0], [1])).toEqual([0]);
    expect(broadcastShapes([1], [0])).toEqual([0]);
    expect(broadcastShapes()).toEqual([]);
  });
  it("uses numpy's message", () => {
    expect(() => broadcastShapes([2, 3], [4])).toThrow(
      'operands could not be broadcast together with shapes (2,3) (4,)',
    );
    expect(() => broadcastShapes([2], [3], [1])).toThrow(
      'operands could not be broadcast together with shapes (2,) (3,) (1,)',
    );
    expect(() => broadcastShapes([0], [2])).toThrow(RangeError);
  });
  it('gives stride 0 along broadcast dimensions', () => {
    expect(broadcastStrides([3], [1], [2, 3])).toEqual([0, 1]);
    expect(broadcastStrides([4, 1], [1, 4], [4, 5])).toEqual([1, 0]);
    expect(broadcastStrides([], [], [2, 2])).toEqual([0, 0]);
  });
  it('is commutative and every input broadcasts to the result', () => {
    const dims = fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 4 });
    fc.assert(
      fc.property(dims, dims, (a, b) => {
        let ab: number[] | null = null;
        let ba: number[] | null = null;
        try {
          ab = broadcastShapes(a, b);
        } catch {}
        try {
          ba = broadcastShapes(b, a);
        } catch {}
        expect(ab).toEqual(ba);
        if (ab) {
          expect(broadcastShapes(a, ab)).toEqual(ab);
          expect(broadcastShapes(b, ab)).toEqual(ab);
        }
      }),
    );
  });
});

describe('shapesEqual', () => {
  it('compares element by element', () => {
    expect(shapesEqual([2, 3], [2, 3])).toBe(true);
    expect(shapesEqual([2, 3], [3, 2])).toBe(false);
    expect(shapesEqual([2], [2, 1])).toBe(false);
    expect(shapesEqual([], [])).toBe(true);
  });
});
