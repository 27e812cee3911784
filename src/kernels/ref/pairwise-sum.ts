/**
 * numpy's pairwise summation (numpy/_core/src/umath/loops_utils.h.src, PW_BLOCKSIZE = 128), in
 * float64 and in float32 arithmetic, as used by `sum` and `mean` (ops/reduce.ts) and the reference
 * `reduceRows` kernel. Strided reads (`p`, `n`, `s`) over any array of numbers.
 *
 * @module
 */
/**
 * numpy's pairwise sum of `n` elements of `a` from `p` with step `s`, in float64.
 * @example pairwiseSum(new Float64Array([1, 2, 3]), 0, 3, 1) // 6
 */
export function pairwiseSum(a: ArrayLike<number>, p: number, n: number, s: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[p + i * s];
    return res;
  }
  if (n <= 128) {
    let r0 = a[p];
    let r1 = a[p + s];
    let r2 = a[p + 2 * s];
    let r3 = a[p + 3 * s];
    let r4 = a[p + 4 * s];
    let r5 = a[p + 5 * s];
    let r6 = a[p + 6 * s];
    let r7 = a[p + 7 * s];
    const end = n - (n % 8);
    let i = 8;
    for (; i < end; i += 8) {
      const b = p + i * s;
      r0 += a[b];
      r1 += a[b + s];
      r2 += a[b + 2 * s];
      r3 += a[b + 3 * s];
      r4 += a[b + 4 * s];
      r5 += a[b + 5 * s];
      r6 += a[b + 6 * s];
      r7 += a[b + 7 * s];
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[p + i * s];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, p, n2, s) + pairwiseSum(a, p + n2 * s, n - n2, s);
}

/** numpy's pairwise sum in float32 arithmetic (every addition rounded to float32). */
export function pairwiseSum32(a: ArrayLike<number>, p: number, n: number, s: number): number {
  const f = Math.fround;
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res = f(res + a[p + i * s]);
    return res;
  }
  if (n <= 128) {
    let r0 = f(a[p]);
    let r1 = f(a[p + s]);
    let r2 = f(a[p + 2 * s]);
    let r3 = f(a[p + 3 * s]);
    let r4 = f(a[p + 4 * s]);
    let r5 = f(a[p + 5 * s]);
    let r6 = f(a[p + 6 * s]);
    let r7 = f(a[p + 7 * s]);
    const end = n - (n % 8);
    let i = 8;
    for (; i < end; i += 8) {
      const b = p + i * s;
      r0 = f(r0 + a[b]);
      r1 = f(r1 + a[b + s]);
      r2 = f(r2 + a[b + 2 * s]);
      r3 = f(r3 + a[b + 3 * s]);
      r4 = f(r4 + a[b + 4 * s]);
      r5 = f(r5 + a[b + 5 * s]);
      r6 = f(r6 + a[b + 6 * s]);
      r7 = f(r7 + a[b + 7 * s]);
    }
    let res = f(f(f(r0 + r1) + f(r2 + r3)) + f(f(r4 + r5) + f(r6 + r7)));
    for (; i < n; i++) res = f(res + a[p + i * s]);
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return f(pairwiseSum32(a, p, n2, s) + pairwiseSum32(a, p + n2 * s, n - n2, s));
}
