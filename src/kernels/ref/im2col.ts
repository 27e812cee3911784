/**
 * Reference im2col and col2im: the readable loops (the book's `common/util.py` layout), used by the
 * ref kernels, by `ops/im2col.ts` and by the layers for inputs of other element types. The layout is
 * described in `ops/im2col.ts` and in `Kernels.im2col`.
 * @module
 */
import { checkIm2col } from '../check.js';
import type { ConvGeometry, FloatArray } from '../types.js';

/**
 * Writes the im2col matrix of the contiguous `(N, C, H, W)` image `src` (from `srcOffset`) into
 * `dst` (`(N*OH*OW, C*FH*FW)`, from element 0). Every element of that range of `dst` is written.
 * `src` may be any numeric typed array (values are converted on store). Unchecked: see {@link im2col}.
 * @example im2colInto(x.data, 0, convGeometry('im2col', x.shape, 3, 3, 1, 1), col) // x (N,C,H,W) -> col (N*OH*OW, C*9)
 */
export function im2colInto(
  src: ArrayLike<number>,
  srcOffset: number,
  g: ConvGeometry,
  dst: FloatArray,
): void {
  const { n, c, h, w, fh, fw, stride, pad, oh, ow } = g;
  const plane = h * w;
  let p = 0;
  for (let b = 0; b < n; b++) {
    const imgBase = srcOffset + b * c * plane;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * stride - pad;
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * stride - pad;
        const inside = x0 >= 0 && x0 + fw <= w;
        for (let ch = 0; ch < c; ch++) {
          const chBase = imgBase + ch * plane;
          for (let ky = 0; ky < fh; ky++) {
            const iy = y0 + ky;
            if (iy < 0 || iy >= h) {
              for (let kx = 0; kx < fw; kx++) dst[p++] = 0;
              continue;
            }
            const row = chBase + iy * w;
            if (inside) {
              const s = row + x0;
              for (let kx = 0; kx < fw; kx++) dst[p++] = src[s + kx];
            } else {
              for (let kx = 0; kx < fw; kx++) {
                const ix = x0 + kx;
                dst[p++] = ix >= 0 && ix < w ? src[row + ix] : 0;
              }
            }
          }
        }
      }
    }
  }
}

/**
 * Adds the im2col-layout matrix `col` (`(N*OH*OW, C*FH*FW)`, from element 0) back onto the image
 * `dst` (`(N, C, H, W)`, contiguous, from element 0): the adjoint of {@link im2colInto}.
 * Overwrites `dst` (it is zeroed first); contributions that fall in the padding are dropped. Each
 * pixel adds its contributions in increasing row order of col (the WASM kernel keeps this order, so
 * the two agree bit for bit). Unchecked: see {@link col2im}.
 * @example col2imInto(dcol, convGeometry('col2im', x.shape, 3, 3, 1, 1), dx.data) // dcol (N*OH*OW, C*9) -> dx (N,C,H,W)
 */
export function col2imInto(col: ArrayLike<number>, g: ConvGeometry, dst: FloatArray): void {
  const { n, c, h, w, fh, fw, stride, pad, oh, ow } = g;
  const plane = h * w;
  dst.fill(0, 0, n * c * plane);
  let p = 0;
  for (let b = 0; b < n; b++) {
    const imgBase = b * c * plane;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * stride - pad;
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * stride - pad;
        const inside = x0 >= 0 && x0 + fw <= w;
        for (let ch = 0; ch < c; ch++) {
          const chBase = imgBase + ch * plane;
          for (let ky = 0; ky < fh; ky++) {
            const iy = y0 + ky;
            if (iy < 0 || iy >= h) {
              p += fw;
              continue;
            }
            const row = chBase + iy * w;
            if (inside) {
              const d = row + x0;
              for (let kx = 0; kx < fw; kx++) dst[d + kx] += col[p++];
            } else {
              for (let kx = 0; kx < fw; kx++, p++) {
                const ix = x0 + kx;
                if (ix >= 0 && ix < w) dst[row + ix] += col[p];
              }
            }
          }
        }
      }
    }
  }
}

/**
 * `Kernels.im2col`: checked {@link im2colInto}.
 * @example im2col({ n: 1, c: 1, h: 3, w: 3, fh: 2, fw: 2, stride: 1, pad: 0, oh: 2, ow: 2 }, x, col) // x (1,1,3,3) -> col (4, 4)
 */
export function im2col<T extends FloatArray>(g: ConvGeometry, x: T, col: T): void {
  checkIm2col('im2col', g, x, col);
  im2colInto(x, 0, g, col);
}

/**
 * `Kernels.col2im`: checked {@link col2imInto}.
 * @example col2im({ n: 1, c: 1, h: 3, w: 3, fh: 2, fw: 2, stride: 1, pad: 0, oh: 2, ow: 2 }, col, x) // col (4, 4) -> x (1,1,3,3)
 */
export function col2im<T extends FloatArray>(g: ConvGeometry, col: T, x: T): void {
  checkIm2col('col2im', g, x, col);
  col2imInto(col, g, x);
}
