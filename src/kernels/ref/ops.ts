/**
 * Reference kernels for the elementwise ops and reductions of `ops/` on contiguous data:
 * `binaryOp`, `unaryOp`, `reduceRows`. Each result is computed in float64 and stored into the
 * output array; for float32 arrays that store rounds once, which gives float32 arithmetic's result
 * exactly for + - * / sqrt (float64 has more than twice float32's precision), so these are numpy's
 * values operation for operation (exp aside: a correctly rounded float64 exp, rounded to float32).
 * @module
 */

import { checkBinaryOp, checkReduceRows, checkUnaryOp } from '../check.js';
import type { BinaryOp, FloatArray, OperandLayout, ReduceOp, UnaryOp } from '../types.js';
import { pairwiseSum, pairwiseSum32 } from './pairwise-sum.js';

const BINARY: Record<BinaryOp, (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  // numpy's maximum/minimum: NaN in either input wins; on a tie (0 vs -0) the second input
  max: (x, y) => (x > y || Number.isNaN(x) ? x : y),
  min: (x, y) => (x < y || Number.isNaN(x) ? x : y),
};

/** Index into an operand of `layout` for element (i, j) of an (m, n) output. */
function index(layout: OperandLayout, i: number, j: number, n: number): number {
  return layout === 'full' ? i * n + j : layout === 'row' ? j : 0;
}

/**
 * `out = a op b` over an (m, n) output, each operand 'full', 'row' or 'scalar'.
 * @example binaryOp('add', 2, 2, new Float64Array([1, 2, 3, 4]), 'full', new Float64Array([10, 20]), 'row', out) // out = [11, 22, 13, 24]
 */
export function binaryOp<T extends FloatArray>(
  op: BinaryOp,
  m: number,
  n: number,
  a: T,
  aLayout: OperandLayout,
  b: T,
  bLayout: OperandLayout,
  out: T,
): void {
  checkBinaryOp('binaryOp', op, m, n, a, aLayout, b, bLayout, out);
  const f = BINARY[op];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      out[i * n + j] = f(a[index(aLayout, i, j, n)], b[index(bLayout, i, j, n)]);
    }
  }
}

const UNARY: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  sqrt: Math.sqrt,
  square: (x) => x * x,
  exp: Math.exp,
};

/**
 * `y = op(x)` over n elements (may run in place).
 * @example unaryOp('sqrt', 2, new Float32Array([4, 9]), y) // y = [2, 3]
 */
export function unaryOp<T extends FloatArray>(op: UnaryOp, n: number, x: T, y: T): void {
  checkUnaryOp('unaryOp', op, n, x, y);
  const f = UNARY[op];
  for (let i = 0; i < n; i++) y[i] = f(x[i]);
}

/**
 * One result per row of a (m, n): numpy's pairwise sum in the array's type, or the max / min
 * (`acc` becomes each element unless it beats it or is NaN: NaN sticks, and the last of equal
 * extrema wins).
 * @example reduceRows('sum', 2, 2, new Float64Array([1, 2, 3, 4]), out) // out = [3, 7]
 */
export function reduceRows<T extends FloatArray>(op: ReduceOp, m: number, n: number, a: T, out: T): void {
  checkReduceRows('reduceRows', op, m, n, a, out);
  for (let i = 0; i < m; i++) {
    const p = i * n;
    if (op === 'sum') {
      out[i] = a instanceof Float32Array ? pairwiseSum32(a, p, n, 1) : pairwiseSum(a, p, n, 1);
      continue;
    }
    let acc = op === 'max' ? -Infinity : Infinity;
    for (let j = 0; j < n; j++) {
      const v = a[p + j];
      const beats = op === 'max' ? acc > v : acc < v;
      if (!beats && !Number.isNaN(acc)) acc = v;
    }
    out[i] = acc;
  }
}
