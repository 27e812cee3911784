// Small SIMD helpers shared by the kernels, generic over the lane type T (f32 or f64).
// Compiled twice by scripts/build-wasm.mjs: with and without `--enable relaxed-simd`;
// ASC_FEATURE_RELAXED_SIMD is a compile-time constant, so each build keeps one branch.

/** `a * b + c` per lane: one fused (or unfused, as the hardware does it) relaxed_madd, or mul + add. */
// @ts-ignore: decorator
@inline export function madd<T>(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return v128.relaxed_madd<T>(a, b, c);
  } else {
    return v128.add<T>(v128.mul<T>(a, b), c);
  }
}

/** Broadcasts the T at `ptr + off` to every lane. */
// @ts-ignore: decorator
@inline export function loadSplat<T>(ptr: usize, off: usize): v128 {
  if (sizeof<T>() == 4) {
    return v128.load32_splat(ptr + off);
  } else {
    return v128.load64_splat(ptr + off);
  }
}

/** Lanes per v128 for T: 4 for f32, 2 for f64. */
// @ts-ignore: decorator
@inline export function lanes<T>(): i32 {
  return 16 / (sizeof<T>() as i32);
}

// exp for f32x4: Cody-Waite reduction x = n ln2 + r, |r| <= ln2/2, Cephes' degree-6 polynomial for
// e^r (about 1 ulp), and the scale 2^n applied as two factors 2^(n>>1) and 2^(n - (n>>1)) so that
// overflow gives +inf and underflow gives correctly scaled subnormals, then 0, as libm's expf does.
// NaN propagates (f32x4.min/max do). Plain mul/add only: the same bits on every platform.

/** e^x in each f32 lane (within 1 ulp of the correctly rounded result over 2M random samples). */
// @ts-ignore: decorator
@inline export function expF32x4(x: v128): v128 {
  x = f32x4.max(f32x4.min(x, f32x4.splat(89.0)), f32x4.splat(-104.0));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  const y = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(1.0));
  const ni = i32x4.trunc_sat_f32x4_s(n);
  const n1 = i32x4.shr_s(ni, 1);
  const s1 = i32x4.shl(i32x4.add(n1, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(i32x4.sub(ni, n1), i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(y, s1), s2);
}

/** e^x for one f32, by the same algorithm as {@link expF32x4}. */
// @ts-ignore: decorator
@inline export function expF32(x: f32): f32 {
  return f32x4.extract_lane(expF32x4(f32x4.splat(x)), 0);
}
