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
// col2im adds each run onto its window row (whole vectors, then single elements), so every pixel
// receives its contributions in increasing row order of col, starting from +0: the reference's sums,
// bit for bit.
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
  const runBytes = (fw as usize) * S;
  const vecBytes = (((fw / L) * L) as usize) * S;
  const rowBytes = (w as usize) * S;
  const planeBytes = (h as usize) * rowBytes;
  memory.fill(x, 0, (n as usize) * (c as usize) * planeBytes);
  let p = col;
  for (let b = 0; b < n; b++) {
    const img = x + (b as usize) * (c as usize) * planeBytes;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * stride - pad;
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * stride - pad;
        const inside = x0 >= 0 && x0 + fw <= w;
        for (let ch = 0; ch < c; ch++) {
          const chBase = img + (ch as usize) * planeBytes;
          for (let ky = 0; ky < fh; ky++) {
            const iy = y0 + ky;
            if (iy >= 0 && iy < h) {
              const row = chBase + (iy as usize) * rowBytes;
              if (inside) {
                const d = row + (x0 as usize) * S;
                let k: usize = 0;
                for (; k < vecBytes; k += 16) v128.store(d + k, v128.add<T>(v128.load(d + k), v128.load(p + k)));
                for (; k < runBytes; k += S) store<T>(d + k, load<T>(d + k) + load<T>(p + k));
              } else {
                for (let kx = 0; kx < fw; kx++) {
                  const ix = x0 + kx;
                  if (ix >= 0 && ix < w) {
                    const d = row + (ix as usize) * S;
                    store<T>(d, load<T>(d) + load<T>(p + (kx as usize) * S));
                  }
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
