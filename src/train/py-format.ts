/**
 * Python's `str(float)`, so the Trainer's log lines read exactly as the book's
 * (`"=== epoch:1, train acc:0.1, test acc:0.09 ==="`, `"test acc:1.0"`).
 */

/**
 * Formats a number as Python's `str(x)` / `repr(x)` for a float: the shortest digits that round-trip,
 * always with a decimal point or an exponent, exponent form below 1e-4 and from 1e16 on.
 * @example pyFloat(1)       // '1.0'
 * @example pyFloat(0.00001) // '1e-05'
 * @example pyFloat(NaN)     // 'nan'
 */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  // toExponential() with no argument gives the shortest round-tripping digits, as Python's repr.
  const [mant, expPart] = x.toExponential().split('e');
  const exp = Number(expPart);
  const sign = x < 0 ? '-' : '';
  const digits = mant.replace('-', '').replace('.', '');
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}
