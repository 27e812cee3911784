import { describe, expect, it } from 'vitest';
import { pyFloat } from './py-format.js';

describe("pyFloat matches Python's str(float)", () => {
  // Left: the value; right: Python 3's str() of it.
  const cases: [number, string][] = [
    [0.1, '0.1'],
    [1, '1.0'],
    [0, '0.0'],
    [-0, '-0.0'],
    [1e16, '1e+16'],
    [1e15, '1000000000000000.0'],
    [123456789012345680, '1.2345678901234568e+17'],
    [1e-5, '1e-05'],
    [0.0001, '0.0001'],
    [0.00012345, '0.00012345'],
    [1.5e-7, '1.5e-07'],
    [1 / 3, '0.3333333333333333'],
    [(2 / 3) * 100, '66.66666666666666'],
    [1e22, '1e+22'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [-2.5, '-2.5'],
    [0.8333333333333334, '0.8333333333333334'],
    [100, '100.0'],
    [12345.678, '12345.678'],
    [9999999999999998, '9999999999999998.0'],
    [9.5e-5, '9.5e-05'],
    [Number.NaN, 'nan'],
    [Number.POSITIVE_INFINITY, 'inf'],
    [Number.NEGATIVE_INFINITY, '-inf'],
  ];
  for (const [x, s] of cases) {
    it(`${s}`, () => expect(pyFloat(x)).toBe(s));
  }
});
