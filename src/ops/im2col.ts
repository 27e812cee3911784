/**
 * `im2col` and `col2im` (the book's `common/util.py`), the lowering that turns a convolution into
 * one matrix product, and `convOutputSize`.
 *
 * Layouts, as the book's: an input `(N, C, H, W)` becomes `col` `(N*OH*OW, C*FH*FW)` whose rows are
 * ordered (n, oy, ox) and whose columns are ordered (c, ky, kx); `col[(n*OH + oy)*OW + ox,
 * (c*FH + ky)*FW + kx] = padded[n, c, oy*stride + ky, ox*stride + kx]`, zero where the window
 * reaches into the padding. `col2im` is its adjoint: every element of `col` is added to the input
 * pixel it was read from (overlapping windows sum), padding contributions are dropped.
 *
 * Unlike the book (which floors `(H + 2*pad - FH) / stride`), a stride that does not fit the padded
 * input exactly is an error: flooring silently ignores the last rows or columns of the input.
 *
 * The work is done by the active kernels' `im2col` / `col2im` (WASM SIMD when available) when the
 * input is float32 or float64, else by the reference loops {@link im2colInto} and {@link col2imInto}
 * (`kernels/ref/im2col.ts`), which write into a caller's buffer.
 * @module
 */
import { col2imInto, im2colInto } from '../kernels/ref/im2col.js';
import { getKernels } from '../kernels/select.js';
import type { ConvGeometry as KernelConvGeometry } from '../kernels/types.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

export { col2imInto, im2colInto };

/**
 * Float storage the loops read and write.
 * @example const col: ConvArray = new Float32Array(rows * cols);
 */
export type ConvArray = Float32Array | Float64Array;

/**
 * Options of {@link im2col} and {@link col2im}.
 * @example im2col(x, 3, 3, { stride: 2, pad: 1 })
 */
export interface Im2colOptions {
  /** Step of the window, a positive integer (default 1). */
  stride?: number;
  /** Zero rows and columns added on every side of the input, an integer >= 0 (default 0). */
  pad?: number;
}

/**
 * The sizes of one im2col lowering, checked and with the output size computed (see {@link convGeometry});
 * defined with the kernels (`kernels/types.ts`), which take it.
 * @example const { oh, ow } = convGeometry('im2col', [2, 3, 7, 7], 3, 3, 2, 1); // 4, 4
 */
export type ConvGeometry = KernelConvGeometry;

/**
 * Checks that `v` is an integer >= `min` (1 for sizes and strides, 0 for pads) and returns it.
 * @example checkInt('Pooling', 'stride', 0, 1) // throws "Pooling: stride: expected a positive integer, got 0"
 */
export function checkInt(who: string, name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    const what = min === 0 ? 'an integer >= 0' : 'a positive integer';
    throw new RangeError(`${who}: ${name}: expected ${what}, got ${String(v)}`);
  }
  return v;
}

/**
 * The output size along one axis, `(size + 2*pad - filter) / stride + 1`, checked to be an integer
 * >= 1; errors name `who`, the axis and the sizes (`what` names the window: 'filter' or 'pool').
 * @example outputSizeChecked('Pooling', 'height', 24, 2, 2, 0, 'pool') // 12
 */
export function outputSizeChecked(
  who: string,
  axis: string,
  inputSize: number,
  filterSize: number,
  stride: number,
  pad: number,
  what = 'filter',
): number {
  checkInt(who, 'stride', stride, 1);
  checkInt(who, 'pad', pad, 0);
  const padded = inputSize + 2 * pad;
  if (filterSize > padded) {
    throw new RangeError(
      `${who}: the ${what} ${axis} ${filterSize} is larger than the padded input ${axis} ${padded} ` +
        `(input ${inputSize} + 2*pad ${pad})`,
    );
  }
  const span = padded - filterSize;
  if (span % stride !== 0) {
    throw new RangeError(
      `${who}: along the ${axis}, (input ${inputSize} + 2*pad ${pad} - ${what} ${filterSize}) / stride ${stride} + 1 = ` +
        `${span / stride + 1} is not an integer: the windows do not tile the padded input ` +
        `(the last ${span % stride} row(s) would be ignored); change the pad, the stride or the input size`,
    );
  }
  return span / stride + 1;
}

/**
 * The book's `conv_output_size`: `(inputSize + 2*pad - filterSize) / stride + 1`, as an integer.
 * @throws when the filter is larger than the padded input, the stride is not a positive integer, or
 *   the result is not an integer (the windows would not tile the input), naming the sizes.
 * @example convOutputSize(28, 5, 1, 0) // 24
 * @example convOutputSize(7, 3, 2, 1)  // 4
 */
export function convOutputSize(inputSize: number, filterSize: number, stride = 1, pad = 0): number {
  checkInt('convOutputSize', 'inputSize', inputSize, 1);
  checkInt('convOutputSize', 'filterSize', filterSize, 1);
  return outputSizeChecked('convOutputSize', 'size', inputSize, filterSize, stride, pad);
}

/**
 * Checks the sizes of a lowering and computes the output size. `inputShape` must be `(N, C, H, W)`.
 * @example convGeometry('im2col', [2, 3, 7, 7], 3, 3, 2, 1) // { ..., oh: 4, ow: 4 }
 */
export function convGeometry(
  who: string,
  inputShape: readonly number[],
  filterH: number,
  filterW: number,
  stride: number,
  pad: number,
): ConvGeometry {
  if (inputShape.length !== 4) {
    throw new RangeError(`${who}: input: expected shape (N,C,H,W), got ${formatShape(inputShape)}`);
  }
  checkInt(who, 'filterH', filterH, 1);
  checkInt(who, 'filterW', filterW, 1);
  const [n, c, h, w] = inputShape;
  const oh = outputSizeChecked(who, 'height', h, filterH, stride, pad);
  const ow = outputSizeChecked(who, 'width', w, filterW, stride, pad);
  return { n, c, h, w, fh: filterH, fw: filterW, stride, pad, oh, ow };
}

/** float32 stays float32; every other dtype computes in float64 (numpy's `np.zeros` default). */
function floatDType(t: Tensor): 'float32' | 'float64' {
  return t.dtype === 'float32' ? 'float32' : 'float64';
}

function newArray(dtype: 'float32' | 'float64', size: number): ConvArray {
  return dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
}

/**
 * The book's `im2col`: every filter window of the (zero-padded) images as a row.
 *
 * Shapes: `input: (N, C, H, W) -> (N*OH*OW, C*FH*FW)`, rows ordered (n, oy, ox), columns (c, ky, kx),
 * with `OH = (H + 2*pad - filterH) / stride + 1` (an integer, else an error) and OW likewise.
 * Copy. dtype: float32 for float32 input, float64 otherwise (as the book's `np.zeros`).
 * @example
 * const x = random.rand(1, 3, 7, 7);
 * const col = im2col(x, 5, 5, { stride: 1, pad: 0 }); // (9, 75)
 * @throws for an input that is not 4-d, a filter larger than the padded input, a stride that is
 *   not a positive integer or that does not tile the padded input.
 */
export function im2col(input: Tensor, filterH: number, filterW: number, options: Im2colOptions = {}): Tensor {
  if (!(input instanceof Tensor))
    throw new TypeError(`im2col: input: expected a Tensor, got ${typeof input}`);
  const g = convGeometry('im2col', input.shape, filterH, filterW, options.stride ?? 1, options.pad ?? 0);
  const src = input.isContiguous ? input : input.copy();
  const dtype = floatDType(input);
  const rows = g.n * g.oh * g.ow;
  const cols = g.c * g.fh * g.fw;
  const out = newArray(dtype, rows * cols);
  if (src.dtype === dtype) getKernels().im2col(g, (src.data as ConvArray).subarray(src.offset), out);
  else im2colInto(src.data, src.offset, g, out);
  return new Tensor(out, [rows, cols], { dtype });
}

/**
 * The book's `col2im`, the adjoint of {@link im2col}: adds every row of `col` back onto the window
 * it came from (overlapping windows sum), dropping what falls in the padding.
 *
 * Shapes: `col: (N*OH*OW, C*FH*FW)` (or any shape with that many elements, read in C order),
 * `inputShape: (N, C, H, W) -> (N, C, H, W)`. Copy (the book returns a view of a padded array; the
 * values are the same). dtype: float32 for float32 `col`, float64 otherwise.
 * @example
 * const dx = col2im(dcol, [1, 3, 7, 7], 5, 5); // dcol (9, 75) -> (1, 3, 7, 7)
 * @throws when `col` does not have `N*OH*OW * C*FH*FW` elements, and for the errors of {@link im2col}.
 */
export function col2im(
  col: Tensor,
  inputShape: readonly number[],
  filterH: number,
  filterW: number,
  options: Im2colOptions = {},
): Tensor {
  if (!(col instanceof Tensor)) throw new TypeError(`col2im: col: expected a Tensor, got ${typeof col}`);
  const g = convGeometry('col2im', inputShape, filterH, filterW, options.stride ?? 1, options.pad ?? 0);
  const rows = g.n * g.oh * g.ow;
  const cols = g.c * g.fh * g.fw;
  if (col.size !== rows * cols) {
    throw new RangeError(
      `col2im: col: expected shape (${rows},${cols}) (N*OH*OW, C*FH*FW for input ${formatShape(inputShape)}, ` +
        `filter ${filterH}x${filterW}, stride ${g.stride}, pad ${g.pad}), got ${formatShape(col.shape)}`,
    );
  }
  const src = col.isContiguous ? col : col.copy();
  const dtype = floatDType(col);
  const out = newArray(dtype, g.n * g.c * g.h * g.w);
  const data = src.offset === 0 ? src.data : src.data.subarray(src.offset);
  if (src.dtype === dtype) getKernels().col2im(g, data as ConvArray, out);
  else col2imInto(data, g, out);
  return new Tensor(out, [g.n, g.c, g.h, g.w], { dtype });
}
