/**
 * Argument checks shared by every kernel implementation, so that ref and WASM reject the same
 * calls with the same messages (and WASM never reads or writes outside an argument's array).
 * @module
 */
import type {
  Activation,
  BinaryOp,
  ConvGeometry,
  FloatArray,
  OperandLayout,
  ReduceOp,
  UnaryOp,
} from './types.js';

/**
 * Elements a row-major (rows, cols) matrix with leading dimension ld spans from element 0.
 * @example extent(3, 4, 5) // 14: rows 0 and 1 take 5 each, the last row 4
 */
export function extent(rows: number, cols: number, ld: number): number {
  return rows === 0 || cols === 0 ? 0 : (rows - 1) * ld + cols;
}

/**
 * Throws unless `value` is an integer >= min.
 * @example checkInt('gemm', 'm', 3)
 */
export function checkInt(kernel: string, name: string, value: number, min = 0): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${kernel}: ${name}: expected an integer >= ${min}, got ${value}`);
  }
}

/** 'Float32Array' or 'Float64Array' for messages. */
function typeName(x: unknown): string {
  return x === null ? 'null' : ((x as object)?.constructor?.name ?? typeof x);
}

/**
 * Throws unless every array is a Float32Array, or every array is a Float64Array.
 * @example checkSameFloat('axpy', { x, y })
 */
export function checkSameFloat(kernel: string, arrays: Record<string, unknown>): void {
  const entries = Object.entries(arrays);
  const first = entries[0][1];
  const ok =
    (first instanceof Float32Array && entries.every(([, a]) => a instanceof Float32Array)) ||
    (first instanceof Float64Array && entries.every(([, a]) => a instanceof Float64Array));
  if (!ok) {
    const got = entries.map(([name, a]) => `${name}: ${typeName(a)}`).join(', ');
    throw new TypeError(`${kernel}: expected all Float32Array or all Float64Array, got ${got}`);
  }
}

/**
 * Throws unless `array` has at least `needed` elements (a detached array has none).
 * @example checkLength('relu', 'y', y, n)
 */
export function checkLength(
  kernel: string,
  name: string,
  array: FloatArray | Int32Array,
  needed: number,
  what = '',
): void {
  if (array.length < needed) {
    const detached = array.buffer.byteLength === 0 ? ' (its buffer is detached)' : '';
    throw new RangeError(
      `${kernel}: ${name}: needs at least ${needed} elements${what}, got ${array.length}${detached}`,
    );
  }
}

/**
 * Checks a row-major matrix argument: ld >= max(1, cols) and the array spans (rows, cols).
 * @example checkMatrix('gemm', 'a', a, 100, 784, 784)
 */
export function checkMatrix(
  kernel: string,
  name: string,
  array: FloatArray,
  rows: number,
  cols: number,
  ld: number,
): void {
  const ldName = `ld${name}`;
  if (!Number.isInteger(ld) || ld < Math.max(1, cols)) {
    throw new RangeError(
      `${kernel}: ${ldName}: expected an integer >= ${Math.max(1, cols)} (the columns of ${name}), got ${ld}`,
    );
  }
  checkLength(
    kernel,
    name,
    array,
    extent(rows, cols, ld),
    ` for shape (${rows}, ${cols}) with ${ldName} ${ld}`,
  );
}

/**
 * All checks of `gemm`: sizes, matching float types, leading dimensions and lengths.
 * @example checkGemm('gemm', false, false, 2, 4, 3, a, 3, b, 4, c, 4)
 */
export function checkGemm(
  kernel: string,
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  lda: number,
  b: FloatArray,
  ldb: number,
  c: FloatArray,
  ldc: number,
): void {
  checkInt(kernel, 'm', m);
  checkInt(kernel, 'n', n);
  checkInt(kernel, 'k', k);
  checkSameFloat(kernel, { a, b, c });
  if (transA) checkMatrix(kernel, 'a', a, k, m, lda);
  else checkMatrix(kernel, 'a', a, m, k, lda);
  if (transB) checkMatrix(kernel, 'b', b, n, k, ldb);
  else checkMatrix(kernel, 'b', b, k, n, ldb);
  checkMatrix(kernel, 'c', c, m, n, ldc);
}

/**
 * Checks class labels: m integers in [0, n).
 * @example checkLabels('softmaxCrossEntropy', new Int32Array([0, 2]), 2, 3)
 */
export function checkLabels(kernel: string, t: Int32Array, m: number, n: number): void {
  checkLength(kernel, 't', t, m, ' (one label per row)');
  for (let i = 0; i < m; i++) {
    if (t[i] < 0 || t[i] >= n) {
      throw new RangeError(`${kernel}: t[${i}]: label ${t[i]} is out of range for ${n} classes`);
    }
  }
}

/**
 * All checks of `softmaxCrossEntropy`.
 * @example checkSoftmaxCrossEntropy('softmaxCrossEntropy', 2, 3, x, t, y, null)
 */
export function checkSoftmaxCrossEntropy(
  kernel: string,
  m: number,
  n: number,
  x: FloatArray,
  t: FloatArray | Int32Array,
  y: FloatArray,
  dx: FloatArray | null,
): void {
  checkInt(kernel, 'm', m);
  checkInt(kernel, 'n', n, m > 0 ? 1 : 0);
  checkSameFloat(kernel, dx ? { x, y, dx } : { x, y });
  checkLength(kernel, 'x', x, m * n);
  checkLength(kernel, 'y', y, m * n);
  if (dx) checkLength(kernel, 'dx', dx, m * n);
  if (t instanceof Int32Array) {
    checkLabels(kernel, t, m, n);
  } else {
    checkSameFloat(kernel, { x, t });
    checkLength(kernel, 't', t, m * n, ' (one-hot rows)');
  }
}

/**
 * Checks an elementwise call: n >= 0, matching float types, every array at least n long.
 * @example checkElementwise('relu', 10, { x, y })
 */
export function checkElementwise(kernel: string, n: number, arrays: Record<string, FloatArray>): void {
  checkInt(kernel, 'n', n);
  checkSameFloat(kernel, arrays);
  for (const [name, a] of Object.entries(arrays)) checkLength(kernel, name, a, n);
}

/**
 * Throws unless `act` is an {@link Activation}.
 * @example checkActivation('gemmBiasAct', 'relu')
 */
export function checkActivation(kernel: string, act: string): asserts act is Activation {
  if (act !== 'identity' && act !== 'relu' && act !== 'sigmoid') {
    throw new RangeError(`${kernel}: act: expected 'identity', 'relu' or 'sigmoid', got ${String(act)}`);
  }
}

/**
 * Checks the bias (null, or n elements of c's type) and the activation of `gemmBiasAct`.
 * @example checkBiasAct('gemmBiasAct', 50, b1, h, 'sigmoid')
 */
export function checkBiasAct(
  kernel: string,
  n: number,
  bias: FloatArray | null,
  c: FloatArray,
  act: string,
): void {
  if (bias !== null) {
    checkSameFloat(kernel, { c, bias });
    checkLength(kernel, 'bias', bias, n);
  }
  checkActivation(kernel, act);
}

/**
 * All checks of `sumRows`: sizes, matching float types, lda >= max(1, n), lengths of a and out.
 * @example checkSumRows('sumRows', 100, 50, dout, 50, db)
 */
export function checkSumRows(
  kernel: string,
  m: number,
  n: number,
  a: FloatArray,
  lda: number,
  out: FloatArray,
): void {
  checkInt(kernel, 'm', m);
  checkInt(kernel, 'n', n);
  checkSameFloat(kernel, { a, out });
  checkMatrix(kernel, 'a', a, m, n, lda);
  checkLength(kernel, 'out', out, n);
}

/**
 * Throws unless `value` is one of `allowed`, naming the argument.
 * @example checkOneOf('binaryOp', 'op', 'add', ['add', 'sub']) // passes
 */
export function checkOneOf<V extends string>(
  kernel: string,
  name: string,
  value: unknown,
  allowed: readonly V[],
): asserts value is V {
  if (!(allowed as readonly unknown[]).includes(value)) {
    const list = allowed.map((v) => `'${v}'`).join(', ');
    throw new RangeError(`${kernel}: ${name}: expected one of ${list}, got ${String(value)}`);
  }
}

const BINARY_OPS: readonly BinaryOp[] = ['add', 'sub', 'mul', 'div', 'max', 'min'];
const LAYOUTS: readonly OperandLayout[] = ['full', 'row', 'scalar'];
const UNARY_OPS: readonly UnaryOp[] = ['neg', 'abs', 'sqrt', 'square', 'exp'];
const REDUCE_OPS: readonly ReduceOp[] = ['sum', 'max', 'min'];

/**
 * Elements an operand of `layout` needs for an (m, n) output.
 * @example layoutLength('row', 100, 50) // 50
 */
export function layoutLength(layout: OperandLayout, m: number, n: number): number {
  return layout === 'full' ? m * n : layout === 'row' ? n : 1;
}

/** Whether all arrays are Float32Array, or all Float64Array (the allocation-free test of checkSameFloat). */
function sameFloat(a: FloatArray, b: FloatArray, c: FloatArray): boolean {
  if (a instanceof Float32Array) return b instanceof Float32Array && c instanceof Float32Array;
  return a instanceof Float64Array && b instanceof Float64Array && c instanceof Float64Array;
}

/**
 * All checks of `binaryOp`: the op and layouts, sizes, matching float types and lengths. (Messages
 * are built only on failure: this runs on every elementwise op of the WASM fast path.)
 * @example checkBinaryOp('binaryOp', 'add', 2, 3, a, 'full', b, 'row', out)
 */
export function checkBinaryOp(
  kernel: string,
  op: BinaryOp,
  m: number,
  n: number,
  a: FloatArray,
  aLayout: OperandLayout,
  b: FloatArray,
  bLayout: OperandLayout,
  out: FloatArray,
): void {
  checkOneOf(kernel, 'op', op, BINARY_OPS);
  checkOneOf(kernel, 'aLayout', aLayout, LAYOUTS);
  checkOneOf(kernel, 'bLayout', bLayout, LAYOUTS);
  checkInt(kernel, 'm', m);
  checkInt(kernel, 'n', n);
  if (!sameFloat(a, b, out)) checkSameFloat(kernel, { a, b, out });
  if (m * n === 0) return;
  const na = layoutLength(aLayout, m, n);
  const nb = layoutLength(bLayout, m, n);
  if (a.length < na) checkLength(kernel, 'a', a, na, ` (${aLayout} operand of (${m}, ${n}))`);
  if (b.length < nb) checkLength(kernel, 'b', b, nb, ` (${bLayout} operand of (${m}, ${n}))`);
  if (out.length < m * n) checkLength(kernel, 'out', out, m * n, ` for shape (${m}, ${n})`);
}

/**
 * All checks of `unaryOp`: the op, n, matching float types and lengths.
 * @example checkUnaryOp('unaryOp', 'exp', 10, x, y)
 */
export function checkUnaryOp(kernel: string, op: UnaryOp, n: number, x: FloatArray, y: FloatArray): void {
  checkOneOf(kernel, 'op', op, UNARY_OPS);
  checkInt(kernel, 'n', n);
  if (!sameFloat(x, y, y)) checkSameFloat(kernel, { x, y });
  checkLength(kernel, 'x', x, n);
  checkLength(kernel, 'y', y, n);
}

/**
 * All checks of `reduceRows`: the op, sizes, matching float types, a spans (m, n), out has m.
 * @example checkReduceRows('reduceRows', 'sum', 2, 3, a, out)
 */
export function checkReduceRows(
  kernel: string,
  op: ReduceOp,
  m: number,
  n: number,
  a: FloatArray,
  out: FloatArray,
): void {
  checkOneOf(kernel, 'op', op, REDUCE_OPS);
  checkInt(kernel, 'm', m);
  checkInt(kernel, 'n', n);
  if (!sameFloat(a, out, out)) checkSameFloat(kernel, { a, out });
  if (a.length < m * n) checkLength(kernel, 'a', a, m * n, ` for shape (${m}, ${n})`);
  checkLength(kernel, 'out', out, m, ' (one result per row)');
}

/**
 * Checks a {@link ConvGeometry}: integer sizes (n, c, h, w, pad >= 0; fh, fw, stride >= 1), windows
 * that fit the padded input, and `oh`, `ow` equal to `floor((h + 2*pad - fh) / stride) + 1`.
 * @example checkConvGeometry('im2col', { n: 1, c: 1, h: 5, w: 5, fh: 3, fw: 3, stride: 1, pad: 0, oh: 3, ow: 3 })
 */
export function checkConvGeometry(kernel: string, g: ConvGeometry): void {
  if (typeof g !== 'object' || g === null)
    throw new TypeError(`${kernel}: g: expected a ConvGeometry object, got ${typeName(g)}`);
  const { n, c, h, w, fh, fw, stride, pad } = g;
  checkInt(kernel, 'g.n', n);
  checkInt(kernel, 'g.c', c);
  checkInt(kernel, 'g.h', h);
  checkInt(kernel, 'g.w', w);
  checkInt(kernel, 'g.fh', fh, 1);
  checkInt(kernel, 'g.fw', fw, 1);
  checkInt(kernel, 'g.stride', stride, 1);
  checkInt(kernel, 'g.pad', pad);
  checkOutputSize(kernel, 'oh', 'h', 'fh', g.oh, h, fh, stride, pad);
  checkOutputSize(kernel, 'ow', 'w', 'fw', g.ow, w, fw, stride, pad);
}

/** One axis of {@link checkConvGeometry}: the window fits, and `got` is the output size. */
function checkOutputSize(
  kernel: string,
  out: string,
  inp: string,
  win: string,
  got: number,
  size: number,
  filter: number,
  stride: number,
  pad: number,
): void {
  if (filter > size + 2 * pad) {
    throw new RangeError(
      `${kernel}: g.${win}: the window ${filter} is larger than the padded input (${inp} ${size} + 2*pad ${pad})`,
    );
  }
  const want = Math.floor((size + 2 * pad - filter) / stride) + 1;
  if (got !== want) {
    throw new RangeError(
      `${kernel}: g.${out}: expected floor((${inp} ${size} + 2*pad ${pad} - ${win} ${filter}) / ` +
        `stride ${stride}) + 1 = ${want}, got ${got}`,
    );
  }
}

/** ` for (N, C, H, W) = (...)`, for messages. */
const imageShape = (g: ConvGeometry): string => ` for (N, C, H, W) = (${g.n}, ${g.c}, ${g.h}, ${g.w})`;

/** ` for (N, C, OH, OW) = (...)`, for messages. */
const outShape = (g: ConvGeometry): string => ` for (N, C, OH, OW) = (${g.n}, ${g.c}, ${g.oh}, ${g.ow})`;

/**
 * Checks of `im2col` (input `x`, output `col`) and `col2im` (input `col`, output `x`): the
 * geometry, matching float types, x spanning (N, C, H, W) and col (N*OH*OW, C*FH*FW).
 * @example checkIm2col('im2col', g, x, col)
 */
export function checkIm2col(kernel: string, g: ConvGeometry, x: FloatArray, col: FloatArray): void {
  checkConvGeometry(kernel, g);
  checkSameFloat(kernel, kernel === 'col2im' ? { col, x } : { x, col });
  const nx = g.n * g.c * g.h * g.w;
  if (x.length < nx) checkLength(kernel, 'x', x, nx, imageShape(g));
  const rows = g.n * g.oh * g.ow;
  const cols = g.c * g.fh * g.fw;
  if (col.length < rows * cols)
    checkLength(kernel, 'col', col, rows * cols, ` for (N*OH*OW, C*FH*FW) = (${rows}, ${cols})`);
}

/** Throws unless every window has a cell inside the input (pooling): h, w >= 1, pad < fh, fw. */
function checkPoolPad(kernel: string, g: ConvGeometry): void {
  checkInt(kernel, 'g.h', g.h, 1);
  checkInt(kernel, 'g.w', g.w, 1);
  if (g.pad >= g.fh || g.pad >= g.fw) {
    throw new RangeError(
      `${kernel}: g.pad: expected less than the window ${g.fh}x${g.fw} (else a window could lie ` +
        `entirely in the padding), got ${g.pad}`,
    );
  }
}

/**
 * Checks of `maxPool`: the geometry (pad smaller than the window), matching float types, x spanning
 * (N, C, H, W), out and argMax (an Int32Array) spanning (N, C, OH, OW).
 * @example checkMaxPool('maxPool', g, x, out, argMax)
 */
export function checkMaxPool(
  kernel: string,
  g: ConvGeometry,
  x: FloatArray,
  out: FloatArray,
  argMax: Int32Array,
): void {
  checkConvGeometry(kernel, g);
  checkPoolPad(kernel, g);
  checkSameFloat(kernel, { x, out });
  if (!(argMax instanceof Int32Array))
    throw new TypeError(`${kernel}: argMax: expected an Int32Array, got ${typeName(argMax)}`);
  const nx = g.n * g.c * g.h * g.w;
  const nout = g.n * g.c * g.oh * g.ow;
  if (x.length < nx) checkLength(kernel, 'x', x, nx, imageShape(g));
  if (out.length < nout) checkLength(kernel, 'out', out, nout, outShape(g));
  if (argMax.length < nout) checkLength(kernel, 'argMax', argMax, nout, outShape(g));
}

/**
 * The error of an `argMax` entry outside the input (`maxPoolBackward`).
 * @example throw argMaxError('maxPoolBackward', 3, -1, 576)
 */
export function argMaxError(kernel: string, index: number, value: number, size: number): RangeError {
  return new RangeError(
    `${kernel}: argMax[${index}]: expected an index into x in [0, ${size}) (N*C*H*W), got ${value}`,
  );
}

/**
 * Checks of `maxPoolBackward` except the values of argMax (see {@link argMaxError}): the geometry,
 * matching float types, dout and argMax spanning (N, C, OH, OW), dx spanning (N, C, H, W).
 * @example checkMaxPoolBackward('maxPoolBackward', g, argMax, dout, dx)
 */
export function checkMaxPoolBackward(
  kernel: string,
  g: ConvGeometry,
  argMax: Int32Array,
  dout: FloatArray,
  dx: FloatArray,
): void {
  checkConvGeometry(kernel, g);
  checkPoolPad(kernel, g);
  checkSameFloat(kernel, { dout, dx });
  if (!(argMax instanceof Int32Array))
    throw new TypeError(`${kernel}: argMax: expected an Int32Array, got ${typeName(argMax)}`);
  const nx = g.n * g.c * g.h * g.w;
  const nout = g.n * g.c * g.oh * g.ow;
  if (argMax.length < nout) checkLength(kernel, 'argMax', argMax, nout, outShape(g));
  if (dout.length < nout) checkLength(kernel, 'dout', dout, nout, outShape(g));
  if (dx.length < nx) checkLength(kernel, 'dx', dx, nx, imageShape(g));
}
