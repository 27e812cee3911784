import { describe, expect, it } from 'vitest';
import { loadFixture } from '../../test/helpers/fixtures.js';
import { fma, libmLog } from './libm.js';

interface LibmFixtures {
  log: { x: number[]; log: number[] };
  fma: [number, number, number, number][];
}

const fixtures = loadFixture<LibmFixtures>('random.json');

/** Mantissa and exponent of a finite double: x = m * 2**e exactly, m a BigInt. */
function decompose(x: number): [bigint, number] {
  if (x === 0) return [0n, 0];
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e = biased - 1075;
  if (biased === 0) e = -1074;
  else m |= 1n << 52n;
  return [x < 0 ? -m : m, e];
}

/** a * b + c rounded once to nearest-even, from exact BigInt arithmetic (normal range only). */
function exactFma(a: number, b: number, c: number): number {
  const [ma, ea] = decompose(a);
  const [mb, eb] = decompose(b);
  const [mc, ec] = decompose(c);
  const ep = ea + eb;
  const e = Math.min(ep, ec);
  let m = ((ma * mb) << BigInt(ep - e)) + (mc << BigInt(ec - e));
  if (m === 0n) return a * b + c;
  const negative = m < 0n;
  if (negative) m = -m;
  const bits = m.toString(2).length;
  let exp = e;
  if (bits > 53) {
    const shift = BigInt(bits - 53);
    let q = m >> shift;
    const rem = m - (q << shift);
    const half = 1n << (shift - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
    m = q;
    exp += bits - 53;
  }
  const value = Number(m) * 2 ** exp;
  return negative ? -value : value;
}

describe('fma', () => {
  it('rounds a * b + c once, matching exact rational arithmetic', () => {
    for (const [a, b, c, expected] of fixtures.fma) {
      expect(Object.is(fma(a, b, c), expected), `fma(${a}, ${b}, ${c})`).toBe(true);
    }
  });

  it('differs from a * b + c where the product rounds', () => {
    expect(0.1 * 10 - 1).toBe(0);
    expect(fma(0.1, 10, -1)).toBe(5.551115123125783e-17);
  });

  it('is correctly rounded on random and tie-provoking operands (checked with exact BigInt arithmetic)', () => {
    let seed = 12345;
    const next = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    // Doubles with few significant bits make exact ties in a * b + c common.
    const sparse = (): number => {
      let m = 1;
      for (let k = 0; k < 3; k++) m += 2 ** -Math.floor(1 + next() * 52);
      return (next() < 0.5 ? -1 : 1) * m * 2 ** Math.floor(next() * 20 - 10);
    };
    const dense = (): number => (next() - 0.5) * 2 ** Math.floor(next() * 40 - 20);
    for (let i = 0; i < 20000; i++) {
      const a = i % 2 ? sparse() : dense();
      const b = i % 3 ? sparse() : dense();
      const c =
        i % 5 === 0 ? dense() : -(a * b) * (1 + (i % 7 ? sparse() : dense()) * 2 ** -Math.floor(next() * 60));
      const want = exactFma(a, b, c);
      if (!Object.is(fma(a, b, c), want)) expect(fma(a, b, c), `fma(${a}, ${b}, ${c})`).toBe(want);
    }
  });

  it('breaks exact ties of s + (t + e) the way the exact value says (double-rounding cases)', () => {
    // a * b = h * (1 +- 2**-3k) with h half an ulp of c: c + a * b lies just off a midpoint, and
    // rounding the low parts first would land exactly on it.
    let seed = 99;
    const next = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    for (let i = 0; i < 5000; i++) {
      const exp = Math.floor(next() * 40 - 20);
      const c = (next() < 0.5 ? -1 : 1) * (1 + Math.floor(next() * 2 ** 52) * 2 ** -52) * 2 ** exp;
      const h = 2 ** (exp - 53);
      const x = 2 ** -(18 + Math.floor(next() * 9));
      const up = next() < 0.5;
      const a = up ? 1 + x : 1 - x;
      const b = (next() < 0.5 ? -1 : 1) * h * (up ? 1 - x + x * x : 1 + x + x * x);
      const want = exactFma(a, b, c);
      if (!Object.is(fma(a, b, c), want)) expect(fma(a, b, c), `fma(${a}, ${b}, ${c})`).toBe(want);
    }
  });

  it('handles zeros and non-finite operands like a * b + c', () => {
    expect(fma(0, 5, 2.5)).toBe(2.5);
    expect(fma(Number.POSITIVE_INFINITY, 2, 1)).toBe(Number.POSITIVE_INFINITY);
    expect(fma(Number.NaN, 2, 1)).toBeNaN();
  });
});

describe('libmLog (glibc log)', () => {
  it('is bit-identical to the C library log that numpy calls', () => {
    const { x, log } = fixtures.log;
    expect(x.length).toBeGreaterThan(500);
    for (let i = 0; i < x.length; i++) {
      expect(Object.is(libmLog(x[i]), log[i]), `log(${x[i]})`).toBe(true);
    }
  });

  it('differs from Math.log exactly where glibc does', () => {
    // Math.log(0.629525761359053) is -0.46278850280997574; glibc (and numpy's Gaussian) use ...757.
    expect(libmLog(0.629525761359053)).toBe(-0.4627885028099757);
  });

  it('follows C for special values', () => {
    expect(libmLog(1)).toBe(0);
    expect(libmLog(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(libmLog(-0)).toBe(Number.NEGATIVE_INFINITY);
    expect(libmLog(-1)).toBeNaN();
    expect(libmLog(Number.NaN)).toBeNaN();
    expect(libmLog(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
  });
});
