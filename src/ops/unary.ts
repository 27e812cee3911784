/**
 * Unary elementwise ops with numpy's dtype rules. Each returns a new contiguous tensor of the
 * input's shape (a copy, `base === null`); the input may be any strided view. A JS number is read
 * as a 0-d float64 tensor.
 *
 * dtypes, as numpy 2:
 * - "float" functions (exp, log, sqrt, tanh, log1p, expm1, sin, cos): float64 and float32 keep
 *   their dtype; int32, uint8 and bool give float64. (numpy gives float16 for uint8 and bool;
 *   scratchnet has no float16, so it uses float64.)
 * - neg, abs, sign, square, reciprocal, floor, ceil, round keep the dtype of integer inputs
 *   (integer results wrap like numpy's); neg and sign of bool are TypeErrors as in numpy;
 *   square and reciprocal of bool give int32 (numpy: int8), round of bool gives float64 (numpy: float16).
 * - logicalNot, isnan, isfinite give bool.
 *
 * float32 results are computed in float64 and rounded once to float32: exact for neg, abs, sign,
 * square, reciprocal, sqrt, floor, ceil, round; for the transcendental functions the result can
 * differ from numpy's float32 kernels by 1 ulp (and float64 results from the C library's by 1 ulp,
 * since JavaScript's Math functions are not correctly rounded either).
 */
import type { UnaryOp } from '../kernels/types.js';
import { allocate, type DType } from '../tensor/dtype.js';
import type { Tensor, TensorLike } from '../tensor/tensor.js';
import {
  checkTensorLike,
  floatLoop,
  newTensor,
  outView,
  runUnary,
  scalarView,
  type UnaryKernel,
} from './elementwise.js';
import { fastUnary } from './fast.js';

// ------------------------------------------------------------------ kernels (one run each)

const negK: UnaryKernel = (n, out, o, os, a, ao, as) => {
  for (let i = 0; i < n; i++, o += os, ao += as) out[o] = -a[ao];
};
const expK: UnaryKernel = (n, out, o, os, a, ao, as) => {
  for (let i = 0; i < n; i++, o += os, ao += as) out[o] = Math.exp(a[ao]);
};
const logK: UnaryKernel = (n, out, o, os, a, ao, as) => {
  for (let i = 0; i < n; i++, o += os, ao += as) out[o] = Math.log(a[ao]);
};
const sqrtK: UnaryKernel = (n, out, o, os, a, ao, as) => {
  for (let i = 0; i < n; i++, o += os, ao += as) out[o] = Math.sqrt(a[ao]);
};
/** Also right for int32's minimum, whose absolute value wraps back to itself when stored, as numpy's. */
const absK: UnaryKernel = (n, out, o, os, a, ao, as) => {
  for (let i = 0; i < n; i++, o += os, ao += as) out[o] = Math.abs(a[ao]);
};
/** numpy's sign: -1, 0 (also for -0) or 1; NaN stays NaN. */
const signK: UnaryKernel = (n, out, o, os, a, ao, as) => {
  for (let i = 0; i < n; i++, o += os, ao += as) {
    const x = a[ao];
    out[o] = x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : x;
  }
};
const tanhK: UnaryKernel = (n, out, o, os, a, ao, as) => {
  for (let i = 0; i < n; i++, o += os, ao += as) out[o] = Math.tanh(a[ao]);
};
/** Floats and uint8 (exact product, the store wraps). */
const squareK: UnaryKernel = (n, out, o, os, a, ao, as) => {
  for (let i = 0; i < n; i++, o += os, ao += as) {
    const x = a[ao];
    out[o] = x * x;
  }
};
const squareI32K: UnaryKernel = (n, out, o, os, a, ao, as) => {
  for (let i = 0; i < n; i++, o += os, ao += as) {
    const x = a[ao];
    out[o] = Math.imul(x, x);
  }
};
const reciprocalK: UnaryKernel = (n, out, o, os, a, ao, as) => {
  for (let i = 0; i < n; i++, o += os, ao += as) out[o] = 1 / a[ao];
};
/** numpy's int32 reciprocal: `(int)(1.0 / x)`, so 0 gives INT32_MIN (x86's conversion of inf). */
const reciprocalI32K: UnaryKernel = (n, out, o, os, a, ao, as) => {
  for (let i = 0; i < n; i++, o += os, ao += as) {
    const x = a[ao];
    out[o] = x === 1 ? 1 : x === -1 ? -1 : x === 0 ? -2147483648 : 0;
  }
};
/** numpy's uint8 (and int8, for bool) reciprocal: 1 for 1, else 0 (0 included). */
const reciprocalSmallK: UnaryKernel = (n, out, o, os, a, ao, as) => {
  for (let i = 0; i < n; i++, o += os, ao += as) out[o] = a[ao] === 1 ? 1 : 0;
};
const log1pK: UnaryKernel = (n, out, o, os, a, ao, as) => {
  for (let i = 0; i < n; i++, o += os, ao += as) out[o] = Math.log1p(a[ao]);
};
const expm1K: UnaryKernel = (n, out, o, os, a, ao, as) => {
  for (let i = 0; i < n; i++, o += os, ao += as) out[o] = Math.expm1(a[ao]);
};
const sinK: UnaryKernel = (n, out, o, os, a, ao, as) => {
  for (let i = 0; i < n; i++, o += os, ao += as) out[o] = Math.sin(a[ao]);
};
const cosK: UnaryKernel = (n, out, o, os, a, ao, as) => {
  for (let i = 0; i < n; i++, o += os, ao += as) out[o] = Math.cos(a[ao]);
};
const floorK: UnaryKernel = (n, out, o, os, a, ao, as) => {
  for (let i = 0; i < n; i++, o += os, ao += as) out[o] = Math.floor(a[ao]);
};
const ceilK: UnaryKernel = (n, out, o, os, a, ao, as) => {
  for (let i = 0; i < n; i++, o += os, ao += as) out[o] = Math.ceil(a[ao]);
};
/** Integers: floor, ceil and round are the identity. */
const copyK: UnaryKernel = (n, out, o, os, a, ao, as) => {
  for (let i = 0; i < n; i++, o += os, ao += as) out[o] = a[ao];
};
/**
 * C's `rint` (round half to even), which numpy's `round` uses: `Math.round` rounds halves up, so
 * exact halves go to the even neighbour `2 * Math.round(x / 2)`. Keeps -0 (`rint(-0.4) = -0`).
 */
const roundK: UnaryKernel = (n, out, o, os, a, ao, as) => {
  for (let i = 0; i < n; i++, o += os, ao += as) {
    const x = a[ao];
    const r = Math.round(x);
    out[o] = r - x === 0.5 ? 2 * Math.round(x / 2) : r;
  }
};
const notK: UnaryKernel = (n, out, o, os, a, ao, as) => {
  for (let i = 0; i < n; i++, o += os, ao += as) out[o] = a[ao] === 0 ? 1 : 0;
};
const isnanK: UnaryKernel = (n, out, o, os, a, ao, as) => {
  for (let i = 0; i < n; i++, o += os, ao += as) {
    const x = a[ao];
    out[o] = Number.isNaN(x) ? 1 : 0;
  }
};
const isfiniteK: UnaryKernel = (n, out, o, os, a, ao, as) => {
  for (let i = 0; i < n; i++, o += os, ao += as) {
    const x = a[ao];
    out[o] = x - x === 0 ? 1 : 0;
  }
};

// ------------------------------------------------------------------ op table and driver

interface UnarySpec {
  readonly name: string;
  /** Result dtype for an input dtype; throws for unsupported inputs. */
  readonly out: (input: DType) => DType;
  /** The kernel for an input dtype and its result dtype. */
  readonly kernel: (input: DType, out: DType) => UnaryKernel;
  /** The WASM kernel op for float inputs on contiguous data (see fast.ts), if there is one. */
  readonly fast?: UnaryOp;
}

const same = (d: DType): DType => d;
const toBool = (): DType => 'bool';

function floatFn(name: string, k: UnaryKernel, fast?: UnaryOp): UnarySpec {
  return { name, out: floatLoop, kernel: () => k, fast };
}

function noBool(message: string) {
  return (d: DType): DType => {
    if (d === 'bool') throw new TypeError(message);
    return d;
  };
}

const NEG: UnarySpec = {
  name: 'neg',
  out: noBool(
    'The numpy boolean negative, the `-` operator, is not supported, use the `~` operator or the logical_not ' +
      'function instead. (scratchnet: logicalNot(a).)',
  ),
  kernel: () => negK,
  fast: 'neg',
};
const SIGN: UnarySpec = {
  name: 'sign',
  out: noBool(
    "ufunc 'sign' did not contain a loop with signature matching types <class 'numpy.dtypes.BoolDType'> -> None " +
      "(scratchnet: convert with astype('int32') first)",
  ),
  kernel: () => signK,
};
const ABS: UnarySpec = { name: 'abs', out: same, kernel: () => absK, fast: 'abs' };
const SQUARE: UnarySpec = {
  name: 'square',
  out: (d) => (d === 'bool' ? 'int32' : d),
  kernel: (_, out) => (out === 'int32' ? squareI32K : squareK),
  fast: 'square',
};
const RECIPROCAL: UnarySpec = {
  name: 'reciprocal',
  out: (d) => (d === 'bool' ? 'int32' : d),
  kernel: (input, out) =>
    out === 'float64' || out === 'float32'
      ? reciprocalK
      : input === 'int32'
        ? reciprocalI32K
        : reciprocalSmallK,
};
const FLOOR: UnarySpec = {
  name: 'floor',
  out: same,
  kernel: (d) => (d === 'float64' || d === 'float32' ? floorK : copyK),
};
const CEIL: UnarySpec = {
  name: 'ceil',
  out: same,
  kernel: (d) => (d === 'float64' || d === 'float32' ? ceilK : copyK),
};
const ROUND: UnarySpec = {
  name: 'round',
  out: (d) => (d === 'bool' ? 'float64' : d),
  kernel: (_, out) => (out === 'float64' || out === 'float32' ? roundK : copyK),
};

const EXP = floatFn('exp', expK, 'exp');
const LOG = floatFn('log', logK);
const SQRT = floatFn('sqrt', sqrtK, 'sqrt');
const TANH = floatFn('tanh', tanhK);
const LOG1P = floatFn('log1p', log1pK);
const EXPM1 = floatFn('expm1', expm1K);
const SIN = floatFn('sin', sinK);
const COS = floatFn('cos', cosK);
const LOGICAL_NOT: UnarySpec = { name: 'logicalNot', out: toBool, kernel: () => notK };
const ISNAN: UnarySpec = { name: 'isnan', out: toBool, kernel: () => isnanK };
const ISFINITE: UnarySpec = { name: 'isfinite', out: toBool, kernel: () => isfiniteK };

function unaryOp(spec: UnarySpec, a: TensorLike): Tensor {
  checkTensorLike(spec.name, 'a', a);
  const view = typeof a === 'number' ? scalarView(a) : a;
  const input: DType = typeof a === 'number' ? 'float64' : a.dtype;
  const shape = view.shape;
  const dtype = spec.out(input);
  let size = 1;
  for (const d of shape) size *= d;
  const data = allocate(dtype, size);
  const out = outView(data, shape);
  if (!(spec.fast && input === dtype && fastUnary(spec.fast, dtype, shape, out, view)))
    runUnary(spec.kernel(input, dtype), shape, out, view);
  return newTensor(data, shape, dtype);
}

// ------------------------------------------------------------------ public functions

/**
 * `-a` elementwise (numpy's `negative`); integers wrap (uint8: `-1` is 255); bool is a TypeError as
 * in numpy. Same shape. Returns a new tensor (copy).
 * @example neg(tensor([1, -2])) // [-1, 2]
 */
export function neg(a: TensorLike): Tensor {
  return unaryOp(NEG, a);
}

/**
 * e**a elementwise; integers and bool give float64. Same shape. Returns a new tensor (copy).
 * @example exp(tensor([0, 1])) // [1, 2.718281828459045]
 */
export function exp(a: TensorLike): Tensor {
  return unaryOp(EXP, a);
}

/**
 * Natural logarithm elementwise (log(0) = -inf, log(-1) = NaN, as numpy); integers give float64.
 * Same shape. Returns a new tensor (copy).
 * @example log(tensor([1, Math.E])) // [0, 1]
 */
export function log(a: TensorLike): Tensor {
  return unaryOp(LOG, a);
}

/**
 * Square root elementwise (negative gives NaN); integers give float64. Same shape. Returns a new tensor (copy).
 * @example sqrt(tensor([4, 9])) // [2, 3]
 */
export function sqrt(a: TensorLike): Tensor {
  return unaryOp(SQRT, a);
}

/**
 * Absolute value elementwise; keeps the dtype (int32's minimum stays negative, as numpy). Same shape.
 * Returns a new tensor (copy).
 * @example abs(tensor([-1.5, 2])) // [1.5, 2]
 */
export function abs(a: TensorLike): Tensor {
  return unaryOp(ABS, a);
}

/**
 * -1, 0 or 1 by the sign of each element (NaN stays NaN); keeps the dtype; bool is a TypeError as in
 * numpy. Same shape. Returns a new tensor (copy).
 * @example sign(tensor([-3, 0, 2])) // [-1, 0, 1]
 */
export function sign(a: TensorLike): Tensor {
  return unaryOp(SIGN, a);
}

/**
 * Hyperbolic tangent elementwise; integers give float64. Same shape. Returns a new tensor (copy).
 * @example tanh(tensor([0])) // [0]
 */
export function tanh(a: TensorLike): Tensor {
  return unaryOp(TANH, a);
}

/**
 * `a * a` elementwise; keeps the dtype (integers wrap; bool gives int32). Same shape. Returns a new tensor (copy).
 * @example square(tensor([-2, 3])) // [4, 9]
 */
export function square(a: TensorLike): Tensor {
  return unaryOp(SQUARE, a);
}

/**
 * `1 / a` elementwise; keeps the dtype, so for integers it is numpy's integer reciprocal (0 except
 * for ±1). Same shape. Returns a new tensor (copy).
 * @example reciprocal(tensor([2, 4])) // [0.5, 0.25]
 */
export function reciprocal(a: TensorLike): Tensor {
  return unaryOp(RECIPROCAL, a);
}

/**
 * log(1 + a) elementwise, accurate for small `a`; integers give float64. Same shape. Returns a new tensor (copy).
 * @example log1p(tensor([1e-10])) // [9.999999999500001e-11]
 */
export function log1p(a: TensorLike): Tensor {
  return unaryOp(LOG1P, a);
}

/**
 * e**a - 1 elementwise, accurate for small `a`; integers give float64. Same shape. Returns a new tensor (copy).
 * @example expm1(tensor([1e-10])) // [1.00000000005e-10]
 */
export function expm1(a: TensorLike): Tensor {
  return unaryOp(EXPM1, a);
}

/**
 * Sine (radians) elementwise; integers give float64. Same shape. Returns a new tensor (copy).
 * @example sin(tensor([0])) // [0]
 */
export function sin(a: TensorLike): Tensor {
  return unaryOp(SIN, a);
}

/**
 * Cosine (radians) elementwise; integers give float64. Same shape. Returns a new tensor (copy).
 * @example cos(tensor([0])) // [1]
 */
export function cos(a: TensorLike): Tensor {
  return unaryOp(COS, a);
}

/**
 * Largest integer <= a, elementwise; keeps the dtype (integers and bool unchanged, as numpy 2).
 * Same shape. Returns a new tensor (copy).
 * @example floor(tensor([-1.5, 1.5])) // [-2, 1]
 */
export function floor(a: TensorLike): Tensor {
  return unaryOp(FLOOR, a);
}

/**
 * Smallest integer >= a, elementwise; keeps the dtype (integers and bool unchanged). Same shape.
 * Returns a new tensor (copy).
 * @example ceil(tensor([-1.5, 1.5])) // [-1, 2]
 */
export function ceil(a: TensorLike): Tensor {
  return unaryOp(CEIL, a);
}

/**
 * Rounds to the nearest integer, halves to even (numpy's `round`: 0.5 → 0, 1.5 → 2, 2.5 → 2);
 * keeps the dtype (integers unchanged; bool gives float64). Same shape. Returns a new tensor (copy).
 * @example round(tensor([0.5, 1.5, 2.5, -0.5])) // [0, 2, 2, -0]
 */
export function round(a: TensorLike): Tensor {
  return unaryOp(ROUND, a);
}

/**
 * Elementwise logical not, as bool (0 is false, anything else, NaN included, is true). Same shape.
 * Returns a new tensor (copy).
 * @example logicalNot(tensor([0, 2])) // [true, false]
 */
export function logicalNot(a: TensorLike): Tensor {
  return unaryOp(LOGICAL_NOT, a);
}

/**
 * True where the element is NaN, as bool. Same shape. Returns a new tensor (copy).
 * @example isnan(tensor([NaN, 1])) // [true, false]
 */
export function isnan(a: TensorLike): Tensor {
  return unaryOp(ISNAN, a);
}

/**
 * True where the element is neither infinite nor NaN, as bool. Same shape. Returns a new tensor (copy).
 * @example isfinite(tensor([Infinity, NaN, 1])) // [false, false, true]
 */
export function isfinite(a: TensorLike): Tensor {
  return unaryOp(ISFINITE, a);
}
