/**
 * Bit-exact re-implementations of the two C math routines numpy's legacy random streams depend on.
 *
 * - {@link fma}: IEEE 754 fused multiply-add, `round(a * b + c)` with a single rounding, emulated in
 *   plain binary64 arithmetic (JavaScript has no `Math.fma`).
 * - {@link libmLog}: the natural logarithm exactly as glibc (>= 2.28) computes it on x86_64 CPUs with
 *   FMA (the `__log_fma` variant, which every x86_64 CPU since 2013 selects).
 *
 * Why: numpy's legacy Gaussian (`np.random.randn`, `RandomState.normal`) calls the C library's `log`.
 * V8's `Math.log` differs from glibc's in the last bit for about 7% of inputs, and glibc's is not
 * correctly rounded either (about 0.1% of inputs), so neither `Math.log` nor a correctly rounded log
 * reproduces numpy. This port follows the machine code of glibc 2.36's `__ieee754_log_fma`
 * operation by operation (which products are fused is decided by GCC, and matters).
 *
 * Limits (documented, tested on glibc/x86_64): numpy linked against another C library (macOS,
 * Windows, musl) or running on a CPU without FMA can differ in the last bit of a rare Gaussian.
 *
 * @module
 */
import { LN2_HI, LN2_LO, POLY_A, POLY_B, TAB } from './libm-log-data.js';

/** Veltkamp splitting constant 2^27 + 1. */
const SPLIT = 134217729;

/** Scratch for reading and writing the two 32-bit halves of a double. */
const scratchF64 = new Float64Array(1);
const scratchU32 = new Uint32Array(scratchF64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Index of the high 32-bit word of a double in {@link scratchU32}. */
const HI = LITTLE_ENDIAN ? 1 : 0;

/**
 * Fused multiply-add: `a * b + c` computed exactly and rounded once (round to nearest, ties to even),
 * like C's `fma` / the x86 `vfmadd` instructions.
 *
 * Emulated in binary64: the product is split exactly (Veltkamp/Dekker: `a * b = p + e`), the sum
 * exactly (`c + p = s + t`), and the result is `s + (t + e)` with one correction. Whenever
 * `t + e` rounds (error `err != 0`), `|t + e|` is at most 1.5 ulp(s), so the rounding of `s + v`
 * can only go wrong at an exact tie, where the sign of `err` decides. Exact for finite arguments
 * whose product neither overflows nor underflows (|a * b| in 1e-200..1e300); otherwise it returns
 * `a * b + c`, which is also exact when `a * b` is 0.
 *
 * @example
 * ```ts
 * fma(0.1, 10, -1); // 5.551115123125783e-17 (a * b + c would give 0)
 * ```
 */
export function fma(a: number, b: number, c: number): number {
  const p = a * b;
  const ap = Math.abs(p);
  if (!(ap > 1e-200 && ap < 1e300 && Math.abs(a) < 1e299 && Math.abs(b) < 1e299 && Math.abs(c) < 1e300)) {
    return p + c;
  }
  // Exact product: a * b = p + e.
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const e = ah * bh - p + ah * bl + al * bh + al * bl;
  // Exact sum: c + p = s + tl.
  const s = c + p;
  const bv = s - c;
  const tl = c - (s - bv) + (p - bv);
  // v = round(tl + e) with error err: a * b + c = s + v + err exactly.
  const v = tl + e;
  const bw = v - tl;
  const err = tl - (v - bw) + (e - bw);
  const r = s + v;
  if (err !== 0) {
    // s + v = r + e2 exactly (|v| is far below |s| here). If that was a tie, r + 2 * e2 is the other
    // neighbour, and the true value lies beyond the midpoint exactly when err has the sign of e2.
    const e2 = v - (r - s);
    if (e2 !== 0 && err > 0 === e2 > 0) {
      const other = r + 2 * e2;
      if (other - r === 2 * e2) return other;
    }
  }
  return r;
}

const A0 = POLY_A[0];
const A1 = POLY_A[1];
const A2 = POLY_A[2];
const A3 = POLY_A[3];
const A4 = POLY_A[4];
const B0 = POLY_B[0];
const B1 = POLY_B[1];
const B2 = POLY_B[2];
const B3 = POLY_B[3];
const B4 = POLY_B[4];
const B5 = POLY_B[5];
const B6 = POLY_B[6];
const B7 = POLY_B[7];
const B8 = POLY_B[8];
const B9 = POLY_B[9];
const B10 = POLY_B[10];
/** Inputs in [NEAR1_LO, NEAR1_HI) use the polynomial around 1 (glibc: 1 - 0x1p-4, 1 + 0x1.09p-4). */
const NEAR1_LO = 0.9375;
const NEAR1_HI = 1.064697265625;
const TWO52 = 4503599627370496;
const TWO27 = 134217728;

/**
 * Natural logarithm, bit-identical to glibc's `log` on x86_64 with FMA (what numpy calls for
 * Gaussian samples). Special values follow C: `log(0) = -Infinity`, `log(x < 0) = NaN`.
 *
 * @example
 * ```ts
 * libmLog(0.629525761359053); // -0.4627885028099757 (Math.log gives ...574)
 * ```
 */
export function libmLog(x: number): number {
  if (x >= NEAR1_LO && x < NEAR1_HI) {
    if (x === 1) return 0;
    // log(1 + r) = r - r^2 / 2 + r^3 * poly(r), with r^2 / 2 split for extra precision.
    const r = x - 1;
    const r2 = r * r;
    const p1 = fma(r2, B3, fma(r, B2, B1));
    const p2 = fma(r2, B6, fma(r, B5, B4));
    const r3 = r * r2;
    let q = fma(r2, B9, fma(r, B8, B7));
    q = fma(r3, B10, q);
    q = fma(q, r3, p2);
    q = fma(q, r3, p1);
    const w = r * TWO27;
    const rhi = r + w - w;
    const rhi2 = rhi * rhi;
    const rlo = r - rhi;
    const hi = r + rhi2 * B0; // product exact: B0 is -0.5
    let lo = r - hi + rhi2 * B0;
    lo = fma(B0 * rlo, r + rhi, lo);
    return hi + fma(q, r3, lo);
  }
  let scaledExp = 0;
  if (!(x >= 2.2250738585072014e-308 && x < Number.POSITIVE_INFINITY)) {
    if (x === 0) return Number.NEGATIVE_INFINITY;
    if (x === Number.POSITIVE_INFINITY) return x;
    if (!(x > 0)) return Number.NaN; // negative or NaN
    x *= TWO52; // subnormal: normalise
    scaledExp = 52;
  }
  // x = 2^k z with z in [0x1.6p-1, 0x1.6p0); i selects the subinterval of z, c is near its centre.
  scratchF64[0] = x;
  const hiWord = scratchU32[HI];
  const tmpHi = (hiWord - 0x3fe60000) | 0;
  const i = (tmpHi >>> 13) & 127;
  const k = (tmpHi >> 20) - scaledExp;
  scratchU32[HI] = hiWord - (tmpHi & 0xfff00000);
  const z = scratchF64[0];
  const invc = TAB[2 * i];
  const logc = TAB[2 * i + 1];
  // log(x) = log1p(z/c - 1) + log(c) + k ln 2
  const r = fma(z, invc, -1);
  const w = k * LN2_HI + logc; // product exact: LN2_HI has trailing zeros
  const hi = r + w;
  const lo = fma(k, LN2_LO, w - hi + r);
  const r2 = r * r;
  const p = fma(fma(r, A4, A3), r2, fma(r, A2, A1));
  return fma(r * r2, p, fma(r2, A0, lo)) + hi;
}
