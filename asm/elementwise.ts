// Elementwise and reduction kernels on contiguous arrays, generic over T (f32 or f64).
// Each follows src/kernels/ref/elementwise.ts operation by operation, rounding to T where the ref
// rounds, so that the results are bit-identical to the ref (no fused multiply-add here), except
// where exp/log are involved: f32 exp is expF32x4 of simd.ts (within 1 ulp), f64 exp and log are
// AssemblyScript's (musl-derived), against V8's in the ref: an ulp or two apart.
import { expF32, expF32x4, lanes } from './simd';

/** y += alpha * x (alpha rounded to T first, as numpy does with a Python float). */
function axpyImpl<T>(n: i32, alpha: T, x: usize, y: usize): void {
  const S = sizeof<T>();
  const L = lanes<T>();
  const va = v128.splat<T>(alpha);
  let i = 0;
  for (; i + 2 * L <= n; i += 2 * L) {
    const o = (i as usize) * S;
    v128.store(y + o, v128.add<T>(v128.load(y + o), v128.mul<T>(va, v128.load(x + o))));
    v128.store(y + o, v128.add<T>(v128.load(y + o, 16), v128.mul<T>(va, v128.load(x + o, 16))), 16);
  }
  for (; i < n; i++) {
    const o = (i as usize) * S;
    store<T>(y + o, load<T>(y + o) + alpha * load<T>(x + o));
  }
}

/** y = x <= 0 ? 0 : x (NaN passes through). */
function reluImpl<T>(n: i32, x: usize, y: usize): void {
  const S = sizeof<T>();
  const L = lanes<T>();
  const zero = v128.splat<T>(0 as T);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = (i as usize) * S;
    const v = v128.load(x + o);
    v128.store(y + o, v128.andnot(v, v128.le<T>(v, zero)));
  }
  for (; i < n; i++) {
    const o = (i as usize) * S;
    const v = load<T>(x + o);
    store<T>(y + o, v <= (0 as T) ? (0 as T) : v);
  }
}

/** dx = x <= 0 ? 0 : dout. */
function reluBackwardImpl<T>(n: i32, x: usize, dout: usize, dx: usize): void {
  const S = sizeof<T>();
  const L = lanes<T>();
  const zero = v128.splat<T>(0 as T);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = (i as usize) * S;
    v128.store(dx + o, v128.andnot(v128.load(dout + o), v128.le<T>(v128.load(x + o), zero)));
  }
  for (; i < n; i++) {
    const o = (i as usize) * S;
    store<T>(dx + o, load<T>(x + o) <= (0 as T) ? (0 as T) : load<T>(dout + o));
  }
}

/** exp in T's precision (f32: the vectorizable expF32 of simd.ts, within 1 ulp). */
// @ts-ignore: decorator
@inline export function expT<T>(v: T): T {
  if (sizeof<T>() == 4) return expF32(v as f32) as T;
  return Math.exp(v as f64) as T;
}

/** y = 1 / (1 + exp(-x)) for n elements at x, y (f32: four at a time). */
export function sigmoidImpl<T>(n: i32, x: usize, y: usize): void {
  const S = sizeof<T>();
  let i = 0;
  if (sizeof<T>() == 4) {
    const one = f32x4.splat(1);
    for (; i + 4 <= n; i += 4) {
      const o = (i as usize) * 4;
      v128.store(y + o, f32x4.div(one, f32x4.add(one, expF32x4(f32x4.neg(v128.load(x + o))))));
    }
  }
  for (; i < n; i++) {
    const o = (i as usize) * S;
    store<T>(y + o, (1 as T) / ((1 as T) + expT<T>(-load<T>(x + o))));
  }
}

/** dx = dout * (1 - y) * y, left to right as the book writes it. */
function sigmoidBackwardImpl<T>(n: i32, y: usize, dout: usize, dx: usize): void {
  const S = sizeof<T>();
  const L = lanes<T>();
  const one = v128.splat<T>(1 as T);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = (i as usize) * S;
    const yv = v128.load(y + o);
    v128.store(dx + o, v128.mul<T>(v128.mul<T>(v128.load(dout + o), v128.sub<T>(one, yv)), yv));
  }
  for (; i < n; i++) {
    const o = (i as usize) * S;
    const yv = load<T>(y + o);
    store<T>(dx + o, load<T>(dout + o) * ((1 as T) - yv) * yv);
  }
}

/** out[j] = sum over the m rows of a[i * lda + j], accumulated in f64 in row order, rounded once. */
function sumRowsImpl<T>(m: i32, n: i32, a: usize, lda: i32, out: usize): void {
  const S = sizeof<T>();
  const rowBytes = (lda as usize) * S;
  let j = 0;
  // 8 columns at a time: four f64x2 accumulators
  for (; j + 8 <= n; j += 8) {
    let s0 = f64x2.splat(0);
    let s1 = s0;
    let s2 = s0;
    let s3 = s0;
    let p = a + (j as usize) * S;
    for (let i = 0; i < m; i++) {
      if (sizeof<T>() == 4) {
        const v0 = v128.load(p);
        const v1 = v128.load(p, 16);
        s0 = f64x2.add(s0, f64x2.promote_low_f32x4(v0));
        s1 = f64x2.add(s1, f64x2.promote_low_f32x4(i32x4.shuffle(v0, v0, 2, 3, 0, 1)));
        s2 = f64x2.add(s2, f64x2.promote_low_f32x4(v1));
        s3 = f64x2.add(s3, f64x2.promote_low_f32x4(i32x4.shuffle(v1, v1, 2, 3, 0, 1)));
      } else {
        s0 = f64x2.add(s0, v128.load(p));
        s1 = f64x2.add(s1, v128.load(p, 16));
        s2 = f64x2.add(s2, v128.load(p, 32));
        s3 = f64x2.add(s3, v128.load(p, 48));
      }
      p += rowBytes;
    }
    const o = out + (j as usize) * S;
    if (sizeof<T>() == 4) {
      const lo = i32x4.shuffle(f32x4.demote_f64x2_zero(s0), f32x4.demote_f64x2_zero(s1), 0, 1, 4, 5);
      const hi = i32x4.shuffle(f32x4.demote_f64x2_zero(s2), f32x4.demote_f64x2_zero(s3), 0, 1, 4, 5);
      v128.store(o, lo);
      v128.store(o, hi, 16);
    } else {
      v128.store(o, s0);
      v128.store(o, s1, 16);
      v128.store(o, s2, 32);
      v128.store(o, s3, 48);
    }
  }
  for (; j < n; j++) {
    let s: f64 = 0;
    let p = a + (j as usize) * S;
    for (let i = 0; i < m; i++) {
      s += load<T>(p) as f64;
      p += rowBytes;
    }
    store<T>(out + (j as usize) * S, s as T);
  }
}

/**
 * Row-wise softmax of x (m, n) into y, the mean cross-entropy against labels (i32, m) or one-hot
 * rows (T, m x n; the label is the first maximum) as the return value, and dx = (y - onehot) / m
 * when dx != 0. Follows the ref: e = exp(x - max) in T, sum in f64, y = e / sum rounded to T,
 * loss = -sum(log(y[label] + 1e-7)) / m in f64.
 */
function softmaxCrossEntropyImpl<T>(m: i32, n: i32, x: usize, t: usize, oneHot: bool, y: usize, dx: usize): f64 {
  const S = sizeof<T>();
  const rowBytes = (n as usize) * S;
  const tiny = 1e-7 as T;
  const invM = m as T;
  let loss: f64 = 0;
  for (let i = 0; i < m; i++) {
    const xr = x + (i as usize) * rowBytes;
    const yr = y + (i as usize) * rowBytes;
    let mx = load<T>(xr);
    for (let j = 1; j < n; j++) {
      const v = load<T>(xr + (j as usize) * S);
      if (v > mx || isNaN(v)) mx = v;
    }
    let sum: f64 = 0;
    let j = 0;
    if (sizeof<T>() == 4) {
      const vmx = f32x4.splat(mx as f32);
      for (; j + 4 <= n; j += 4) {
        const o = (j as usize) * 4;
        const e = expF32x4(f32x4.sub(v128.load(xr + o), vmx));
        v128.store(yr + o, e);
        // in order, as the ref sums
        sum += f32x4.extract_lane(e, 0) as f64;
        sum += f32x4.extract_lane(e, 1) as f64;
        sum += f32x4.extract_lane(e, 2) as f64;
        sum += f32x4.extract_lane(e, 3) as f64;
      }
    }
    for (; j < n; j++) {
      const e = expT<T>(load<T>(xr + (j as usize) * S) - mx);
      store<T>(yr + (j as usize) * S, e);
      sum += e as f64;
    }
    for (let j = 0; j < n; j++) {
      const o = yr + (j as usize) * S;
      store<T>(o, ((load<T>(o) as f64) / sum) as T);
    }
    let label = 0;
    if (oneHot) {
      const tr = t + (i as usize) * rowBytes;
      let best = load<T>(tr);
      for (let j = 1; j < n; j++) {
        const v = load<T>(tr + (j as usize) * S);
        if (v > best) {
          best = v;
          label = j;
        }
      }
    } else {
      label = load<i32>(t + (i as usize) * 4);
    }
    loss += Math.log((load<T>(yr + (label as usize) * S) + tiny) as f64);
    if (dx != 0) {
      const dr = dx + (i as usize) * rowBytes;
      const tr = t + (i as usize) * rowBytes;
      for (let j = 0; j < n; j++) {
        const o = (j as usize) * S;
        const target: T = oneHot ? load<T>(tr + o) : j == label ? (1 as T) : (0 as T);
        store<T>(dr + o, (load<T>(yr + o) - target) / invM);
      }
    }
  }
  return -loss / (m as f64);
}

/**
 * The book's Adam step (common/optimizer.py), with lrT = lr * sqrt(1 - beta2^t) / (1 - beta1^t):
 * m += (1 - beta1) * (g - m); v += (1 - beta2) * (g * g - v); p -= lrT * m / (sqrt(v) + 1e-7),
 * each operation rounded to T, the last quotient and difference in f64 (lrT is an np.float64).
 */
function adamImpl<T>(n: i32, lrT: f64, beta1: f64, beta2: f64, p: usize, g: usize, mm: usize, vv: usize): void {
  const S = sizeof<T>();
  const c1 = (1 - beta1) as T;
  const c2 = (1 - beta2) as T;
  const eps = 1e-7 as T;
  let i = 0;
  if (sizeof<T>() == 4) {
    const vc1 = f32x4.splat(c1 as f32);
    const vc2 = f32x4.splat(c2 as f32);
    const veps = f32x4.splat(eps as f32);
    const vlr = f64x2.splat(lrT);
    for (; i + 4 <= n; i += 4) {
      const o = (i as usize) * 4;
      const gv = v128.load(g + o);
      let mv = v128.load(mm + o);
      let vvv = v128.load(vv + o);
      mv = f32x4.add(mv, f32x4.mul(vc1, f32x4.sub(gv, mv)));
      vvv = f32x4.add(vvv, f32x4.mul(vc2, f32x4.sub(f32x4.mul(gv, gv), vvv)));
      v128.store(mm + o, mv);
      v128.store(vv + o, vvv);
      const den = f32x4.add(f32x4.sqrt(vvv), veps);
      const pv = v128.load(p + o);
      const lo = f64x2.sub(
        f64x2.promote_low_f32x4(pv),
        f64x2.div(f64x2.mul(vlr, f64x2.promote_low_f32x4(mv)), f64x2.promote_low_f32x4(den)),
      );
      const hi = f64x2.sub(
        f64x2.promote_low_f32x4(i32x4.shuffle(pv, pv, 2, 3, 0, 1)),
        f64x2.div(f64x2.mul(vlr, f64x2.promote_low_f32x4(i32x4.shuffle(mv, mv, 2, 3, 0, 1))), f64x2.promote_low_f32x4(i32x4.shuffle(den, den, 2, 3, 0, 1))),
      );
      v128.store(p + o, i32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
    }
  }
  for (; i < n; i++) {
    const o = (i as usize) * S;
    const gi = load<T>(g + o);
    const mi = load<T>(mm + o) + c1 * (gi - load<T>(mm + o));
    const vi = load<T>(vv + o) + c2 * (gi * gi - load<T>(vv + o));
    store<T>(mm + o, mi);
    store<T>(vv + o, vi);
    const den = sqrtT<T>(vi) + eps;
    store<T>(p + o, ((load<T>(p + o) as f64) - (lrT * (mi as f64)) / (den as f64)) as T);
  }
}

/** sqrt in T's precision. */
// @ts-ignore: decorator
@inline function sqrtT<T>(v: T): T {
  if (sizeof<T>() == 4) return Mathf.sqrt(v as f32) as T;
  return Math.sqrt(v as f64) as T;
}

export function axpy_f32(n: i32, alpha: f32, x: usize, y: usize): void { axpyImpl<f32>(n, alpha, x, y); }
export function axpy_f64(n: i32, alpha: f64, x: usize, y: usize): void { axpyImpl<f64>(n, alpha, x, y); }
export function relu_f32(n: i32, x: usize, y: usize): void { reluImpl<f32>(n, x, y); }
export function relu_f64(n: i32, x: usize, y: usize): void { reluImpl<f64>(n, x, y); }
export function relu_backward_f32(n: i32, x: usize, dout: usize, dx: usize): void { reluBackwardImpl<f32>(n, x, dout, dx); }
export function relu_backward_f64(n: i32, x: usize, dout: usize, dx: usize): void { reluBackwardImpl<f64>(n, x, dout, dx); }
export function sigmoid_f32(n: i32, x: usize, y: usize): void { sigmoidImpl<f32>(n, x, y); }
export function sigmoid_f64(n: i32, x: usize, y: usize): void { sigmoidImpl<f64>(n, x, y); }
export function sigmoid_backward_f32(n: i32, y: usize, dout: usize, dx: usize): void { sigmoidBackwardImpl<f32>(n, y, dout, dx); }
export function sigmoid_backward_f64(n: i32, y: usize, dout: usize, dx: usize): void { sigmoidBackwardImpl<f64>(n, y, dout, dx); }
export function sum_rows_f32(m: i32, n: i32, a: usize, lda: i32, out: usize): void { sumRowsImpl<f32>(m, n, a, lda, out); }
export function sum_rows_f64(m: i32, n: i32, a: usize, lda: i32, out: usize): void { sumRowsImpl<f64>(m, n, a, lda, out); }
export function softmax_cross_entropy_f32(m: i32, n: i32, x: usize, t: usize, oneHot: i32, y: usize, dx: usize): f64 {
  return softmaxCrossEntropyImpl<f32>(m, n, x, t, oneHot != 0, y, dx);
}
export function softmax_cross_entropy_f64(m: i32, n: i32, x: usize, t: usize, oneHot: i32, y: usize, dx: usize): f64 {
  return softmaxCrossEntropyImpl<f64>(m, n, x, t, oneHot != 0, y, dx);
}
export function adam_f32(n: i32, lrT: f64, beta1: f64, beta2: f64, p: usize, g: usize, m: usize, v: usize): void {
  adamImpl<f32>(n, lrT, beta1, beta2, p, g, m, v);
}
export function adam_f64(n: i32, lrT: f64, beta1: f64, beta2: f64, p: usize, g: usize, m: usize, v: usize): void {
  adamImpl<f64>(n, lrT, beta1, beta2, p, g, m, v);
}
