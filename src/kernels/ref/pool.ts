/**
 * Reference max pooling: the readable loops, used by the ref kernels and by the Pooling layer for
 * inputs of other element types. See `Kernels.maxPool` for the semantics (first maximum in window
 * order, a NaN wins, padding never does).
 * @module
 */
import { argMaxError, checkMaxPool, checkMaxPoolBackward } from '../check.js';
import type { ConvGeometry, FloatArray } from '../types.js';

/**
 * Max over each window of `src` (`(N, C, H, W)` from `off`, cells inside the input only) into `out`
 * (`(N, C, OH, OW)`), and the flat index (from `off`) of the winner into `arg`. `src` may be any
 * numeric typed array. Unchecked: see {@link maxPool}.
 * @example maxPoolInto(x.data, x.offset, g, out, argMax) // (N,C,H,W) -> (N,C,OH,OW)
 */
export function maxPoolInto(
  src: ArrayLike<number>,
  off: number,
  g: ConvGeometry,
  out: FloatArray,
  arg: Int32Array,
): void {
  const { h, w, oh, ow, fh, fw, stride, pad } = g;
  if (fh === 2 && fw === 2 && pad === 0) {
    maxPool2x2(src, off, g, out, arg);
    return;
  }
  const planes = g.n * g.c;
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * h * w;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * stride - pad;
      const ya = Math.max(y0, 0);
      const yb = Math.min(y0 + fh, h);
      for (let ox = 0; ox < ow; ox++, o++) {
        const x0 = ox * stride - pad;
        const xa = Math.max(x0, 0);
        const xb = Math.min(x0 + fw, w);
        // start from the window's first cell inside the input; a NaN wins (np.max, np.argmax)
        let bi = base + ya * w + xa;
        let best = src[off + bi];
        for (let iy = ya; iy < yb; iy++) {
          for (let i = base + iy * w + xa, e = base + iy * w + xb; i < e; i++) {
            const v = src[off + i];
            if (v > best || (Number.isNaN(v) && !Number.isNaN(best))) {
              best = v;
              bi = i;
            }
          }
        }
        out[o] = best;
        arg[o] = bi;
      }
    }
  }
}

/**
 * {@link maxPoolInto} for the book's 2x2 windows without padding (every window inside the input),
 * with the four cells compared in window order; a window with a NaN (its sum is NaN) looks for it.
 */
function maxPool2x2(
  src: ArrayLike<number>,
  off: number,
  g: ConvGeometry,
  out: FloatArray,
  arg: Int32Array,
): void {
  const { h, w, oh, ow, stride } = g;
  const planes = g.n * g.c;
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * h * w;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0, i = base + oy * stride * w; ox < ow; ox++, o++, i += stride) {
        const v0 = src[off + i];
        const v1 = src[off + i + 1];
        const v2 = src[off + i + w];
        const v3 = src[off + i + w + 1];
        let best = v0;
        let bi = i;
        if (v1 > best) {
          best = v1;
          bi = i + 1;
        }
        if (v2 > best) {
          best = v2;
          bi = i + w;
        }
        if (v3 > best) {
          best = v3;
          bi = i + w + 1;
        }
        if (Number.isNaN(v0 + v1 + v2 + v3)) {
          // NaN (or +Infinity and -Infinity together): the first NaN wins, as np.argmax
          const cells = [i, i + 1, i + w, i + w + 1];
          const nan = cells.find((c) => Number.isNaN(src[off + c]));
          if (nan !== undefined) {
            best = Number.NaN;
            bi = nan;
          }
        }
        out[o] = best;
        arg[o] = bi;
      }
    }
  }
}

/**
 * `Kernels.maxPool`: checked {@link maxPoolInto}.
 * @example maxPool({ n: 1, c: 1, h: 4, w: 4, fh: 2, fw: 2, stride: 2, pad: 0, oh: 2, ow: 2 }, x, out, argMax) // (1,1,4,4) -> (1,1,2,2)
 */
export function maxPool<T extends FloatArray>(g: ConvGeometry, x: T, out: T, argMax: Int32Array): void {
  checkMaxPool('maxPool', g, x, out, argMax);
  maxPoolInto(x, 0, g, out, argMax);
}

/**
 * `Kernels.maxPoolBackward`: dx = 0, then `dx[argMax[o]] += dout[o]` in increasing o.
 * @example maxPoolBackward(g, argMax, dout, dx) // dout (1,1,2,2) -> dx (1,1,4,4)
 */
export function maxPoolBackward<T extends FloatArray>(
  g: ConvGeometry,
  argMax: Int32Array,
  dout: T,
  dx: T,
): void {
  checkMaxPoolBackward('maxPoolBackward', g, argMax, dout, dx);
  const count = g.n * g.c * g.oh * g.ow;
  const size = g.n * g.c * g.h * g.w;
  for (let o = 0; o < count; o++) {
    const i = argMax[o];
    if (!(i >= 0 && i < size)) throw argMaxError('maxPoolBackward', o, i, size);
  }
  dx.fill(0, 0, size);
  for (let o = 0; o < count; o++) dx[argMax[o]] += dout[o];
}
