import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RandomState } from '../random/random-state.js';
import { Tensor } from '../tensor/tensor.js';
import { type SpiralOptions, spiral } from './spiral.js';

interface Case {
  name: string;
  options: SpiralOptions;
  dtype: string;
  x: number[];
  t: number[];
}
const fixtures = JSON.parse(
  readFileSync(new URL('../../test/fixtures/data_fixtures.json', import.meta.url), 'utf8'),
) as {
  spiral: Case[];
};

describe('spiral', () => {
  it('shapes and dtypes: DeZero get_spiral (300, 2) float32 and (300,) labels', () => {
    const [x, t] = spiral();
    expect(x.shape).toEqual([300, 2]);
    expect(x.dtype).toBe('float32');
    expect(t.shape).toEqual([300]);
    expect(t.dtype).toBe('int32');
    const counts = [0, 0, 0];
    for (const c of t.data) counts[c]++;
    expect(counts).toEqual([100, 100, 100]);
    for (let i = 0; i < 300; i++) expect(Math.hypot(x.get(i, 0), x.get(i, 1))).toBeLessThan(1);
  });

  for (const c of fixtures.spiral) {
    it(`equals numpy's DeZero get_spiral: ${c.name}`, () => {
      const [x, t] = spiral(c.options);
      expect(x.dtype).toBe(c.dtype);
      expect(t.toFlatArray()).toEqual(c.t);
      const got = x.toFlatArray();
      expect(got.length).toBe(c.x.length);
      for (let i = 0; i < got.length; i++) {
        // Math.sin / Math.cos and the C library may differ in the last bit of a double
        if (got[i] !== c.x[i])
          expect(Math.abs(got[i] - c.x[i])).toBeLessThanOrEqual(Math.abs(c.x[i]) * 2 ** -52);
      }
    });
  }

  it('is deterministic and leaves any given generator advanced', () => {
    expect(spiral()[0].toFlatArray()).toEqual(spiral()[0].toFlatArray());
    expect(spiral({ train: false })[0].toFlatArray()).not.toEqual(spiral()[0].toFlatArray());
    const rs = new RandomState(1984);
    const [x] = spiral({ rs });
    expect(x.toFlatArray()).toEqual(spiral()[0].toFlatArray());
    const [x2] = spiral({ rs });
    expect(x2.toFlatArray()).not.toEqual(x.toFlatArray());
  });

  it('unshuffled: class blocks in order; sizes and bad options', () => {
    const [x, t] = spiral({ numClass: 2, numData: 5, shuffle: false });
    expect(x.shape).toEqual([10, 2]);
    expect(t.toFlatArray()).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(Math.abs(x.get(0, 0))).toBe(0); // radius 0 at i = 0 (numpy gives -0.0 too)
    expect(spiral({ numClass: 0 })[0].shape).toEqual([0, 2]);
    expect(() => spiral({ numData: -1 })).toThrow(/numData: expected a non-negative integer, got -1/);
    expect(() => spiral({ dtype: 'int32' as 'float32' })).toThrow(/dtype/);
    const bad = { randn: () => 0, permutation: (n: number) => new Tensor(new Int32Array(n), [n]) };
    expect(() => spiral({ rs: bad })).toThrow(/breaks a permutation/);
  });
});
