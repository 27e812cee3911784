// Reductions of the rows of a contiguous (m, n) array of T (f32 or f64), one result per row:
// - sum: numpy's pairwise summation (numpy/_core/src/umath/loops_utils.h.src, as
//   src/ops/pairwise-sum.ts): under 8 elements a plain loop from 0; up to 128, eight partial sums
//   r[0..7] (here the lanes of two f32x4 or four f64x2 vectors) over blocks of 8, combined as
//   ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)), then the rest one by one; above, the two
//   halves split at n/2 rounded down to a multiple of 8. Accumulated in T (f32 in f32, as numpy):
//   the same additions in the same order, so the reference's bits.
// - max, min: NaN wins; otherwise the extremum, and among equal extrema (only 0 and -0 differ) the
//   last one, as the reference's `acc = v unless acc > v (or acc is NaN)` leaves it.
import { lanes } from './simd';

// Op codes, shared with src/kernels/wasm/kernels.ts.
const SUM = 0;
const MAX = 1;

/** numpy's pairwise sum of the n elements at a. */
function pairwise<T>(a: usize, n: i32): T {
  const S = sizeof<T>();
  if (n < 8) {
    let res: T = 0;
    for (let i = 0; i < n; i++) res += load<T>(a + (i as usize) * S);
    return res;
  }
  if (n <= 128) {
    const end = n - (n & 7);
    let res: T;
    let i = 8;
    if (sizeof<T>() == 4) {
      let v0 = v128.load(a); // r0..r3
      let v1 = v128.load(a, 16); // r4..r7
      for (; i < end; i += 8) {
        const p = a + (i as usize) * 4;
        v0 = f32x4.add(v0, v128.load(p));
        v1 = f32x4.add(v1, v128.load(p, 16));
      }
      // w = [r0 + r1, r2 + r3, r4 + r5, r6 + r7]
      const w = f32x4.add(i32x4.shuffle(v0, v1, 0, 2, 4, 6), i32x4.shuffle(v0, v1, 1, 3, 5, 7));
      res = (((f32x4.extract_lane(w, 0) + f32x4.extract_lane(w, 1)) as f32) +
        ((f32x4.extract_lane(w, 2) + f32x4.extract_lane(w, 3)) as f32)) as T;
    } else {
      let v0 = v128.load(a); // r0, r1
      let v1 = v128.load(a, 16); // r2, r3
      let v2 = v128.load(a, 32); // r4, r5
      let v3 = v128.load(a, 48); // r6, r7
      for (; i < end; i += 8) {
        const p = a + (i as usize) * 8;
        v0 = f64x2.add(v0, v128.load(p));
        v1 = f64x2.add(v1, v128.load(p, 16));
        v2 = f64x2.add(v2, v128.load(p, 32));
        v3 = f64x2.add(v3, v128.load(p, 48));
      }
      // [r0 + r1, r2 + r3] and [r4 + r5, r6 + r7]
      const lo = f64x2.add(i64x2.shuffle(v0, v1, 0, 2), i64x2.shuffle(v0, v1, 1, 3));
      const hi = f64x2.add(i64x2.shuffle(v2, v3, 0, 2), i64x2.shuffle(v2, v3, 1, 3));
      res = ((f64x2.extract_lane(lo, 0) + f64x2.extract_lane(lo, 1)) +
        (f64x2.extract_lane(hi, 0) + f64x2.extract_lane(hi, 1))) as T;
    }
    for (; i < n; i++) res += load<T>(a + (i as usize) * S);
    return res;
  }
  let n2 = n >> 1;
  n2 -= n2 & 7;
  return pairwise<T>(a, n2) + pairwise<T>(a + (n2 as usize) * S, n - n2);
}

/** The reference's step: acc stays if acc > v (max) or acc < v (min), or acc is NaN; else v. */
// @ts-ignore: decorator
@inline function keepV<T>(isMax: bool, acc: v128, v: v128): v128 {
  const beats = isMax ? v128.gt<T>(acc, v) : v128.lt<T>(acc, v);
  return v128.bitselect(acc, v, v128.or(beats, v128.ne<T>(acc, acc)));
}

// @ts-ignore: decorator
@inline function keepS<T>(isMax: bool, acc: T, v: T): T {
  return (isMax ? acc > v : acc < v) || isNaN<T>(acc) ? acc : v;
}

/** Folds the lanes of acc into r in lane order. */
// @ts-ignore: decorator
@inline function foldLanes<T>(isMax: bool, r: T, acc: v128): T {
  if (sizeof<T>() == 4) {
    r = keepS<T>(isMax, r, f32x4.extract_lane(acc, 0) as T);
    r = keepS<T>(isMax, r, f32x4.extract_lane(acc, 1) as T);
    r = keepS<T>(isMax, r, f32x4.extract_lane(acc, 2) as T);
    return keepS<T>(isMax, r, f32x4.extract_lane(acc, 3) as T);
  }
  r = keepS<T>(isMax, r, f64x2.extract_lane(acc, 0) as T);
  return keepS<T>(isMax, r, f64x2.extract_lane(acc, 1) as T);
}

/** Maximum (isMax) or minimum of the n elements at a; -inf / +inf for none. */
// @ts-ignore: decorator
@inline function extremum<T>(isMax: bool, a: usize, n: i32): T {
  const S = sizeof<T>();
  const L = lanes<T>();
  const init: T = isMax ? (-Infinity as T) : (Infinity as T);
  let acc0 = v128.splat<T>(init);
  let acc1 = acc0;
  let i = 0;
  for (; i + 2 * L <= n; i += 2 * L) {
    const p = a + (i as usize) * S;
    acc0 = keepV<T>(isMax, acc0, v128.load(p));
    acc1 = keepV<T>(isMax, acc1, v128.load(p, 16));
  }
  let r = foldLanes<T>(isMax, foldLanes<T>(isMax, init, acc0), acc1);
  for (; i < n; i++) r = keepS<T>(isMax, r, load<T>(a + (i as usize) * S));
  if (r == 0) {
    // the lanes lost the order: the reference ends on the last element equal to the extremum
    for (let j = n - 1; j >= 0; j--) {
      const v = load<T>(a + (j as usize) * S);
      if (v == 0) return v;
    }
  }
  return r;
}

/** out[i] = op over row i of a (m, n) (op: 0 sum, 1 max, 2 min). */
function reduceRowsImpl<T>(op: i32, m: i32, n: i32, a: usize, out: usize): void {
  const S = sizeof<T>();
  const rowBytes = (n as usize) * S;
  for (let r = 0; r < m; r++) {
    const p = a + (r as usize) * rowBytes;
    const v: T = op == SUM ? pairwise<T>(p, n) : op == MAX ? extremum<T>(true, p, n) : extremum<T>(false, p, n);
    store<T>(out + (r as usize) * S, v);
  }
}

export function reduce_rows_f32(op: i32, m: i32, n: i32, a: usize, out: usize): void {
  reduceRowsImpl<f32>(op, m, n, a, out);
}
export function reduce_rows_f64(op: i32, m: i32, n: i32, a: usize, out: usize): void {
  reduceRowsImpl<f64>(op, m, n, a, out);
}
