/**
 * The pooling layer (`common/layers.py` `Pooling`): max pooling as the book's, plus average pooling,
 * with padding handled correctly.
 * @module
 */
import { maxPoolInto } from '../kernels/ref/pool.js';
import { getKernels } from '../kernels/select.js';
import type { ConvGeometry } from '../kernels/types.js';
import { type ConvArray, checkInt, outputSizeChecked } from '../ops/im2col.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { OutputBuffer } from './buffers.js';
import { checkBatch, checkDout, describeShape, type Layer } from './layer.js';

/**
 * Options of {@link Pooling}.
 * @example new Pooling(3, 3, { stride: 2, pad: 1, mode: 'avg', countIncludePad: false })
 */
export interface PoolingOptions {
  /** Step of the window, a positive integer (default 1, as the book's; 2x2 pooling usually uses 2). */
  stride?: number;
  /** Padding on every side, an integer >= 0 smaller than the pool size (default 0). */
  pad?: number;
  /** `'max'` (default, the book's) or `'avg'`. */
  mode?: 'max' | 'avg';
  /**
   * Average pooling only: whether padding cells count in the window's size (default true, as
   * PyTorch's `count_include_pad`: every window is divided by `poolH * poolW`); false divides by the
   * number of cells inside the input.
   */
  countIncludePad?: boolean;
  /**
   * Write `forward`'s output and `backward`'s `dx` into tensors the layer keeps and reuses while the
   * shape repeats (default false): a returned tensor is then valid only until the next `forward`
   * (respectively `backward`). See `ConvolutionOptions.reuseBuffers`.
   */
  reuseBuffers?: boolean;
}

/**
 * Max or average pooling over `poolH x poolW` windows of each channel.
 *
 * Shapes: `x: (N, C, H, W) -> (N, C, OH, OW)` with `OH = (H + 2*pad - poolH) / stride + 1` (an
 * integer, else an error) and OW likewise; backward `dout: (N, C, OH, OW) -> dx: (N, C, H, W)`.
 *
 * Max pooling is the book's: the output is each window's maximum and backward sends each `dout`
 * element to the position of that maximum (the first one, in window order, on ties, as `np.argmax`),
 * summing where windows overlap. Two fixes over the book: the output size accounts for the padding
 * (the book's `1 + (H - pool_h) / stride` ignores it), and padding cells are `-Infinity` for max
 * pooling, so padding never wins over an input value (the book pads with zeros, which beat any
 * negative window). A NaN in a window makes the output NaN, as `np.max`.
 *
 * Average pooling: the mean over the window (see {@link PoolingOptions.countIncludePad}); backward
 * spreads `dout / count` over the window's cells inside the input.
 *
 * Computed by direct loops (no im2col): max pooling and its backward on the active kernels
 * (`maxPool`, `maxPoolBackward`: WASM SIMD when available), average pooling in TypeScript.
 * dtype: float32 for float32 input, float64 otherwise.
 *
 * @example
 * const pool = new Pooling(2, 2, { stride: 2 });
 * const out = pool.forward(x);    // x (100, 30, 24, 24) -> (100, 30, 12, 12)
 * const dx = pool.backward(dout); // (100, 30, 12, 12) -> (100, 30, 24, 24)
 * new Pooling(3, 3, { stride: 2, pad: 1, mode: 'avg' }); // (N, C, 7, 7) -> (N, C, 4, 4)
 * // the book's positional form works too: new Pooling(2, 2, 2, 0)
 */
export class Pooling implements Layer {
  readonly poolH: number;
  readonly poolW: number;
  readonly stride: number;
  readonly pad: number;
  readonly mode: 'max' | 'avg';
  readonly countIncludePad: boolean;
  /**
   * Max pooling: for each output element (C order), the flat C-order index in the last input of
   * its maximum (the book's `arg_max`, as an index into x instead of into the window). Kernel
   * storage overwritten by the next `forward`: copy it to keep it.
   */
  argMax: Int32Array | null = null;
  /** Kernel storage that argMax is a prefix of (resident: no copies), grown when needed. */
  private argStore: Int32Array | null = null;
  private inShape: readonly number[] | null = null;
  /** See {@link PoolingOptions.reuseBuffers}. */
  readonly reuseBuffers: boolean;
  private readonly outBuf: OutputBuffer;
  private readonly dxBuf: OutputBuffer;
  private outShape: readonly number[] | null = null;

  constructor(poolH: number, poolW: number, options: PoolingOptions | number = {}, pad?: number) {
    const o: PoolingOptions = typeof options === 'number' ? { stride: options, pad } : options;
    this.poolH = checkInt('Pooling', 'poolH', poolH, 1);
    this.poolW = checkInt('Pooling', 'poolW', poolW, 1);
    this.stride = checkInt('Pooling', 'stride', o.stride ?? 1, 1);
    this.pad = checkInt('Pooling', 'pad', o.pad ?? 0, 0);
    if (this.pad >= this.poolH || this.pad >= this.poolW) {
      throw new RangeError(
        `Pooling: pad ${this.pad} must be smaller than the pool size ${this.poolH}x${this.poolW} ` +
          '(else a window could lie entirely in the padding)',
      );
    }
    const mode = o.mode ?? 'max';
    if (mode !== 'max' && mode !== 'avg')
      throw new TypeError(`Pooling: mode: expected 'max' or 'avg', got ${String(mode)}`);
    this.mode = mode;
    this.countIncludePad = o.countIncludePad ?? true;
    this.reuseBuffers = o.reuseBuffers ?? false;
    this.outBuf = new OutputBuffer(this.reuseBuffers);
    this.dxBuf = new OutputBuffer(this.reuseBuffers);
  }

  /** The output shape for an input of shape `(N, C, H, W)`, checked (throws as `forward` would). */
  outputShape(inputShape: readonly number[]): number[] {
    if (inputShape.length !== 4) {
      throw new RangeError(
        `Pooling: x: expected shape (N,C,H,W), got ${formatShape(inputShape)}` +
          (inputShape.length === 2 ? '; flattened images need x.reshape(N, C, H, W)' : ''),
      );
    }
    const [n, c, h, w] = inputShape;
    const size = (axis: string, len: number, pool: number): number => {
      try {
        return outputSizeChecked('Pooling', axis, len, pool, this.stride, this.pad, 'pool');
      } catch (e) {
        throw new RangeError(
          `${(e as Error).message} (x ${formatShape(inputShape)}, pool ${this.poolH}x${this.poolW}, stride ${this.stride}, pad ${this.pad})`,
        );
      }
    };
    return [n, c, size('height', h, this.poolH), size('width', w, this.poolW)];
  }

  forward(x: Tensor): Tensor {
    checkBatch('Pooling', 'x', x, describeShape(['N', 'C', 'H', 'W']));
    const shape = this.outputShape(x.shape);
    const [n, c, h, w] = x.shape;
    const [, , oh, ow] = shape;
    const xs = x.isContiguous ? x : x.copy();
    const src = xs.data;
    const off = xs.offset;
    const dtype = x.dtype === 'float32' ? 'float32' : 'float64';
    const size = n * c * oh * ow;
    const outT = this.outBuf.get(dtype, shape, src);
    const out = outT.data as ConvArray;
    const g: ConvGeometry = {
      n,
      c,
      h,
      w,
      fh: this.poolH,
      fw: this.poolW,
      stride: this.stride,
      pad: this.pad,
      oh,
      ow,
    };
    let arg: Int32Array | null = null;
    if (this.mode === 'max') {
      arg = this.argBuffer(size);
      if (xs.dtype === dtype)
        getKernels().maxPool(g, (src as ConvArray).subarray(off, off + n * c * h * w), out, arg);
      else maxPoolInto(src, off, g, out, arg);
    } else {
      avgPool(src, off, out, g, this.countIncludePad);
    }
    this.argMax = arg;
    this.inShape = x.shape;
    this.outShape = shape;
    return outT;
  }

  /** argMax for `size` outputs: a prefix of grow-only kernel storage (no allocation per step). */
  private argBuffer(size: number): Int32Array {
    if (this.argStore === null || this.argStore.length < size) {
      const k = getKernels();
      // the old storage is not freed here: a caller may still hold argMax (it goes back when collected)
      this.argStore = k.alloc('int32', size);
    }
    return this.argStore.length === size ? this.argStore : this.argStore.subarray(0, size);
  }

  backward(dout: Tensor): Tensor {
    checkDout('Pooling', dout, this.outShape);
    const [n, c, h, w] = this.inShape!;
    const [, , oh, ow] = this.outShape!;
    const dtype = dout.dtype === 'float32' ? 'float32' : 'float64';
    const d = dout.isContiguous ? dout : dout.copy();
    const src = d.data;
    const off = d.offset;
    const dxT = this.dxBuf.get(dtype, [n, c, h, w], src);
    const dx = dxT.data as ConvArray;
    if (this.mode === 'max') {
      const g = { n, c, h, w, fh: this.poolH, fw: this.poolW, stride: this.stride, pad: this.pad, oh, ow };
      const dk =
        d.dtype === dtype ? (src as ConvArray).subarray(off, off + n * c * oh * ow) : d.copy(dtype).data;
      getKernels().maxPoolBackward(g, this.argMax!, dk as ConvArray, dx);
    } else {
      if (this.reuseBuffers) dx.fill(0);
      const { poolH, poolW, stride, pad } = this;
      let o = 0;
      for (let plane = 0; plane < n * c; plane++) {
        const base = plane * h * w;
        for (let oy = 0; oy < oh; oy++) {
          const y0 = oy * stride - pad;
          const ya = Math.max(y0, 0);
          const yb = Math.min(y0 + poolH, h);
          for (let ox = 0; ox < ow; ox++, o++) {
            const x0 = ox * stride - pad;
            const xa = Math.max(x0, 0);
            const xb = Math.min(x0 + poolW, w);
            const g = src[off + o] / (this.countIncludePad ? poolH * poolW : (yb - ya) * (xb - xa));
            for (let iy = ya; iy < yb; iy++) {
              for (let i = base + iy * w + xa, e = base + iy * w + xb; i < e; i++) dx[i] += g;
            }
          }
        }
      }
    }
    return dxT;
  }
}

/** Mean over each window: the sum of the cells inside, over the window size or that count. */
function avgPool(
  src: ArrayLike<number>,
  off: number,
  out: ConvArray,
  g: ConvGeometry,
  includePad: boolean,
): void {
  const { h, w, oh, ow, fh: ph, fw: pw, stride, pad } = g;
  const planes = g.n * g.c;
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * h * w;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * stride - pad;
      const ya = Math.max(y0, 0);
      const yb = Math.min(y0 + ph, h);
      for (let ox = 0; ox < ow; ox++, o++) {
        const x0 = ox * stride - pad;
        const xa = Math.max(x0, 0);
        const xb = Math.min(x0 + pw, w);
        let s = 0;
        for (let iy = ya; iy < yb; iy++) {
          for (let i = base + iy * w + xa, e = base + iy * w + xb; i < e; i++) s += src[off + i];
        }
        out[o] = s / (includePad ? ph * pw : (yb - ya) * (xb - xa));
      }
    }
  }
}
