/**
 * The convolution kernels of the WASM backend (im2col, col2im, max pooling and its backward):
 * argument checks (shared with ref), staging of the arguments that are not resident, the call.
 * {@link WasmKernels} delegates to these.
 * @module
 */
import { argMaxError, checkIm2col, checkMaxPool, checkMaxPoolBackward } from '../check.js';
import type { ConvGeometry, FloatArray } from '../types.js';
import type { KernelMemory } from './memory.js';
import type { KernelExports } from './module.js';

/**
 * `Kernels.im2col` on the module exports `ex` with memory `mem`.
 * @example wasmIm2col(exports, mem, g, x, col) // x (N,C,H,W) -> col (N*OH*OW, C*FH*FW)
 */
export function wasmIm2col(
  ex: KernelExports,
  mem: KernelMemory,
  g: ConvGeometry,
  x: FloatArray,
  col: FloatArray,
): void {
  checkIm2col('im2col', g, x, col);
  const nx = g.n * g.c * g.h * g.w;
  const ncol = g.n * g.oh * g.ow * g.c * g.fh * g.fw;
  if (ncol === 0) return;
  mem.begin(mem.bytes(x, nx) + mem.bytes(col, ncol));
  const px = mem.input(x, nx);
  const pcol = mem.output(col, ncol, false);
  const f = col instanceof Float32Array ? ex.im2col_f32 : ex.im2col_f64;
  f(g.n, g.c, g.h, g.w, g.fh, g.fw, g.stride, g.pad, g.oh, g.ow, px, pcol);
  mem.end();
}

/**
 * `Kernels.col2im` on the module exports `ex` with memory `mem`.
 * @example wasmCol2im(exports, mem, g, dcol, dx) // dcol (N*OH*OW, C*FH*FW) -> dx (N,C,H,W)
 */
export function wasmCol2im(
  ex: KernelExports,
  mem: KernelMemory,
  g: ConvGeometry,
  col: FloatArray,
  x: FloatArray,
): void {
  checkIm2col('col2im', g, x, col);
  const nx = g.n * g.c * g.h * g.w;
  const ncol = g.n * g.oh * g.ow * g.c * g.fh * g.fw;
  if (nx === 0) return;
  mem.begin(mem.bytes(x, nx) + mem.bytes(col, ncol));
  const pcol = mem.input(col, ncol);
  const px = mem.output(x, nx, false);
  const f = x instanceof Float32Array ? ex.col2im_f32 : ex.col2im_f64;
  f(g.n, g.c, g.h, g.w, g.fh, g.fw, g.stride, g.pad, g.oh, g.ow, pcol, px);
  mem.end();
}

/**
 * `Kernels.maxPool` on the module exports `ex` with memory `mem`.
 * @example wasmMaxPool(exports, mem, g, x, out, argMax) // (N,C,H,W) -> (N,C,OH,OW)
 */
export function wasmMaxPool(
  ex: KernelExports,
  mem: KernelMemory,
  g: ConvGeometry,
  x: FloatArray,
  out: FloatArray,
  argMax: Int32Array,
): void {
  checkMaxPool('maxPool', g, x, out, argMax);
  const nx = g.n * g.c * g.h * g.w;
  const nout = g.n * g.c * g.oh * g.ow;
  if (nout === 0) return;
  mem.begin(mem.bytes(x, nx) + mem.bytes(out, nout) + mem.bytes(argMax, nout));
  const px = mem.input(x, nx);
  const pout = mem.output(out, nout, false);
  const parg = mem.output(argMax, nout, false);
  const f = out instanceof Float32Array ? ex.max_pool_f32 : ex.max_pool_f64;
  f(g.n * g.c, g.h, g.w, g.fh, g.fw, g.stride, g.pad, g.oh, g.ow, px, pout, parg);
  mem.end();
}

/**
 * `Kernels.maxPoolBackward` on the module exports `ex` with memory `mem` (argMax is checked in the module,
 * before anything is written).
 * @example wasmMaxPoolBackward(exports, mem, g, argMax, dout, dx) // dout (N,C,OH,OW) -> dx (N,C,H,W)
 */
export function wasmMaxPoolBackward(
  ex: KernelExports,
  mem: KernelMemory,
  g: ConvGeometry,
  argMax: Int32Array,
  dout: FloatArray,
  dx: FloatArray,
): void {
  checkMaxPoolBackward('maxPoolBackward', g, argMax, dout, dx);
  const nx = g.n * g.c * g.h * g.w;
  const nout = g.n * g.c * g.oh * g.ow;
  if (nx === 0) return;
  mem.begin(mem.bytes(argMax, nout) + mem.bytes(dout, nout) + mem.bytes(dx, nx));
  const parg = mem.input(argMax, nout);
  const pdout = mem.input(dout, nout);
  const pdx = mem.output(dx, nx, true);
  const f = dx instanceof Float32Array ? ex.max_pool_backward_f32 : ex.max_pool_backward_f64;
  const bad = f(g.n * g.c, g.h, g.w, g.fh, g.fw, g.stride, g.pad, g.oh, g.ow, parg, pdout, pdx);
  mem.end();
  if (bad >= 0) throw argMaxError('maxPoolBackward', bad, argMax[bad], nx);
}
