/**
 * The elementwise and reduction kernels of the WASM backend (`binaryOp`, `unaryOp`, `reduceRows`,
 * used by `ops/fast.ts`): argument checks (shared with ref), staging of the arrays that are not
 * resident, the call. {@link WasmKernels} delegates to these.
 * @module
 */
import { checkBinaryOp, checkReduceRows, checkUnaryOp, layoutLength } from '../check.js';
import type { BinaryOp, FloatArray, OperandLayout, ReduceOp, UnaryOp } from '../types.js';
import type { KernelMemory } from './memory.js';
import type { KernelExports } from './module.js';

// The op and layout codes of asm/binary.ts, asm/unary.ts and asm/reduce.ts.
const BINARY_OP: Record<BinaryOp, number> = { add: 0, sub: 1, mul: 2, div: 3, max: 4, min: 5 };
const LAYOUT: Record<OperandLayout, number> = { scalar: 0, row: 1, full: 2 };
const UNARY_OP: Record<UnaryOp, number> = { neg: 0, abs: 1, sqrt: 2, square: 3, exp: 4 };
const REDUCE_OP: Record<ReduceOp, number> = { sum: 0, max: 1, min: 2 };

/**
 * `Kernels.binaryOp` on the module exports `ex` with memory `mem`.
 * @example wasmBinaryOp(exports, mem, 'add', 100, 50, h, 'full', b, 'row', h) // h (100,50) += b (50,)
 */
export function wasmBinaryOp(
  ex: KernelExports,
  mem: KernelMemory,
  op: BinaryOp,
  m: number,
  n: number,
  a: FloatArray,
  aLayout: OperandLayout,
  b: FloatArray,
  bLayout: OperandLayout,
  out: FloatArray,
): void {
  checkBinaryOp('binaryOp', op, m, n, a, aLayout, b, bLayout, out);
  const size = m * n;
  if (size === 0) return;
  const na = layoutLength(aLayout, m, n);
  const nb = layoutLength(bLayout, m, n);
  // out is staged apart from a and b, so in-place calls on ordinary arrays work too
  mem.begin(mem.bytes(a, na) + mem.bytes(b, nb) + mem.bytes(out, size));
  const pa = mem.input(a, na);
  const pb = mem.input(b, nb);
  const po = mem.output(out, size, false);
  const f = out instanceof Float32Array ? ex.binary_f32 : ex.binary_f64;
  f(BINARY_OP[op], m, n, pa, LAYOUT[aLayout], pb, LAYOUT[bLayout], po);
  mem.end();
}

/**
 * `Kernels.unaryOp` on the module exports `ex` with memory `mem`.
 * @example wasmUnaryOp(exports, mem, 'exp', 1000, x, y) // y (1000,) = exp(x)
 */
export function wasmUnaryOp(
  ex: KernelExports,
  mem: KernelMemory,
  op: UnaryOp,
  n: number,
  x: FloatArray,
  y: FloatArray,
): void {
  checkUnaryOp('unaryOp', op, n, x, y);
  mem.begin(mem.bytes(x, n) + mem.bytes(y, n));
  const px = mem.input(x, n);
  const py = mem.output(y, n, false);
  (y instanceof Float32Array ? ex.unary_f32 : ex.unary_f64)(UNARY_OP[op], n, px, py);
  mem.end();
}

/**
 * `Kernels.reduceRows` on the module exports `ex` with memory `mem`.
 * @example wasmReduceRows(exports, mem, 'sum', 100, 10, a, out) // out (100,) = a (100,10).sum(axis=1)
 */
export function wasmReduceRows(
  ex: KernelExports,
  mem: KernelMemory,
  op: ReduceOp,
  m: number,
  n: number,
  a: FloatArray,
  out: FloatArray,
): void {
  checkReduceRows('reduceRows', op, m, n, a, out);
  if (m === 0) return;
  mem.begin(mem.bytes(a, m * n) + mem.bytes(out, m));
  const pa = mem.input(a, m * n);
  const po = mem.output(out, m, false);
  (out instanceof Float32Array ? ex.reduce_rows_f32 : ex.reduce_rows_f64)(REDUCE_OP[op], m, n, pa, po);
  mem.end();
}
