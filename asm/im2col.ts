// im2col and col2im with the book's layout (src/ops/im2col.ts, src/kernels/ref/im2col.ts), generic
// over T (f32 or f64): an image x (N, C, H, W) and col (N*OH*OW, C*FH*FW), rows ordered (n, oy, ox),
// columns (c, ky, kx); col[(n*OH + oy)*OW + ox, (c*FH + ky)*FW + kx] = x[n, c, oy*stride + ky - pad,
// ox*stride + kx - pad], 0 in the padding.
//
// Both walk col in order, one run of FW elements (one window row) at a time, as the reference does.
// im2col copies a run that lies inside the input with whole vectors: ceil(FW / lanes) loads and
// stores, the last store running past the run into the part of col written next (so it is
// overwritten in turn); only when that overrun would leave col, or a load the memory, is the run
// copied exactly (memory.copy). A window entirely inside the input takes a loop of pointer steps;
// runs in the padding are zero-filled with vectors too; runs that straddle the left or right border
// go element by element.
// col2im goes by output rows oy (whose OW rows of col stay in cache) and, per channel and window
// row ky, by vectors of pixels of the input row it lands on: the windows ox that cover them add, in
// increasing ox, their run of col loaded so that each lane gets its own kx (lanes outside the
// window masked to +0), onto the value from earlier oy. So every pixel receives its contributions
// in increasing row order of col, starting from +0, as the reference adds them (bit for bit), with
// one load and one store per vector of pixels and (oy, ky), and no division in the inner loops.
import { lanes } from './simd';

/** Copies `bytes` (a multiple of 16, at least 16) from s to d in whole vectors. */
// @ts-ignore: decorator
@inline function copyWide(d: usize, s: usize, bytes: usize): void {
  v128.store(d, v128.load(s));
  for (let v: usize = 16; v < bytes; v += 16) v128.store(d + v, v128.load(s + v));
}

function im2colImpl<T>(
  n: i32, c: i32, h: i32, w: i32, fh: i32, fw: i32, stride: i32, pad: i32, oh: i32, ow: i32,
  x: usize, col: usize,
): void {
  const S = sizeof<T>();
  const L = lanes<T>();
  const runBytes = (fw as usize) * S;
  const wideBytes = (((fw + L - 1) / L) as usize) << 4;
  const K = (c as usize) * (fh as usize) * (fw as usize);
  const rowOfCol = K * S;
  const colEnd = col + (n as usize) * (oh as usize) * (ow as usize) * rowOfCol;
  const rowBytes = (w as usize) * S;
  const planeBytes = (h as usize) * rowBytes;
  // whole-vector loads never leave the memory (they read at most wideBytes - S past x's end)
  const readsOk = x + (n as usize) * (c as usize) * planeBytes + wideBytes <= ((memory.size() as usize) << 16);
  const zero = i64x2.splat(0);
  let p = col;
  for (let b = 0; b < n; b++) {
    const img = x + (b as usize) * (c as usize) * planeBytes;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * stride - pad;
      const rowsInside = y0 >= 0 && y0 + fh <= h;
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * stride - pad;
        const inside = x0 >= 0 && x0 + fw <= w;
        if (rowsInside && inside && readsOk && p + rowOfCol + wideBytes <= colEnd) {
          // the whole window inside the input: C*FH runs, whole vectors, pointer steps only
          const s0 = img + (y0 as usize) * rowBytes + (x0 as usize) * S;
          for (let ch = 0; ch < c; ch++) {
            let s = s0 + (ch as usize) * planeBytes;
            if (wideBytes == 16) {
              for (let ky = 0; ky < fh; ky++) {
                v128.store(p, v128.load(s));
                p += runBytes;
                s += rowBytes;
              }
            } else {
              for (let ky = 0; ky < fh; ky++) {
                copyWide(p, s, wideBytes);
                p += runBytes;
                s += rowBytes;
              }
            }
          }
          continue;
        }
        for (let ch = 0; ch < c; ch++) {
          const chBase = img + (ch as usize) * planeBytes;
          for (let ky = 0; ky < fh; ky++) {
            const iy = y0 + ky;
            const wide = p + wideBytes <= colEnd;
            if (iy < 0 || iy >= h) {
              if (wide) {
                for (let v: usize = 0; v < wideBytes; v += 16) v128.store(p + v, zero);
              } else {
                memory.fill(p, 0, runBytes);
              }
            } else {
              const row = chBase + (iy as usize) * rowBytes;
              if (inside) {
                const s = row + (x0 as usize) * S;
                if (wide && readsOk) copyWide(p, s, wideBytes);
                else memory.copy(p, s, runBytes);
              } else {
                for (let kx = 0; kx < fw; kx++) {
                  const ix = x0 + kx;
                  let value: T = 0 as T;
                  if (ix >= 0 && ix < w) value = load<T>(row + (ix as usize) * S);
                  store<T>(p + (kx as usize) * S, value);
                }
              }
            }
            p += runBytes;
          }
        }
      }
    }
  }
}

function col2imImpl<T>(
  n: i32, c: i32, h: i32, w: i32, fh: i32, fw: i32, stride: i32, pad: i32, oh: i32, ow: i32,
  col: usize, x: usize,
): void {
  const S = sizeof<T>();
  const L = lanes<T>();
  const K = (c as usize) * (fh as usize) * (fw as usize);
  const rowBytes = (w as usize) * S;
  const planeBytes = (h as usize) * rowBytes;
  const colEnd = col + (n as usize) * (oh as usize) * (ow as usize) * K * S;
  // the vector path loads up to L - 1 elements before a run and after it (masked off): stay in memory
  const vectors = col >= 16 && colEnd + 16 <= ((memory.size() as usize) << 16);
  // along pixels, the next window (ox + 1) holds the pixel at kx - stride: col steps K - stride
  // (wrapping arithmetic: K < stride is fine)
  const step = (K - (stride as usize)) * S;
  // lane l of a vector of pixels: its kx relative to lane 0 (f64: each i32 twice, an i64 mask)
  const laneKx = sizeof<T>() == 4 ? i32x4(0, 1, 2, 3) : i32x4(0, 0, 1, 1);
  const below = i32x4.splat(-1);
  const width = i32x4.splat(fw);
  const strideV = i32x4.splat(stride);
  memory.fill(x, 0, (n as usize) * (c as usize) * planeBytes);
  for (let b = 0; b < n; b++) {
    const img = x + (b as usize) * (c as usize) * planeBytes;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * stride - pad;
      // col's rows of this (b, oy): OW rows of K
      const rows = col + (((b * oh + oy) as usize) * (ow as usize)) * K * S;
      for (let ch = 0; ch < c; ch++) {
        for (let ky = 0; ky < fh; ky++) {
          const iy = y0 + ky;
          if (iy < 0 || iy >= h) continue;
          const d = img + (ch as usize) * planeBytes + (iy as usize) * rowBytes;
          // col[(oy*OW + ox)*K + (ch*FH + ky)*FW + kx] is base + (ox*K + kx)*S
          const base = rows + (((ch * fh + ky) * fw) as usize) * S;
          let j = 0;
          if (vectors) {
            for (; j + L <= w; j += L) {
              // the windows covering pixels j .. j+L-1, in increasing ox; each adds its run, loaded
              // so that lane l holds kx = j + l + pad - ox*stride, the lanes outside [0, fw) masked
              // to +0 (adding +0 changes no sum: a pixel is never -0)
              const a = j + pad - fw + 1;
              const lo = a <= 0 ? 0 : (a + stride - 1) / stride;
              const hi = min((j + L - 1 + pad) / stride, ow - 1);
              const pj = d + (j as usize) * S;
              let acc = v128.load(pj);
              const kx0 = j + pad - lo * stride;
              let kv = i32x4.add(i32x4.splat(kx0), laneKx);
              let q = base + (lo as usize) * K * S + (kx0 as usize) * S;
              for (let ox = lo; ox <= hi; ox++) {
                const m = v128.and(i32x4.gt_s(kv, below), i32x4.lt_s(kv, width));
                acc = v128.add<T>(acc, v128.and(v128.load(q), m));
                q += step;
                kv = i32x4.sub(kv, strideV);
              }
              v128.store(pj, acc);
            }
          }
          for (; j < w; j++) {
            // one pixel: the same windows, summed in a register
            const a = j + pad - fw + 1;
            const lo = a <= 0 ? 0 : (a + stride - 1) / stride;
            const hi = min((j + pad) / stride, ow - 1);
            if (lo > hi) continue;
            const pj = d + (j as usize) * S;
            let acc = load<T>(pj);
            let q = base + (lo as usize) * K * S + ((j + pad - lo * stride) as usize) * S;
            for (let ox = lo; ox <= hi; ox++) {
              acc += load<T>(q);
              q += step;
            }
            store<T>(pj, acc);
          }
        }
      }
    }
  }
}

export function im2col_f32(
  n: i32, c: i32, h: i32, w: i32, fh: i32, fw: i32, stride: i32, pad: i32, oh: i32, ow: i32, x: usize, col: usize,
): void {
  im2colImpl<f32>(n, c, h, w, fh, fw, stride, pad, oh, ow, x, col);
}
export function im2col_f64(
  n: i32, c: i32, h: i32, w: i32, fh: i32, fw: i32, stride: i32, pad: i32, oh: i32, ow: i32, x: usize, col: usize,
): void {
  im2colImpl<f64>(n, c, h, w, fh, fw, stride, pad, oh, ow, x, col);
}
export function col2im_f32(
  n: i32, c: i32, h: i32, w: i32, fh: i32, fw: i32, stride: i32, pad: i32, oh: i32, ow: i32, col: usize, x: usize,
): void {
  col2imImpl<f32>(n, c, h, w, fh, fw, stride, pad, oh, ow, col, x);
}
export function col2im_f64(
  n: i32, c: i32, h: i32, w: i32, fh: i32, fw: i32, stride: i32, pad: i32, oh: i32, ow: i32, col: usize, x: usize,
): void {
  col2imImpl<f64>(n, c, h, w, fh, fw, stride, pad, oh, ow, col, x);
}
