/**
 * Float-to-digits routines as numpy's: `np.format_float_positional` and `np.format_float_scientific`
 * on top of a port of numpy's Dragon4 digit generator (`dragon4.c`), digit for digit.
 *
 * @module
 */

// ------------------------------------------------------------------------------ Dragon4

/** How a float's bits decompose: value = (-1)^negative * mantissa * 2^exponent. */
interface FloatParts {
  negative: boolean;
  /** `'nan'` or `'inf'` for the special values (then mantissa/exponent are meaningless). */
  special: 'nan' | 'inf' | null;
  mantissa: bigint;
  exponent: number;
  /** Index of the highest set bit of the mantissa. */
  mantissaBit: number;
  /** True when the gap to the next float below is half the gap above (a power of two). */
  unequalMargins: boolean;
}

const scratch = new DataView(new ArrayBuffer(8));

function bitLength(m: bigint): number {
  return m.toString(2).length;
}

/** Splits a float64 (or, for `'float32'`, the float32 nearest to `x`) into its IEEE parts, as numpy's Dragon4 does. */
function floatParts(x: number, single: boolean): FloatParts {
  let negative: boolean;
  let expBits: number;
  let frac: bigint;
  let fracBits: number;
  let bias: number;
  if (single) {
    scratch.setFloat32(0, x);
    const bits = scratch.getUint32(0);
    negative = bits >>> 31 === 1;
    expBits = (bits >>> 23) & 0xff;
    frac = BigInt(bits & 0x7fffff);
    fracBits = 23;
    bias = 127;
  } else {
    scratch.setFloat64(0, x);
    const bits = scratch.getBigUint64(0);
    negative = bits >> 63n === 1n;
    expBits = Number((bits >> 52n) & 0x7ffn);
    frac = bits & 0xfffffffffffffn;
    fracBits = 52;
    bias = 1023;
  }
  const maxExp = single ? 0xff : 0x7ff;
  if (expBits === maxExp) {
    return {
      negative,
      special: frac === 0n ? 'inf' : 'nan',
      mantissa: 0n,
      exponent: 0,
      mantissaBit: 0,
      unequalMargins: false,
    };
  }
  if (expBits !== 0) {
    return {
      negative,
      special: null,
      mantissa: (1n << BigInt(fracBits)) | frac,
      exponent: expBits - bias - fracBits,
      mantissaBit: fracBits,
      // numpy (after Ryan Juckett) treats the smallest normal exponent as having equal margins.
      unequalMargins: expBits !== 1 && frac === 0n,
    };
  }
  return {
    negative,
    special: null,
    mantissa: frac,
    exponent: 1 - bias - fracBits,
    mantissaBit: frac === 0n ? 0 : bitLength(frac) - 1,
    unequalMargins: false,
  };
}

const pow10Cache: bigint[] = [1n];
function pow10(n: number): bigint {
  for (let i = pow10Cache.length; i <= n; i++) pow10Cache.push(pow10Cache[i - 1] * 10n);
  return pow10Cache[n];
}

/** Where Dragon4 stops: after `cutoff` significant digits ('total') or digits after the point ('fraction'). */
type CutoffMode = 'total' | 'fraction';

/** numpy's large default output buffer; only matters for absurdly long outputs. */
const BUFFER_SIZE = 16384;

/**
 * numpy's Dragon4 (Steele & White / Burger & Dybvig, in Ryan Juckett's formulation with IEEE
 * unbiased rounding): the decimal digits of `mantissa * 2^exponent` and the base-10 exponent of the
 * first digit. `unique` stops as soon as the digits identify the value among its float neighbours;
 * otherwise digits are exact. `cutoffMax`/`cutoffMin` (-1 for none) bound the digit count.
 */
function dragon4(
  p: FloatParts,
  unique: boolean,
  cutoffMode: CutoffMode,
  cutoffMax: number,
  cutoffMin: number,
): { digits: string; exponent: number } {
  const { mantissa, exponent, unequalMargins } = p;
  if (mantissa === 0n) return { digits: '0', exponent: 0 };
  const isEven = (mantissa & 1n) === 0n;
  // value = scaledValue / scale; the margins are half the distance to the neighbouring floats. Both
  // are scaled by 2 (by 4 with unequal margins) so the margins are integers.
  const shift = unequalMargins ? 2 : 1;
  let scaledValue = mantissa << BigInt(Math.max(exponent, 0) + shift);
  let scale = 1n << BigInt(Math.max(-exponent, 0) + shift);
  let marginLow = 1n << BigInt(Math.max(exponent, 0));
  let marginHigh = unequalMargins ? marginLow * 2n : marginLow;

  // Estimate floor(log10(v)) + 1 (correct or one too low), as numpy does.
  let digitExponent = Math.ceil((p.mantissaBit + exponent) * 0.3010299956639812 - 0.69);
  if (cutoffMax >= 0 && cutoffMode === 'fraction' && digitExponent <= -cutoffMax)
    digitExponent = -cutoffMax + 1;
  if (digitExponent > 0) scale *= pow10(digitExponent);
  else if (digitExponent < 0) {
    const f = pow10(-digitExponent);
    scaledValue *= f;
    marginLow *= f;
    marginHigh = unequalMargins ? marginLow * 2n : marginLow;
  }
  if (scaledValue >= scale) digitExponent += 1;
  else {
    scaledValue *= 10n;
    marginLow *= 10n;
    marginHigh = unequalMargins ? marginLow * 2n : marginLow;
  }

  let cutoffMaxExponent = digitExponent - BUFFER_SIZE;
  if (cutoffMax >= 0) {
    const desired = cutoffMode === 'total' ? digitExponent - cutoffMax : -cutoffMax;
    if (desired > cutoffMaxExponent) cutoffMaxExponent = desired;
  }
  let cutoffMinExponent = digitExponent;
  if (cutoffMin >= 0) {
    const desired = cutoffMode === 'total' ? digitExponent - cutoffMin : -cutoffMin;
    if (desired < cutoffMinExponent) cutoffMinExponent = desired;
  }
  let outExponent = digitExponent - 1;

  const out: number[] = [];
  let low = false;
  let high = false;
  let digit = 0;
  if (unique) {
    for (;;) {
      digitExponent -= 1;
      digit = Number(scaledValue / scale);
      scaledValue %= scale;
      const valueHigh = scaledValue + marginHigh;
      low = isEven ? scaledValue <= marginLow : scaledValue < marginLow;
      high = isEven ? valueHigh >= scale : valueHigh > scale;
      if (((low || high) && digitExponent <= cutoffMinExponent) || digitExponent === cutoffMaxExponent) break;
      out.push(digit);
      scaledValue *= 10n;
      marginLow *= 10n;
      marginHigh = unequalMargins ? marginLow * 2n : marginLow;
    }
  } else {
    for (;;) {
      digitExponent -= 1;
      digit = Number(scaledValue / scale);
      scaledValue %= scale;
      if (scaledValue === 0n || digitExponent === cutoffMaxExponent) break;
      out.push(digit);
      scaledValue *= 10n;
    }
  }

  // Round the final digit: to the nearer side, ties to the even digit.
  let roundDown = low;
  if (low === high) {
    const twice = scaledValue * 2n;
    roundDown = twice < scale;
    if (twice === scale) roundDown = (digit & 1) === 0;
  }
  if (roundDown) out.push(digit);
  else if (digit < 9) out.push(digit + 1);
  else {
    // Carry: drop trailing nines and increment the first other digit (or start over at "1").
    for (;;) {
      if (out.length === 0) {
        out.push(1);
        outExponent += 1;
        break;
      }
      const d = out.pop() as number;
      if (d !== 9) {
        out.push(d + 1);
        break;
      }
    }
  }
  return { digits: out.join(''), exponent: outExponent };
}

/**
 * numpy's trim modes: `'k'` keeps trailing zeros, `'.'` trims them but keeps the point, `'0'` keeps
 * one zero after the point, `'-'` trims zeros and the point.
 */
export type TrimMode = 'k' | '.' | '0' | '-';

/** Options of {@link formatFloatPositional} and {@link formatFloatScientific}, as numpy's. */
export interface FloatFormatOptions {
  /** Maximum digits (after the point for positional; after the first digit for scientific). */
  precision?: number | null;
  /** Shortest unique digits (true, default) or exact digits cut at `precision`. */
  unique?: boolean;
  /** Positional only: `precision` counts digits after the point (default) or significant digits. */
  fractional?: boolean;
  /** Trailing-zero handling; `'k'` by default, as numpy. */
  trim?: TrimMode;
  /** Always print a sign. */
  sign?: boolean;
  /** Pad with spaces until this many characters are left of the point. */
  padLeft?: number | null;
  /** Positional only: pad with spaces until this many characters are right of the point. */
  padRight?: number | null;
  /** Scientific only: pad the exponent with zeros to this many digits (2 by default). */
  expDigits?: number | null;
  /** Print at least this many digits (unique mode), rounding the last one. */
  minDigits?: number | null;
  /** Interpret the value as a float32 (shortest digits among float32 values). */
  float32?: boolean;
}

function orMinus1(v: number | null | undefined): number {
  return v === null || v === undefined ? -1 : v;
}

function specialString(p: FloatParts, sign: boolean): string {
  if (p.special === 'nan') return 'nan';
  return `${p.negative ? '-' : sign ? '+' : ''}inf`;
}

/**
 * numpy's `np.format_float_positional`: a float in positional notation, via Dragon4.
 * @example formatFloatPositional(0.1 + 0.2) // '0.30000000000000004'
 * @example formatFloatPositional(1 / 3, { precision: 8, trim: '.' }) // '0.33333333'
 */
export function formatFloatPositional(x: number, options: FloatFormatOptions = {}): string {
  const precision = orMinus1(options.precision);
  const minDigits = orMinus1(options.minDigits);
  const padLeft = orMinus1(options.padLeft);
  const padRight = orMinus1(options.padRight);
  const unique = options.unique ?? true;
  const fractional = options.fractional ?? true;
  const trim = options.trim ?? 'k';
  const p = floatParts(x, options.float32 ?? false);
  if (p.special) return specialString(p, options.sign ?? false);
  const signStr = p.negative ? '-' : options.sign ? '+' : '';
  const { digits, exponent } = dragon4(p, unique, fractional ? 'fraction' : 'total', precision, minDigits);

  let whole: string;
  let frac: string;
  if (exponent >= 0) {
    const nWhole = exponent + 1;
    if (digits.length <= nWhole) {
      whole = digits + '0'.repeat(nWhole - digits.length);
      frac = '';
    } else {
      whole = digits.slice(0, nWhole);
      frac = digits.slice(nWhole);
    }
  } else {
    whole = '0';
    frac = '0'.repeat(-(exponent + 1)) + digits;
  }
  let point = trim !== '-' || frac.length > 0;
  const addDigits = unique ? minDigits : precision;
  const desired = fractional ? Math.max(addDigits, 0) : addDigits - whole.length;
  if (trim === '0') {
    if (frac.length === 0) frac = '0';
  } else if (trim === 'k' && desired > frac.length) {
    frac += '0'.repeat(desired - frac.length);
  }
  if (trim !== 'k' && frac.length > 0) {
    frac = frac.replace(/0+$/, '');
    if (frac.length === 0) {
      if (trim === '0') frac = '0';
      else if (trim === '-') point = false;
    }
  }
  let s = signStr + whole + (point ? '.' : '') + frac;
  if (padRight >= frac.length) {
    if (trim === '-' && frac.length === 0) s += ' ';
    s += ' '.repeat(padRight - frac.length);
  }
  const left = whole.length + signStr.length;
  if (padLeft > left) s = ' '.repeat(padLeft - left) + s;
  return s;
}

/**
 * numpy's `np.format_float_scientific`: a float as `d.ddde±XX`, via Dragon4.
 * @example formatFloatScientific(12345) // '1.2345e+04'
 * @example formatFloatScientific(1e-5, { trim: '.' }) // '1.e-05'
 */
export function formatFloatScientific(x: number, options: FloatFormatOptions = {}): string {
  const precision = orMinus1(options.precision);
  const minDigits = orMinus1(options.minDigits);
  const padLeft = orMinus1(options.padLeft);
  let expDigits = orMinus1(options.expDigits);
  const unique = options.unique ?? true;
  const trim = options.trim ?? 'k';
  const p = floatParts(x, options.float32 ?? false);
  if (p.special) return specialString(p, options.sign ?? false);
  const signStr = p.negative ? '-' : options.sign ? '+' : '';
  const { digits, exponent } = dragon4(
    p,
    unique,
    'total',
    precision < 0 ? -1 : precision + 1,
    minDigits < 0 ? -1 : minDigits + 1,
  );
  let s = '';
  const leftChars = 1 + signStr.length;
  if (padLeft > leftChars) s += ' '.repeat(padLeft - leftChars);
  s += signStr + digits[0];
  let frac = digits.slice(1);
  const point = trim !== '-' || frac.length > 0;
  const addDigits = Math.max(unique ? minDigits : precision, 0);
  if (trim === '0') {
    if (frac.length === 0) frac = '0';
  } else if (trim === 'k' && addDigits > frac.length) {
    frac += '0'.repeat(addDigits - frac.length);
  }
  if (trim !== 'k' && frac.length > 0) {
    frac = frac.replace(/0+$/, '');
    if (trim === '0' && frac.length === 0) frac = '0';
  }
  s += (point ? '.' : '') + frac;
  if (expDigits > 5) expDigits = 5;
  if (expDigits < 0) expDigits = 2;
  s += `e${exponent >= 0 ? '+' : '-'}${String(Math.abs(exponent)).padStart(expDigits, '0')}`;
  return s;
}
