/**
 * The convolution layer (`common/layers.py` `Convolution`): im2col, then matrix products.
 * @module
 */
import { getKernels } from '../kernels/select.js';
import { type ConvArray, type ConvGeometry, checkInt, convGeometry, im2colInto } from '../ops/im2col.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { OutputBuffer } from './buffers.js';
import { checkBatch, checkDout, describeShape, type Layer } from './layer.js';

/**
 * The float type a conv layer computes in.
 * @example const dtype: ConvDType = computeDType(x, W);
 */
export type ConvDType = 'float32' | 'float64';

/**
 * `C (m, n) = op(A) · op(B) + beta · C` on row-major arrays that start at element 0 (op = transpose
 * when the flag is set; beta 0 or 1): the one matrix product of the convolution layers, through the
 * active kernels (WASM SIMD when available, else the TypeScript reference). Swap the kernel here.
 * @example convGemm(false, true, FN, OHW, K, W, K, colN, K, 0, outN, OHW) // outN (FN, OHW) = W (FN, K) · colNᵀ
 */
export function convGemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: ConvArray,
  lda: number,
  b: ConvArray,
  ldb: number,
  beta: 0 | 1,
  c: ConvArray,
  ldc: number,
): void {
  getKernels().gemm(transA, transB, m, n, k, 1, a, lda, b, ldb, beta, c, ldc);
}

/**
 * A grow-only buffer from the kernels' allocator (resident in WASM memory when it is shared, so the
 * kernels read it without copies), reused from call to call: memory stays flat during training.
 * @example const ws = new Workspace(); const col = ws.get('float32', 1000);
 */
export class Workspace {
  private buf: ConvArray | null = null;

  /** A buffer of exactly `length` elements of `dtype` (contents undefined). */
  get(dtype: ConvDType, length: number): ConvArray {
    let buf = this.buf;
    const wrongType = buf !== null && (dtype === 'float32') !== buf instanceof Float32Array;
    if (buf === null || wrongType || buf.length < length) {
      const kernels = getKernels();
      if (buf !== null) kernels.free(buf);
      buf = dtype === 'float32' ? kernels.alloc('float32', length) : kernels.alloc('float64', length);
      this.buf = buf;
    }
    return buf.length === length ? buf : buf.subarray(0, length);
  }

  /** Returns the memory to the allocator. */
  release(): void {
    if (this.buf !== null) getKernels().free(this.buf);
    this.buf = null;
  }
}

/** A temporary shared by all conv layers: one image's dcol, consumed within one backward call. */
const shared = { dcol: new Workspace() };

/**
 * `t`'s elements in C order as a `dtype` array starting at element 0 (no copy when possible).
 * @example const w = contiguousData(conv.W, 'float32'); // Float32Array (FN*C*FH*FW,)
 */
export function contiguousData(t: Tensor, dtype: ConvDType): ConvArray {
  if (t.dtype === dtype && t.isContiguous) {
    const d = t.data as ConvArray;
    return t.offset === 0 && d.length === t.size ? d : d.subarray(t.offset, t.offset + t.size);
  }
  return t.copy(dtype).data as ConvArray;
}

/**
 * float32 only when both are float32; anything else computes in float64 (numpy's promotion).
 * @example computeDType(x32, W64) // 'float64'
 */
export function computeDType(a: Tensor, b: Tensor): ConvDType {
  return a.dtype === 'float32' && b.dtype === 'float32' ? 'float32' : 'float64';
}

/**
 * Options of {@link Convolution}.
 * @example new Convolution(W, b, { stride: 1, pad: 1, computeInputGrad: false })
 */
export interface ConvolutionOptions {
  /** Step of the filter, a positive integer (default 1). */
  stride?: number;
  /** Zero padding on every side, an integer >= 0 (default 0). */
  pad?: number;
  /**
   * Whether `backward` computes `dx` (default true). A network's first layer reads data, which needs
   * no gradient: `false` skips the `dcol` product and col2im, and `backward` returns null.
   */
  computeInputGrad?: boolean;
  /**
   * Write `forward`'s output and `backward`'s `dx`, `dW`, `db` into tensors the layer keeps and reuses
   * while the shape repeats (default false; see `OutputBuffer`): a returned tensor is then valid only
   * until the next `forward` (respectively `backward`). The conv nets turn this on, as the layered nets
   * do for Affine and Relu: every output is consumed before the next call, and fresh multi-megabyte
   * arrays cost page faults (several ms each) on every step.
   */
  reuseBuffers?: boolean;
}

/**
 * 2-D convolution (cross-correlation, as the book's), lowered to matrix products:
 * `col = im2col(x)` `(N*OH*OW, C*FH*FW)`, `out = col · W.reshape(FN, -1)ᵀ + b` in NCHW order.
 *
 * Shapes: `W: (FN, C, FH, FW)`, `b: (FN,)`; `x: (N, C, H, W) -> (N, FN, OH, OW)` with
 * `OH = (H + 2*pad - FH) / stride + 1` (must be an integer) and OW likewise;
 * backward: `dout: (N, FN, OH, OW) -> dx: (N, C, H, W)` (col2im of `dout · W`), and stores
 * `dW: (FN, C, FH, FW)`, `db: (FN,)`.
 *
 * The products are the book's, computed per image so that no transposes are needed: forward
 * `out[n] (FN, OH*OW) = W (FN, K) · col[n]ᵀ`, backward `dW = Σₙ dout[n] · col[n]` and
 * `dcol[n] = dout[n]ᵀ · W`, on the active kernels (WASM SIMD when available, see {@link convGemm}).
 * im2col (forward, per image) and col2im (backward) run on the active kernels too; the im2col
 * matrix lives in a buffer the layer reuses from step to step (see also
 * {@link ConvolutionOptions.reuseBuffers}). dtype: float32 when x and W are both float32, float64
 * otherwise. `W` and `b` are used by reference (in-place updates reach the layer).
 *
 * @example
 * const conv = new Convolution(random.randn(30, 1, 5, 5).mul(0.01), zeros([30]), { stride: 1, pad: 0 });
 * const out = conv.forward(x);     // x (100, 1, 28, 28) -> (100, 30, 24, 24)
 * const dx = conv.backward(dout);  // (100, 30, 24, 24) -> (100, 1, 28, 28); conv.dW (30, 1, 5, 5), conv.db (30,)
 * // the book's positional form works too: new Convolution(W, b, 1, 0)
 */
export class Convolution implements Layer {
  /** Filters `(FN, C, FH, FW)`. */
  W: Tensor;
  /** Bias `(FN,)`. */
  b: Tensor;
  readonly stride: number;
  readonly pad: number;
  /** See {@link ConvolutionOptions.computeInputGrad}. */
  readonly computeInputGrad: boolean;
  /** Gradient of the loss with respect to `W`, set by `backward`. */
  dW: Tensor | null = null;
  /** Gradient of the loss with respect to `b`, set by `backward`. */
  db: Tensor | null = null;
  /** See {@link ConvolutionOptions.reuseBuffers}. */
  readonly reuseBuffers: boolean;
  private readonly colWs = new Workspace();
  private readonly outBuf: OutputBuffer;
  private readonly dxBuf: OutputBuffer;
  private readonly dWBuf: OutputBuffer;
  private readonly dbBuf: OutputBuffer;
  private col: ConvArray | null = null;
  private geom: ConvGeometry | null = null;
  private dtype: ConvDType = 'float64';

  constructor(W: Tensor, b: Tensor, options: ConvolutionOptions | number = {}, pad?: number) {
    const o: ConvolutionOptions = typeof options === 'number' ? { stride: options, pad } : options;
    if (!(W instanceof Tensor) || W.ndim !== 4) {
      throw new RangeError(
        `Convolution: W: expected shape (FN,C,FH,FW), got ${W instanceof Tensor ? formatShape(W.shape) : typeof W}`,
      );
    }
    if (!(b instanceof Tensor) || b.ndim !== 1 || b.shape[0] !== W.shape[0]) {
      throw new RangeError(
        `Convolution: b: expected shape ${describeShape([W.shape[0]])} (W's FN), got ${b instanceof Tensor ? formatShape(b.shape) : typeof b}`,
      );
    }
    this.W = W;
    this.b = b;
    this.stride = checkInt('Convolution', 'stride', o.stride ?? 1, 1);
    this.pad = checkInt('Convolution', 'pad', o.pad ?? 0, 0);
    this.computeInputGrad = o.computeInputGrad ?? true;
    this.reuseBuffers = o.reuseBuffers ?? false;
    this.outBuf = new OutputBuffer(this.reuseBuffers);
    this.dxBuf = new OutputBuffer(this.reuseBuffers);
    this.dWBuf = new OutputBuffer(this.reuseBuffers);
    this.dbBuf = new OutputBuffer(this.reuseBuffers);
  }

  /** The output shape for an input of shape `(N, C, H, W)`, checked (throws as `forward` would). */
  outputShape(inputShape: readonly number[]): number[] {
    const g = this.geometry(inputShape);
    return [g.n, this.W.shape[0], g.oh, g.ow];
  }

  private geometry(shape: readonly number[]): ConvGeometry {
    const [FN, C, FH, FW] = this.W.shape;
    const expected = describeShape(['N', C, 'H', 'W']);
    if (shape.length !== 4) {
      throw new RangeError(
        `Convolution: x: expected shape ${expected} (N images of C=${C} channels, W ${formatShape(this.W.shape)}), got ${formatShape(shape)}` +
          (shape.length === 2
            ? '; flattened images need x.reshape(N, C, H, W) (loadMnist({flatten: false}))'
            : ''),
      );
    }
    if (shape[1] !== C) {
      throw new RangeError(
        `Convolution: x: expected ${C} channel(s) (W ${formatShape(this.W.shape)} is (FN=${FN}, C=${C}, FH, FW)), got shape ${formatShape(shape)} with ${shape[1]}`,
      );
    }
    try {
      return convGeometry('Convolution', shape, FH, FW, this.stride, this.pad);
    } catch (e) {
      throw new RangeError(
        `${(e as Error).message} (x ${formatShape(shape)}, W ${formatShape(this.W.shape)}, stride ${this.stride}, pad ${this.pad})`,
      );
    }
  }

  forward(x: Tensor): Tensor {
    const C = this.W.shape[1];
    checkBatch('Convolution', 'x', x, describeShape(['N', C, 'H', 'W']));
    const g = this.geometry(x.shape);
    const FN = this.W.shape[0];
    const dtype = computeDType(x, this.W);
    const K = g.c * g.fh * g.fw;
    const ohw = g.oh * g.ow;
    const xs = x.isContiguous ? x : x.copy();
    const col = this.colWs.get(dtype, g.n * ohw * K);
    const w = contiguousData(this.W, dtype);
    const bias = contiguousData(this.b, dtype);
    const outT = this.outBuf.get(dtype, [g.n, FN, g.oh, g.ow], xs.data);
    const out = outT.data as ConvArray;
    const one: ConvGeometry = { ...g, n: 1 };
    const image = g.c * g.h * g.w;
    const kernels = getKernels();
    // the kernels take x's own storage when it has the compute dtype (resident: no copies)
    const xk = xs.dtype === dtype ? (xs.data as ConvArray) : null;
    for (let n = 0; n < g.n; n++) {
      // one image at a time, so that its im2col rows are still in cache for the product
      const colN = col.subarray(n * ohw * K, (n + 1) * ohw * K);
      const start = xs.offset + n * image;
      if (xk !== null) kernels.im2col(one, xk.subarray(start, start + image), colN);
      else im2colInto(xs.data, start, one, colN);
      const o = n * FN * ohw;
      // out[n] = b (every row f filled with b[f]), then out[n] += W · col[n]ᵀ
      for (let f = 0; f < FN; f++) out.fill(bias[f], o + f * ohw, o + (f + 1) * ohw);
      convGemm(false, true, FN, ohw, K, w, K, colN, K, 1, out.subarray(o, o + FN * ohw), ohw);
    }
    this.col = col;
    this.geom = g;
    this.dtype = dtype;
    return outT;
  }

  backward(dout: Tensor): Tensor | null {
    const FN = this.W.shape[0];
    checkDout('Convolution', dout, this.geom === null ? null : [this.geom.n, FN, this.geom.oh, this.geom.ow]);
    const g = this.geom!;
    const dtype = this.dtype;
    const col = this.col!;
    const K = g.c * g.fh * g.fw;
    const ohw = g.oh * g.ow;
    const d = contiguousData(dout, dtype);
    // db: dout summed over all axes but FN (accumulated in float64)
    const dbSum = new Float64Array(FN); // FN numbers: no reuse needed
    for (let n = 0, p = 0; n < g.n; n++) {
      for (let f = 0; f < FN; f++) {
        let s = 0;
        for (const e = p + ohw; p < e; p++) s += d[p];
        dbSum[f] += s;
      }
    }
    const db = this.dbBuf.get(dtype, [FN]);
    db.data.set(dbSum);
    this.db = db;
    // dW (FN, K) = Σₙ dout[n] (FN, OHW) · col[n] (OHW, K)
    const dWT = this.dWBuf.get(dtype, this.W.shape);
    const dW = dWT.data as ConvArray;
    for (let n = 0; n < g.n; n++) {
      const dN = d.subarray(n * FN * ohw, (n + 1) * FN * ohw);
      convGemm(
        false,
        false,
        FN,
        K,
        ohw,
        dN,
        ohw,
        col.subarray(n * ohw * K, (n + 1) * ohw * K),
        K,
        n === 0 ? 0 : 1,
        dW,
        K,
      );
    }
    this.dW = dWT;
    if (!this.computeInputGrad) return null;
    // per image: dcol[n] (OHW, K) = dout[n]ᵀ (OHW, FN) · W (FN, K); dx[n] = col2im(dcol[n])
    const w = contiguousData(this.W, dtype);
    const dcol = shared.dcol.get(dtype, ohw * K);
    const dxT = this.dxBuf.get(dtype, [g.n, g.c, g.h, g.w], d);
    const dx = dxT.data as ConvArray;
    const one: ConvGeometry = { ...g, n: 1 };
    const image = g.c * g.h * g.w;
    for (let n = 0; n < g.n; n++) {
      convGemm(true, false, ohw, K, FN, d.subarray(n * FN * ohw, (n + 1) * FN * ohw), ohw, w, K, 0, dcol, K);
      getKernels().col2im(one, dcol, dx.subarray(n * image, (n + 1) * image));
    }
    return dxT;
  }

  /** Frees the layer's im2col buffer (reallocated when needed); `backward` then needs a new `forward`. */
  releaseBuffers(): void {
    this.colWs.release();
    this.col = null;
    this.geom = null;
  }
}
