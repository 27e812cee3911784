/**
 * Binary elementwise ops with numpy broadcasting and numpy 2's dtype rules.
 *
 * - Shapes broadcast as in numpy (align at the right; each pair of dimensions equal or one of them
 *   1); inputs may be any strided view (transposed, sliced, negative or zero strides). The
 *   out-of-place functions return a new contiguous tensor (a copy, `base === null`); the `*InPlace`
 *   functions write into `target` through its strides, so writing into a view changes its base.
 * - dtypes: two tensors promote with `promoteTypes`; a JS number is a "weak" scalar (NEP 50,
 *   `promoteWithScalar`): `float32 tensor + 0.5` stays float32, `int32 tensor + 0.5` is float64.
 *   Two numbers give a 0-d float64 tensor (a lone JS number is read as float64). A 0-d tensor is not
 *   weak (as in numpy 2). An integer scalar that does not fit an integer result dtype is an error
 *   (numpy 2's OverflowError), not a silent wrap.
 * - Where numpy would pick int8 (bool ** bool, bool // bool, bool % bool), scratchnet, which has no
 *   int8, gives int32.
 * - Integer arithmetic wraps like numpy's int32/uint8. Integer floorDivide/mod by zero give 0 (numpy
 *   gives 0 with a warning); float floorDivide/mod follow numpy's `npy_divmod` (Python's sign rules).
 * - float32 results are computed in float64 and rounded once to float32. That is exact for
 *   + - * / and comparisons (float64 holds every float32 product and quotient well enough that the
 *   double rounding is harmless); for pow the result can differ from numpy's float32 `powf` by 1 ulp.
 */
import type { BinaryOp } from '../kernels/types.js';
import { allocate, type DType } from '../tensor/dtype.js';
import { forEachRow } from '../tensor/iterate.js';
import type { Tensor, TensorLike } from '../tensor/tensor.js';
import {
  type BinaryKernel,
  broadcastAll,
  canCastSameKind,
  castError,
  castScalar,
  checkInPlaceTarget,
  checkTensor,
  checkTensorLike,
  floatLoop,
  isInteger,
  newTensor,
  outView,
  resultType,
  runBinary,
  scalarView,
  unaliased,
  type View,
} from './elementwise.js';
import { fastBinary } from './fast.js';

// ------------------------------------------------------------------ kernels (one run each)

const addK: BinaryKernel = (n, out, o, os, a, ao, as, b, bo, bs) => {
  for (let i = 0; i < n; i++, o += os, ao += as, bo += bs) out[o] = a[ao] + b[bo];
};
/** bool + bool is logical or, as in numpy. */
const orBoolK: BinaryKernel = (n, out, o, os, a, ao, as, b, bo, bs) => {
  for (let i = 0; i < n; i++, o += os, ao += as, bo += bs) out[o] = a[ao] | b[bo];
};
const subK: BinaryKernel = (n, out, o, os, a, ao, as, b, bo, bs) => {
  for (let i = 0; i < n; i++, o += os, ao += as, bo += bs) out[o] = a[ao] - b[bo];
};
/** Floats, uint8 (the product is exact and the store wraps) and bool (0/1: logical and). */
const mulK: BinaryKernel = (n, out, o, os, a, ao, as, b, bo, bs) => {
  for (let i = 0; i < n; i++, o += os, ao += as, bo += bs) out[o] = a[ao] * b[bo];
};
/** int32: the float64 product can lose low bits, so multiply modulo 2**32. */
const mulI32K: BinaryKernel = (n, out, o, os, a, ao, as, b, bo, bs) => {
  for (let i = 0; i < n; i++, o += os, ao += as, bo += bs) out[o] = Math.imul(a[ao], b[bo]);
};
const divK: BinaryKernel = (n, out, o, os, a, ao, as, b, bo, bs) => {
  for (let i = 0; i < n; i++, o += os, ao += as, bo += bs) out[o] = a[ao] / b[bo];
};
/** C's pow, which numpy uses: unlike JS `**`, 1**y is 1 for every y (NaN too) and (-1)**±inf is 1. */
const powFloatK: BinaryKernel = (n, out, o, os, a, ao, as, b, bo, bs) => {
  for (let i = 0; i < n; i++, o += os, ao += as, bo += bs) {
    const x = a[ao];
    const y = b[bo];
    out[o] = x === 1 || (x === -1 && (y === Infinity || y === -Infinity)) ? 1 : x ** y;
  }
};
/** Integer power by squaring modulo 2**32 (the store wraps uint8); exponents were checked >= 0. */
const powIntK: BinaryKernel = (n, out, o, os, a, ao, as, b, bo, bs) => {
  for (let i = 0; i < n; i++, o += os, ao += as, bo += bs) {
    let base = a[ao] | 0;
    let e = b[bo] | 0;
    let r = 1;
    while (e > 0) {
      if (e & 1) r = Math.imul(r, base);
      base = Math.imul(base, base);
      e >>= 1;
    }
    out[o] = r;
  }
};

/** `copysign(0, x)`. */
function signedZero(x: number): number {
  return x < 0 || (x === 0 && 1 / x < 0) ? -0 : 0;
}

/** numpy's `npy_floor_divide` for float64 (`npy_divmod`'s quotient). */
function floorDivF64(a: number, b: number): number {
  if (b === 0) return a / b;
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) div -= 1;
  if (div !== 0) {
    let fl = Math.floor(div);
    if (div - fl > 0.5) fl += 1;
    return fl;
  }
  return signedZero(a / b);
}

/** numpy's `npy_floor_divide` for float32: the same steps, each rounded to float32. */
function floorDivF32(a: number, b: number): number {
  if (b === 0) return a / b;
  const fr = Math.fround;
  const mod = a % b;
  let div = fr(fr(a - mod) / b);
  if (mod !== 0 && b < 0 !== mod < 0) div = fr(div - 1);
  if (div !== 0) {
    let fl = Math.floor(div);
    if (fr(div - fl) > 0.5) fl = fr(fl + 1);
    return fl;
  }
  return signedZero(a / b);
}

/** numpy's `npy_remainder` for floats (Python's sign convention); `round` is fround for float32. */
function remF(a: number, b: number, round: (x: number) => number): number {
  const mod = a % b;
  if (b === 0) return mod;
  if (mod === 0) return signedZero(b);
  return b < 0 !== mod < 0 ? round(mod + b) : mod;
}

const identity = (x: number): number => x;

const floorDivF64K: BinaryKernel = (n, out, o, os, a, ao, as, b, bo, bs) => {
  for (let i = 0; i < n; i++, o += os, ao += as, bo += bs) out[o] = floorDivF64(a[ao], b[bo]);
};
const floorDivF32K: BinaryKernel = (n, out, o, os, a, ao, as, b, bo, bs) => {
  for (let i = 0; i < n; i++, o += os, ao += as, bo += bs) out[o] = floorDivF32(a[ao], b[bo]);
};
/** Integers: division by zero gives 0 (as numpy, which also warns); INT32_MIN // -1 wraps to INT32_MIN. */
const floorDivIntK: BinaryKernel = (n, out, o, os, a, ao, as, b, bo, bs) => {
  for (let i = 0; i < n; i++, o += os, ao += as, bo += bs) {
    const y = b[bo];
    out[o] = y === 0 ? 0 : Math.floor(a[ao] / y);
  }
};
const modF64K: BinaryKernel = (n, out, o, os, a, ao, as, b, bo, bs) => {
  for (let i = 0; i < n; i++, o += os, ao += as, bo += bs) out[o] = remF(a[ao], b[bo], identity);
};
const modF32K: BinaryKernel = (n, out, o, os, a, ao, as, b, bo, bs) => {
  for (let i = 0; i < n; i++, o += os, ao += as, bo += bs) out[o] = remF(a[ao], b[bo], Math.fround);
};
const modIntK: BinaryKernel = (n, out, o, os, a, ao, as, b, bo, bs) => {
  for (let i = 0; i < n; i++, o += os, ao += as, bo += bs) {
    const y = b[bo];
    if (y === 0) out[o] = 0;
    else {
      const r = a[ao] % y;
      out[o] = r !== 0 && r < 0 !== y < 0 ? r + y : r;
    }
  }
};
/** numpy's maximum: NaN in either input wins; on ties (0 vs -0) the second input is returned. */
const maxK: BinaryKernel = (n, out, o, os, a, ao, as, b, bo, bs) => {
  for (let i = 0; i < n; i++, o += os, ao += as, bo += bs) {
    const x = a[ao];
    const y = b[bo];
    out[o] = x > y || Number.isNaN(x) ? x : y;
  }
};
const minK: BinaryKernel = (n, out, o, os, a, ao, as, b, bo, bs) => {
  for (let i = 0; i < n; i++, o += os, ao += as, bo += bs) {
    const x = a[ao];
    const y = b[bo];
    out[o] = x < y || Number.isNaN(x) ? x : y;
  }
};
const eqK: BinaryKernel = (n, out, o, os, a, ao, as, b, bo, bs) => {
  for (let i = 0; i < n; i++, o += os, ao += as, bo += bs) out[o] = a[ao] === b[bo] ? 1 : 0;
};
const neK: BinaryKernel = (n, out, o, os, a, ao, as, b, bo, bs) => {
  for (let i = 0; i < n; i++, o += os, ao += as, bo += bs) out[o] = a[ao] !== b[bo] ? 1 : 0;
};
const ltK: BinaryKernel = (n, out, o, os, a, ao, as, b, bo, bs) => {
  for (let i = 0; i < n; i++, o += os, ao += as, bo += bs) out[o] = a[ao] < b[bo] ? 1 : 0;
};
const leK: BinaryKernel = (n, out, o, os, a, ao, as, b, bo, bs) => {
  for (let i = 0; i < n; i++, o += os, ao += as, bo += bs) out[o] = a[ao] <= b[bo] ? 1 : 0;
};
const gtK: BinaryKernel = (n, out, o, os, a, ao, as, b, bo, bs) => {
  for (let i = 0; i < n; i++, o += os, ao += as, bo += bs) out[o] = a[ao] > b[bo] ? 1 : 0;
};
const geK: BinaryKernel = (n, out, o, os, a, ao, as, b, bo, bs) => {
  for (let i = 0; i < n; i++, o += os, ao += as, bo += bs) out[o] = a[ao] >= b[bo] ? 1 : 0;
};
/** Logical ops read any non-zero (NaN included) as true, as numpy does. */
const andK: BinaryKernel = (n, out, o, os, a, ao, as, b, bo, bs) => {
  for (let i = 0; i < n; i++, o += os, ao += as, bo += bs) out[o] = a[ao] !== 0 && b[bo] !== 0 ? 1 : 0;
};
const orK: BinaryKernel = (n, out, o, os, a, ao, as, b, bo, bs) => {
  for (let i = 0; i < n; i++, o += os, ao += as, bo += bs) out[o] = a[ao] !== 0 || b[bo] !== 0 ? 1 : 0;
};

// ------------------------------------------------------------------ op table and drivers

/**
 * How a weak scalar enters the loop: `cast` converts it to the loop dtype (numpy 2 arithmetic),
 * `compare` keeps its exact value except that a float32 loop rounds it (numpy 2 comparisons are
 * exact for out-of-range integers), `raw` keeps it (logical ops only test it against 0).
 */
type ScalarMode = 'cast' | 'compare' | 'raw';

interface BinarySpec {
  /** scratchnet's name, for argument errors. */
  readonly name: string;
  /** numpy's ufunc name, for casting errors. */
  readonly ufunc: string;
  /** The dtype the kernel computes in, from the promoted input dtype; throws for unsupported ones. */
  readonly loop: (promoted: DType) => DType;
  /** The result dtype for a loop dtype. */
  readonly out: (loop: DType) => DType;
  readonly kernel: (loop: DType) => BinaryKernel;
  readonly scalar: ScalarMode;
  /** The WASM kernel op for float loops on contiguous data (see fast.ts), if there is one. */
  readonly fast?: BinaryOp;
}

const same = (d: DType): DType => d;
const toBool = (): DType => 'bool';
/** numpy would use int8 for bool inputs of these ufuncs; scratchnet has no int8. */
const boolToInt32 = (d: DType): DType => (d === 'bool' ? 'int32' : d);

function arith(
  name: string,
  ufunc: string,
  kernel: (loop: DType) => BinaryKernel,
  loop = same,
  fast?: BinaryOp,
): BinarySpec {
  return { name, ufunc, loop, out: same, kernel, scalar: 'cast', fast };
}

function compare(name: string, ufunc: string, k: BinaryKernel): BinarySpec {
  return { name, ufunc, loop: same, out: toBool, kernel: () => k, scalar: 'compare' };
}

function logical(name: string, ufunc: string, k: BinaryKernel): BinarySpec {
  return { name, ufunc, loop: same, out: toBool, kernel: () => k, scalar: 'raw' };
}

const ADD = arith('add', 'add', (l) => (l === 'bool' ? orBoolK : addK), same, 'add');
const SUB = arith(
  'sub',
  'subtract',
  () => subK,
  (d) => {
    if (d === 'bool') {
      throw new TypeError(
        'numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, ' +
          'or the logical_xor function instead. (scratchnet: notEqual(a, b) is xor for bools, or convert ' +
          "with astype('int32') first.)",
      );
    }
    return d;
  },
  'sub',
);
const MUL = arith('mul', 'multiply', (l) => (l === 'int32' ? mulI32K : mulK), same, 'mul');
const DIV = arith('div', 'divide', () => divK, floatLoop, 'div');
const POW = arith('pow', 'power', (l) => (isInteger(l) ? powIntK : powFloatK), boolToInt32);
const FLOOR_DIVIDE = arith(
  'floorDivide',
  'floor_divide',
  (l) => (l === 'float64' ? floorDivF64K : l === 'float32' ? floorDivF32K : floorDivIntK),
  boolToInt32,
);
const MOD = arith(
  'mod',
  'remainder',
  (l) => (l === 'float64' ? modF64K : l === 'float32' ? modF32K : modIntK),
  boolToInt32,
);
const MAXIMUM = arith('maximum', 'maximum', () => maxK, same, 'max');
const MINIMUM = arith('minimum', 'minimum', () => minK, same, 'min');

/** The kernel's view of operand `x`: the tensor itself, or its weak scalar converted for the loop. */
function operand(spec: BinarySpec, arg: string, x: TensorLike, loop: DType): View {
  if (typeof x !== 'number') return x;
  if (spec.scalar === 'cast') return scalarView(castScalar(spec.name, arg, x, loop));
  if (spec.scalar === 'compare' && loop === 'float32') return scalarView(Math.fround(x));
  return scalarView(x);
}

/** Integer pow: numpy refuses negative exponents; checked before anything is written. */
function checkExponents(spec: BinarySpec, loop: DType, b: View, bDType: DType | null): void {
  if (spec !== POW || !isInteger(loop) || bDType === 'uint8' || bDType === 'bool') return;
  let negative = false;
  if (bDType === null) negative = b.data[0] < 0;
  else {
    const data = b.data;
    forEachRow(b.shape, [b.strides], [b.offset], (o, n, s) => {
      for (let i = 0, p = o[0]; i < n; i++, p += s[0]) if (data[p] < 0) negative = true;
    });
  }
  if (negative) throw new RangeError('Integers to negative integer powers are not allowed.');
}

function binaryOp(spec: BinarySpec, a: TensorLike, b: TensorLike): Tensor {
  checkTensorLike(spec.name, 'a', a);
  checkTensorLike(spec.name, 'b', b);
  const loop = spec.loop(resultType([a, b]));
  const dtype = spec.out(loop);
  const shape = broadcastAll([a, b]);
  const av = operand(spec, 'a', a, loop);
  const bv = operand(spec, 'b', b, loop);
  checkExponents(spec, loop, bv, typeof b === 'number' ? null : b.dtype);
  let size = 1;
  for (const d of shape) size *= d;
  const data = allocate(dtype, size);
  const out = outView(data, shape);
  if (!(spec.fast && fastBinary(spec.fast, loop, shape, out, av, bv)))
    runBinary(spec.kernel(loop), shape, out, av, bv);
  return newTensor(data, shape, dtype);
}

function binaryInPlace(spec: BinarySpec, target: Tensor, b: TensorLike): Tensor {
  const fn = `${spec.name}InPlace`;
  checkTensor(fn, 'target', target);
  checkTensorLike(fn, 'b', b);
  const loop = spec.loop(resultType([target, b]));
  const dtype = spec.out(loop);
  if (!canCastSameKind(dtype, target.dtype)) throw castError(spec.ufunc, dtype, target.dtype);
  checkInPlaceTarget(fn, target, [b]);
  const bv = typeof b === 'number' ? operand(spec, 'b', b, loop) : unaliased(b, target);
  checkExponents(spec, loop, bv, typeof b === 'number' ? null : b.dtype);
  // The only same_kind cast with loop !== target dtype is float64 -> float32, which the
  // Float32Array store performs (one rounding of the float64 result, as numpy's cast).
  if (!(spec.fast && fastBinary(spec.fast, loop, target.shape, target, target, bv)))
    runBinary(spec.kernel(loop), target.shape, target, target, bv);
  return target;
}

// ------------------------------------------------------------------ arithmetic

/**
 * `a + b` elementwise, numpy's `add`. Shapes broadcast (`(2,3)` with `(3,)` gives `(2,3)`).
 * bool + bool is logical or. Returns a new tensor (copy).
 * @example add(tensor([[1, 2, 3]]), 10) // [[11, 12, 13]]
 */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp(ADD, a, b);
}

/**
 * `a - b` elementwise, numpy's `subtract`; shapes broadcast. bool - bool is a TypeError, as in numpy.
 * Returns a new tensor (copy).
 * @example sub(tensor([5, 7]), tensor([[1], [2]])) // (2,2): [[4, 6], [3, 5]]
 */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp(SUB, a, b);
}

/**
 * `a * b` elementwise, numpy's `multiply`; shapes broadcast. int32 wraps as numpy's int32;
 * bool * bool is logical and. Returns a new tensor (copy).
 * @example mul(tensor([1, 2, 3]), 2) // [2, 4, 6]
 */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp(MUL, a, b);
}

/**
 * `a / b` elementwise, true division (numpy's `divide`): integer and bool inputs give float64,
 * float32 stays float32; x/0 is ±inf or NaN. Shapes broadcast. Returns a new tensor (copy).
 * @example div(tensor([1, 2], { dtype: 'int32' }), 4) // float64 [0.25, 0.5]
 */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp(DIV, a, b);
}

/**
 * `a ** b` elementwise (numpy's `power`, C's `pow` special cases); shapes broadcast. Integers to a
 * negative integer power are an error, as in numpy; integer results wrap. Returns a new tensor (copy).
 * @example pow(tensor([1, 2, 3]), 2) // [1, 4, 9]
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp(POW, a, b);
}

/**
 * `a // b` elementwise: the floor of the quotient (numpy's `floor_divide`, Python's rules:
 * `-7 // 2 == -4`). Integer division by zero gives 0, float gives ±inf/NaN. Shapes broadcast.
 * Returns a new tensor (copy).
 * @example floorDivide(tensor([-7, 7]), 2) // [-4, 3]
 */
export function floorDivide(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp(FLOOR_DIVIDE, a, b);
}

/**
 * `a % b` elementwise with the sign of `b` (numpy's `remainder`, Python's `%`: `-7 % 3 == 2`).
 * Integer modulo zero gives 0, float gives NaN. Shapes broadcast. Returns a new tensor (copy).
 * @example mod(tensor([-7, 7]), 3) // [2, 1]
 */
export function mod(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp(MOD, a, b);
}

/**
 * Elementwise larger value (numpy's `maximum`): NaN in either input gives NaN. Shapes broadcast.
 * Returns a new tensor (copy).
 * @example maximum(tensor([-1, 0, 2]), 0) // [0, 0, 2] (ReLU)
 */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp(MAXIMUM, a, b);
}

/**
 * Elementwise smaller value (numpy's `minimum`): NaN in either input gives NaN. Shapes broadcast.
 * Returns a new tensor (copy).
 * @example minimum(tensor([-1, 0, 2]), 1) // [-1, 0, 1]
 */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp(MINIMUM, a, b);
}

// ------------------------------------------------------------------ comparisons and logic

const EQUAL = compare('equal', 'equal', eqK);
const NOT_EQUAL = compare('notEqual', 'not_equal', neK);
const LESS = compare('less', 'less', ltK);
const LESS_EQUAL = compare('lessEqual', 'less_equal', leK);
const GREATER = compare('greater', 'greater', gtK);
const GREATER_EQUAL = compare('greaterEqual', 'greater_equal', geK);
const LOGICAL_AND = logical('logicalAnd', 'logical_and', andK);
const LOGICAL_OR = logical('logicalOr', 'logical_or', orK);

/**
 * `a == b` elementwise, as bool (NaN equals nothing). Shapes broadcast. Returns a new tensor (copy).
 * @example equal(tensor([1, 2]), 2) // [false, true]
 */
export function equal(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp(EQUAL, a, b);
}

/**
 * `a != b` elementwise, as bool (NaN differs from everything). Shapes broadcast. Returns a new tensor (copy).
 * @example notEqual(tensor([1, 2]), 2) // [true, false]
 */
export function notEqual(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp(NOT_EQUAL, a, b);
}

/**
 * `a < b` elementwise, as bool. Shapes broadcast. Returns a new tensor (copy).
 * @example less(tensor([1, 2, 3]), 2) // [true, false, false]
 */
export function less(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp(LESS, a, b);
}

/**
 * `a <= b` elementwise, as bool. Shapes broadcast. Returns a new tensor (copy).
 * @example lessEqual(tensor([1, 2, 3]), 2) // [true, true, false]
 */
export function lessEqual(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp(LESS_EQUAL, a, b);
}

/**
 * `a > b` elementwise, as bool. Shapes broadcast. Returns a new tensor (copy).
 * @example greater(tensor([1, 2, 3]), 2) // [false, false, true]
 */
export function greater(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp(GREATER, a, b);
}

/**
 * `a >= b` elementwise, as bool. Shapes broadcast. Returns a new tensor (copy).
 * @example greaterEqual(tensor([1, 2, 3]), 2) // [false, true, true]
 */
export function greaterEqual(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp(GREATER_EQUAL, a, b);
}

/**
 * Elementwise logical and, as bool (any non-zero value, NaN included, is true). Shapes broadcast.
 * Returns a new tensor (copy).
 * @example logicalAnd(tensor([true, true]), tensor([true, false])) // [true, false]
 */
export function logicalAnd(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp(LOGICAL_AND, a, b);
}

/**
 * Elementwise logical or, as bool (any non-zero value, NaN included, is true). Shapes broadcast.
 * Returns a new tensor (copy).
 * @example logicalOr(tensor([0, 0, 2]), tensor([0, 1, 0])) // [false, true, true]
 */
export function logicalOr(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp(LOGICAL_OR, a, b);
}

// ------------------------------------------------------------------ in place

/**
 * `target += b`, in place: writes through `target`'s strides (a view writes into its base) and
 * returns `target`. `b` broadcasts to `target`'s shape (it may not enlarge it); the result is cast to
 * `target.dtype` by numpy's same_kind rule (float64 into float32 rounds; float into an integer
 * target is an error). `b` may overlap `target`.
 * @example W.slice(0).addInPlace(1) // adds 1 to W's first row
 */
export function addInPlace(target: Tensor, b: TensorLike): Tensor {
  return binaryInPlace(ADD, target, b);
}

/**
 * `target -= b`, in place (through views; `b` broadcasts to `target`'s shape; same_kind casting).
 * Returns `target`.
 * @example W.subInPlace(grad.mul(lr)) // a gradient-descent step
 */
export function subInPlace(target: Tensor, b: TensorLike): Tensor {
  return binaryInPlace(SUB, target, b);
}

/**
 * `target *= b`, in place (through views; `b` broadcasts to `target`'s shape; same_kind casting).
 * Returns `target`.
 * @example x.slice(':', 0).mulInPlace(10) // scales x's first column
 */
export function mulInPlace(target: Tensor, b: TensorLike): Tensor {
  return binaryInPlace(MUL, target, b);
}

/**
 * `target /= b`, in place (through views; `b` broadcasts to `target`'s shape). True division gives
 * float64 for integers, so an integer target is a casting error, as in numpy. Returns `target`.
 * @example x.divInPlace(x.sum()) // normalise
 */
export function divInPlace(target: Tensor, b: TensorLike): Tensor {
  return binaryInPlace(DIV, target, b);
}

/**
 * `target **= b`, in place (through views; `b` broadcasts to `target`'s shape; same_kind casting).
 * Returns `target`.
 * @example x.powInPlace(2)
 */
export function powInPlace(target: Tensor, b: TensorLike): Tensor {
  return binaryInPlace(POW, target, b);
}

/**
 * `target = maximum(target, b)`, in place (through views; `b` broadcasts to `target`'s shape;
 * NaN propagates; same_kind casting). Returns `target`.
 * @example maximumInPlace(x, 0) // ReLU in place
 */
export function maximumInPlace(target: Tensor, b: TensorLike): Tensor {
  return binaryInPlace(MAXIMUM, target, b);
}

/**
 * `target = minimum(target, b)`, in place (through views; `b` broadcasts to `target`'s shape;
 * NaN propagates; same_kind casting). Returns `target`.
 * @example minimumInPlace(x, 1)
 */
export function minimumInPlace(target: Tensor, b: TensorLike): Tensor {
  return binaryInPlace(MINIMUM, target, b);
}
