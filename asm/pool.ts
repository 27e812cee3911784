// Max pooling forward (maximum and argmax per window) and backward (scatter of dout to the argmax),
// generic over T (f32 or f64), as src/kernels/ref/pool.ts: x (planes = N*C, H, W), windows FH x FW
// moved by stride over the input padded by pad (< FH, FW) on every side, cells inside the input only;
// the first maximum in window order wins, a NaN wins over numbers (the first NaN).
// 2x2 windows with stride 2 and no padding (the book's pooling) run four (f32) or two (f64) windows
// per step without branches: even and odd columns of two rows deinterleaved into v0..v3 (the cells
// in window order), then three compare-and-selects; a step whose cells hold a NaN is redone one
// window at a time. Their backward, when the windows tile the input, writes every cell of dx once
// (no zero fill, no scatter).
import { lanes } from './simd';

/** One window of the 2x2 path at element index i (row length w): out[o], arg[o]. */
// @ts-ignore: decorator
@inline function window2x2<T>(x: usize, w: i32, i: i32, out: usize, arg: usize, o: i32): void {
  const S = sizeof<T>();
  const p = x + (i as usize) * S;
  const down = (w as usize) * S;
  const v0 = load<T>(p);
  const v1 = load<T>(p + S);
  const v2 = load<T>(p + down);
  const v3 = load<T>(p + down + S);
  let best = v0;
  let bi = i;
  let m = v1 > best;
  best = select<T>(v1, best, m);
  bi = select<i32>(i + 1, bi, m);
  m = v2 > best;
  best = select<T>(v2, best, m);
  bi = select<i32>(i + w, bi, m);
  m = v3 > best;
  best = select<T>(v3, best, m);
  bi = select<i32>(i + w + 1, bi, m);
  if (isNaN<T>(v0 + v1 + v2 + v3)) {
    // a NaN, or +inf and -inf together: the first NaN wins, if any
    if (isNaN<T>(v0)) bi = i;
    else if (isNaN<T>(v1)) bi = i + 1;
    else if (isNaN<T>(v2)) bi = i + w;
    else if (isNaN<T>(v3)) bi = i + w + 1;
    best = load<T>(x + (bi as usize) * S);
  }
  store<T>(out + (o as usize) * S, best);
  store<i32>(arg + (o as usize) * 4, bi);
}

function maxPool2x2<T>(planes: i32, h: i32, w: i32, oh: i32, ow: i32, stride: i32, x: usize, out: usize, arg: usize): void {
  const S = sizeof<T>();
  const L = lanes<T>();
  const down = (w as usize) * S;
  // window offsets of the cells, per lane (f32: 4 windows; f64: 2)
  const cell1 = i32x4.splat(1);
  const cellW = i32x4.splat(w);
  const cellW1 = i32x4.splat(w + 1);
  const lane = i32x4(0, 2, 4, 6);
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * h * w;
    for (let oy = 0; oy < oh; oy++) {
      const i0 = base + oy * stride * w;
      let ox = 0;
      if (stride == 2) {
        for (; ox + L <= ow; ox += L) {
          const i = i0 + 2 * ox;
          const p = x + (i as usize) * S;
          const a0 = v128.load(p);
          const a1 = v128.load(p, 16);
          const b0 = v128.load(p + down);
          const b1 = v128.load(p + down, 16);
          let v0: v128, v1: v128, v2: v128, v3: v128;
          if (sizeof<T>() == 4) {
            v0 = i32x4.shuffle(a0, a1, 0, 2, 4, 6);
            v1 = i32x4.shuffle(a0, a1, 1, 3, 5, 7);
            v2 = i32x4.shuffle(b0, b1, 0, 2, 4, 6);
            v3 = i32x4.shuffle(b0, b1, 1, 3, 5, 7);
          } else {
            v0 = i64x2.shuffle(a0, a1, 0, 2);
            v1 = i64x2.shuffle(a0, a1, 1, 3);
            v2 = i64x2.shuffle(b0, b1, 0, 2);
            v3 = i64x2.shuffle(b0, b1, 1, 3);
          }
          const nan = v128.or(
            v128.or(v128.ne<T>(v0, v0), v128.ne<T>(v1, v1)),
            v128.or(v128.ne<T>(v2, v2), v128.ne<T>(v3, v3)),
          );
          if (v128.any_true(nan)) {
            for (let k = 0; k < L; k++) window2x2<T>(x, w, i + 2 * k, out, arg, o + k);
            o += L;
            continue;
          }
          let best = v0;
          let m = v128.gt<T>(v1, best);
          best = v128.bitselect(v1, best, m);
          if (sizeof<T>() == 4) {
            let off = v128.and(cell1, m);
            m = f32x4.gt(v2, best);
            best = v128.bitselect(v2, best, m);
            off = v128.bitselect(cellW, off, m);
            m = f32x4.gt(v3, best);
            best = v128.bitselect(v3, best, m);
            off = v128.bitselect(cellW1, off, m);
            v128.store(arg + (o as usize) * 4, i32x4.add(i32x4.add(i32x4.splat(i), lane), off));
          } else {
            // i64 masks: narrow to the low i32 of each lane
            let off = v128.and(cell1, i32x4.shuffle(m, m, 0, 2, 0, 2));
            m = f64x2.gt(v2, best);
            best = v128.bitselect(v2, best, m);
            off = v128.bitselect(cellW, off, i32x4.shuffle(m, m, 0, 2, 0, 2));
            m = f64x2.gt(v3, best);
            best = v128.bitselect(v3, best, m);
            off = v128.bitselect(cellW1, off, i32x4.shuffle(m, m, 0, 2, 0, 2));
            v128.store64_lane(arg + (o as usize) * 4, i32x4.add(i32x4.add(i32x4.splat(i), lane), off), 0);
          }
          v128.store(out + (o as usize) * S, best);
          o += L;
        }
      }
      for (; ox < ow; ox++, o++) window2x2<T>(x, w, i0 + ox * stride, out, arg, o);
    }
  }
}

function maxPoolImpl<T>(
  planes: i32, h: i32, w: i32, fh: i32, fw: i32, stride: i32, pad: i32, oh: i32, ow: i32,
  x: usize, out: usize, arg: usize,
): void {
  if (fh == 2 && fw == 2 && pad == 0) {
    maxPool2x2<T>(planes, h, w, oh, ow, stride, x, out, arg);
    return;
  }
  const S = sizeof<T>();
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * h * w;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * stride - pad;
      const ya = max(y0, 0);
      const yb = min(y0 + fh, h);
      for (let ox = 0; ox < ow; ox++, o++) {
        const x0 = ox * stride - pad;
        const xa = max(x0, 0);
        const xb = min(x0 + fw, w);
        let bi = base + ya * w + xa;
        let best = load<T>(x + (bi as usize) * S);
        for (let iy = ya; iy < yb; iy++) {
          for (let i = base + iy * w + xa, e = base + iy * w + xb; i < e; i++) {
            const v = load<T>(x + (i as usize) * S);
            if (v > best || (isNaN<T>(v) && !isNaN<T>(best))) {
              best = v;
              bi = i;
            }
          }
        }
        store<T>(out + (o as usize) * S, best);
        store<i32>(arg + (o as usize) * 4, bi);
      }
    }
  }
}

/**
 * The backward pass of the book's pooling (2x2 windows, stride 2, no padding, the windows tiling the
 * input exactly: h = 2*oh, w = 2*ow), writing each cell of dx once: dout + 0 at the window's argmax
 * (+0 turns a -0 into +0, as 0 + dout does), +0 at its other three cells. Returns false, having
 * written part of dx, when an argmax lies outside its own window (the caller then scatters).
 */
function maxPoolBackward2x2<T>(planes: i32, oh: i32, ow: i32, arg: usize, dout: usize, dx: usize): bool {
  const S = sizeof<T>();
  const L = lanes<T>();
  const w = 2 * ow;
  const rowBytes = (w as usize) * S;
  const zero = v128.splat<T>(0 as T);
  const lane = i32x4(0, 2, 4, 6);
  const cw = i32x4.splat(w);
  const cw1 = i32x4.splat(w + 1);
  const one = i32x4.splat(1);
  const izero = i32x4.splat(0);
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    for (let oy = 0; oy < oh; oy++) {
      const i0 = (plane * oh * 2 + 2 * oy) * w;
      const r0 = dx + (i0 as usize) * S;
      let ox = 0;
      for (; ox + L <= ow; ox += L, o += L) {
        const i = i0 + 2 * ox;
        let idx: v128;
        if (sizeof<T>() == 4) idx = v128.load(arg + (o as usize) * 4);
        else idx = v128.load64_zero(arg + (o as usize) * 4);
        const off = i32x4.sub(idx, i32x4.add(i32x4.splat(i), lane));
        const m0 = i32x4.eq(off, izero);
        const m1 = i32x4.eq(off, one);
        const m2 = i32x4.eq(off, cw);
        const m3 = i32x4.eq(off, cw1);
        const valid = v128.or(v128.or(m0, m1), v128.or(m2, m3));
        const d = v128.add<T>(v128.load(dout + (o as usize) * S), zero);
        const p = r0 + ((2 * ox) as usize) * S;
        if (sizeof<T>() == 4) {
          if (!i32x4.all_true(valid)) return false;
          const e0 = v128.and(d, m0);
          const e1 = v128.and(d, m1);
          const e2 = v128.and(d, m2);
          const e3 = v128.and(d, m3);
          v128.store(p, i32x4.shuffle(e0, e1, 0, 4, 1, 5));
          v128.store(p, i32x4.shuffle(e0, e1, 2, 6, 3, 7), 16);
          v128.store(p + rowBytes, i32x4.shuffle(e2, e3, 0, 4, 1, 5));
          v128.store(p + rowBytes, i32x4.shuffle(e2, e3, 2, 6, 3, 7), 16);
        } else {
          if (!i32x4.all_true(i32x4.shuffle(valid, valid, 0, 1, 0, 1))) return false;
          // the two i32 masks widened to the two i64 lanes
          const e0 = v128.and(d, i32x4.shuffle(m0, m0, 0, 0, 1, 1));
          const e1 = v128.and(d, i32x4.shuffle(m1, m1, 0, 0, 1, 1));
          const e2 = v128.and(d, i32x4.shuffle(m2, m2, 0, 0, 1, 1));
          const e3 = v128.and(d, i32x4.shuffle(m3, m3, 0, 0, 1, 1));
          v128.store(p, i64x2.shuffle(e0, e1, 0, 2));
          v128.store(p, i64x2.shuffle(e0, e1, 1, 3), 16);
          v128.store(p + rowBytes, i64x2.shuffle(e2, e3, 0, 2));
          v128.store(p + rowBytes, i64x2.shuffle(e2, e3, 1, 3), 16);
        }
      }
      for (; ox < ow; ox++, o++) {
        const i = i0 + 2 * ox;
        const off = load<i32>(arg + (o as usize) * 4) - i;
        if (off != 0 && off != 1 && off != w && off != w + 1) return false;
        const d = load<T>(dout + (o as usize) * S) + (0 as T);
        const p = r0 + ((2 * ox) as usize) * S;
        store<T>(p, off == 0 ? d : (0 as T));
        store<T>(p + S, off == 1 ? d : (0 as T));
        store<T>(p + rowBytes, off == w ? d : (0 as T));
        store<T>(p + rowBytes + S, off == w + 1 ? d : (0 as T));
      }
    }
  }
  return true;
}

/**
 * dx (planes x h x w) = 0, then dx[arg[o]] += dout[o] for o = 0 .. count-1 in order (the 2x2 path
 * above when it applies: the same values). Returns -1, or without writing anything the first o
 * whose arg[o] is outside [0, size).
 */
function maxPoolBackwardImpl<T>(
  planes: i32, h: i32, w: i32, fh: i32, fw: i32, stride: i32, pad: i32, oh: i32, ow: i32,
  arg: usize, dout: usize, dx: usize,
): i32 {
  const S = sizeof<T>();
  const count = planes * oh * ow;
  const size = planes * h * w;
  const limit = i32x4.splat(size);
  let o = 0;
  for (; o + 4 <= count; o += 4) {
    if (v128.any_true(i32x4.ge_u(v128.load(arg + (o as usize) * 4), limit))) break;
  }
  for (; o < count; o++) {
    if ((load<i32>(arg + (o as usize) * 4) as u32) >= (size as u32)) return o;
  }
  const tiled = fh == 2 && fw == 2 && stride == 2 && pad == 0 && h == 2 * oh && w == 2 * ow;
  if (tiled && maxPoolBackward2x2<T>(planes, oh, ow, arg, dout, dx)) return -1;
  memory.fill(dx, 0, (size as usize) * S);
  for (let k = 0; k < count; k++) {
    const d = dx + (load<i32>(arg + (k as usize) * 4) as usize) * S;
    store<T>(d, load<T>(d) + load<T>(dout + (k as usize) * S));
  }
  return -1;
}

export function max_pool_f32(
  planes: i32, h: i32, w: i32, fh: i32, fw: i32, stride: i32, pad: i32, oh: i32, ow: i32, x: usize, out: usize, arg: usize,
): void {
  maxPoolImpl<f32>(planes, h, w, fh, fw, stride, pad, oh, ow, x, out, arg);
}
export function max_pool_f64(
  planes: i32, h: i32, w: i32, fh: i32, fw: i32, stride: i32, pad: i32, oh: i32, ow: i32, x: usize, out: usize, arg: usize,
): void {
  maxPoolImpl<f64>(planes, h, w, fh, fw, stride, pad, oh, ow, x, out, arg);
}
export function max_pool_backward_f32(
  planes: i32, h: i32, w: i32, fh: i32, fw: i32, stride: i32, pad: i32, oh: i32, ow: i32, arg: usize, dout: usize, dx: usize,
): i32 {
  return maxPoolBackwardImpl<f32>(planes, h, w, fh, fw, stride, pad, oh, ow, arg, dout, dx);
}
export function max_pool_backward_f64(
  planes: i32, h: i32, w: i32, fh: i32, fw: i32, stride: i32, pad: i32, oh: i32, ow: i32, arg: usize, dout: usize, dx: usize,
): i32 {
  return maxPoolBackwardImpl<f64>(planes, h, w, fh, fw, stride, pad, oh, ow, arg, dout, dx);
}
