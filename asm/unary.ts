// Unary elementwise ops on contiguous runs of T (f32 or f64): numpy's negative, absolute, sqrt,
// square (exactly rounded: the reference's bits) and exp (f32: expF32x4 of simd.ts, within 1 ulp
// of the correctly rounded result; f64: AssemblyScript's Math.exp, an ulp or so from V8's).
import { expF32, expF32x4, lanes } from './simd';

// Op codes, shared with src/kernels/wasm/kernels.ts.
const NEG = 0;
const ABS = 1;
const SQRT = 2;
const SQUARE = 3;
const EXP = 4;

/** One op on a vector of lanes. */
// @ts-ignore: decorator
@inline function opV<T>(op: i32, x: v128): v128 {
  if (op == NEG) return v128.neg<T>(x);
  if (op == ABS) return v128.abs<T>(x);
  if (op == SQRT) return v128.sqrt<T>(x);
  if (op == SQUARE) return v128.mul<T>(x, x);
  return expF32x4(x); // EXP, f32 only
}

/** The same op on one element. */
// @ts-ignore: decorator
@inline function opS<T>(op: i32, x: T): T {
  if (op == NEG) return -x;
  if (op == ABS) return abs<T>(x);
  if (op == SQRT) return sqrt<T>(x);
  if (op == SQUARE) return x * x;
  if (sizeof<T>() == 4) return expF32(x as f32) as T;
  return Math.exp(x as f64) as T;
}

/** y[i] = op(x[i]) for i < n (y may be x). Inlined with a constant op. */
// @ts-ignore: decorator
@inline function run<T>(op: i32, n: i32, x: usize, y: usize): void {
  const S = sizeof<T>();
  const L = lanes<T>();
  let i = 0;
  if (op != EXP || sizeof<T>() == 4) {
    for (; i + 2 * L <= n; i += 2 * L) {
      const o = (i as usize) * S;
      const v0 = v128.load(x + o);
      const v1 = v128.load(x + o, 16);
      v128.store(y + o, opV<T>(op, v0));
      v128.store(y + o, opV<T>(op, v1), 16);
    }
  }
  for (; i < n; i++) {
    const o = (i as usize) * S;
    store<T>(y + o, opS<T>(op, load<T>(x + o)));
  }
}

function unaryImpl<T>(op: i32, n: i32, x: usize, y: usize): void {
  switch (op) {
    case NEG: run<T>(NEG, n, x, y); break;
    case ABS: run<T>(ABS, n, x, y); break;
    case SQRT: run<T>(SQRT, n, x, y); break;
    case SQUARE: run<T>(SQUARE, n, x, y); break;
    default: run<T>(EXP, n, x, y); break;
  }
}

export function unary_f32(op: i32, n: i32, x: usize, y: usize): void { unaryImpl<f32>(op, n, x, y); }
export function unary_f64(op: i32, n: i32, x: usize, y: usize): void { unaryImpl<f64>(op, n, x, y); }
