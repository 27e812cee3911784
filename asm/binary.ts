// Binary elementwise ops (numpy's add, subtract, multiply, divide, maximum, minimum) on contiguous
// runs of T (f32 or f64), each operand either a full (m, n) array, one row of n repeated for every
// row (a bias), or one scalar. Plain IEEE operations in T, so the results are the reference's bit
// for bit (src/kernels/ref/ops.ts); maximum/minimum follow numpy: NaN in either input wins, and on
// a tie (0 vs -0) the second input is returned, as `x > y || isNaN(x) ? x : y`.
import { lanes } from './simd';

// Op and layout codes, shared with src/kernels/wasm/kernels.ts.
const ADD = 0;
const SUB = 1;
const MUL = 2;
const DIV = 3;
const MAX = 4;
const MIN = 5;
const SCALAR = 0;
const ROW = 1;
const FULL = 2;

/** One op on a vector of lanes. */
// @ts-ignore: decorator
@inline function opV<T>(op: i32, x: v128, y: v128): v128 {
  if (op == ADD) return v128.add<T>(x, y);
  if (op == SUB) return v128.sub<T>(x, y);
  if (op == MUL) return v128.mul<T>(x, y);
  if (op == DIV) return v128.div<T>(x, y);
  if (op == MAX) return v128.bitselect(x, y, v128.or(v128.gt<T>(x, y), v128.ne<T>(x, x)));
  return v128.bitselect(x, y, v128.or(v128.lt<T>(x, y), v128.ne<T>(x, x)));
}

/** The same op on one element. */
// @ts-ignore: decorator
@inline function opS<T>(op: i32, x: T, y: T): T {
  if (op == ADD) return x + y;
  if (op == SUB) return x - y;
  if (op == MUL) return x * y;
  if (op == DIV) return x / y;
  if (op == MAX) return x > y || isNaN<T>(x) ? x : y;
  return x < y || isNaN<T>(x) ? x : y;
}

/**
 * out[i] = a[i] op b[i] for i < n, where a scalar operand (aS, bS) is its element 0 for every i.
 * Inlined with constant op, aS and bS, so each combination compiles to its own branch-free loop.
 * Each vector is read before the same vector of out is written: out may be a (in place).
 */
// @ts-ignore: decorator
@inline function run<T>(op: i32, n: i32, a: usize, aS: bool, b: usize, bS: bool, out: usize): void {
  const S = sizeof<T>();
  const L = lanes<T>();
  const sa: T = aS ? load<T>(a) : (0 as T);
  const sb: T = bS ? load<T>(b) : (0 as T);
  const va = v128.splat<T>(sa);
  const vb = v128.splat<T>(sb);
  let i = 0;
  for (; i + 2 * L <= n; i += 2 * L) {
    const o = (i as usize) * S;
    const x0 = aS ? va : v128.load(a + o);
    const x1 = aS ? va : v128.load(a + o, 16);
    const y0 = bS ? vb : v128.load(b + o);
    const y1 = bS ? vb : v128.load(b + o, 16);
    v128.store(out + o, opV<T>(op, x0, y0));
    v128.store(out + o, opV<T>(op, x1, y1), 16);
  }
  for (; i < n; i++) {
    const o = (i as usize) * S;
    store<T>(out + o, opS<T>(op, aS ? sa : load<T>(a + o), bS ? sb : load<T>(b + o)));
  }
}

/** `run` for each op, with the scalar flags as given (constants where this is inlined). */
// @ts-ignore: decorator
@inline function byOp<T>(op: i32, n: i32, a: usize, aS: bool, b: usize, bS: bool, out: usize): void {
  switch (op) {
    case ADD: run<T>(ADD, n, a, aS, b, bS, out); break;
    case SUB: run<T>(SUB, n, a, aS, b, bS, out); break;
    case MUL: run<T>(MUL, n, a, aS, b, bS, out); break;
    case DIV: run<T>(DIV, n, a, aS, b, bS, out); break;
    case MAX: run<T>(MAX, n, a, aS, b, bS, out); break;
    default: run<T>(MIN, n, a, aS, b, bS, out); break;
  }
}

function runAny<T>(op: i32, n: i32, a: usize, aS: bool, b: usize, bS: bool, out: usize): void {
  if (aS) {
    if (bS) byOp<T>(op, n, a, true, b, true, out);
    else byOp<T>(op, n, a, true, b, false, out);
  } else {
    if (bS) byOp<T>(op, n, a, false, b, true, out);
    else byOp<T>(op, n, a, false, b, false, out);
  }
}

/**
 * out (m, n) = a op b, with a and b each laid out as SCALAR (one element), ROW (n elements, the
 * same for every row) or FULL (m x n). Without a ROW operand the m rows are one run of m * n.
 */
function binaryImpl<T>(op: i32, m: i32, n: i32, a: usize, al: i32, b: usize, bl: i32, out: usize): void {
  if (al != ROW && bl != ROW) {
    n = m * n;
    m = 1;
  }
  const rowBytes = (n as usize) * sizeof<T>();
  for (let r = 0; r < m; r++) {
    const off = (r as usize) * rowBytes;
    runAny<T>(op, n, al == FULL ? a + off : a, al == SCALAR, bl == FULL ? b + off : b, bl == SCALAR, out + off);
  }
}

export function binary_f32(op: i32, m: i32, n: i32, a: usize, al: i32, b: usize, bl: i32, out: usize): void {
  binaryImpl<f32>(op, m, n, a, al, b, bl, out);
}
export function binary_f64(op: i32, m: i32, n: i32, a: usize, al: i32, b: usize, bl: i32, out: usize): void {
  binaryImpl<f64>(op, m, n, a, al, b, bl, out);
}
