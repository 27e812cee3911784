/**
 * Softmax followed by the cross-entropy loss (`common/layers.py` `SoftmaxWithLoss`).
 * @module
 */
import { softmax } from '../functions/activations.js';
import { crossEntropyError } from '../functions/losses.js';
import { getKernels } from '../kernels/select.js';
import type { FloatArray } from '../kernels/types.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { isKernelDType, kernelData, OutputBuffer } from './buffers.js';
import { checkBatch, describeShape, type Labels, labelsOf } from './layer.js';
import type { ActivationLayerOptions } from './relu.js';

/** Options of {@link SoftmaxWithLoss}. */
export type SoftmaxWithLossOptions = ActivationLayerOptions;

/**
 * The output layer for classification: `y = softmax(x)` over the classes, `loss = crossEntropyError(y, t)`.
 * Its backward is the famously simple `(y - t) / N`.
 *
 * Shapes: `x: (N, C)` scores; `t`: labels `(N,)` (integers in `[0, C)`, a tensor or an array) or
 * one-hot `(N, C)` -> `loss`: a number; backward: `-> dx: (N, C)`, which is `(y - t) / N` for one-hot
 * t, and `y` with 1 subtracted at each sample's label, divided by N, for labels (the book's two branches).
 *
 * `backward(dout)` scales by `dout` (default 1, the loss's own gradient). The book ignores its `dout`
 * argument; for the usual `dout = 1` the values are identical.
 *
 * float32 and float64 scores run through one kernel call (`softmaxCrossEntropy`), which computes
 * y, the loss and `dx` together; backward then returns that `dx`. With `reuseBuffers` (the nets turn
 * it on), `y` and the returned `dx` are buffers overwritten by the next forward.
 *
 * Note for gradient checks: the book's loss is `-log(y[t] + 1e-7)` (the 1e-7 guards against log 0),
 * whose exact derivative is `(y - t) / N` times `y[t] / (y[t] + 1e-7)` per sample. Backward returns
 * the book's `(y - t) / N`, so numerical and analytic gradients differ by about `1e-7 / y[t]`
 * relative: 1e-6 for an untrained 10-class net (y[t] ~ 0.1), more when a label's probability is tiny.
 *
 * @example
 * const last = new SoftmaxWithLoss();
 * const loss = last.forward(scores, [2, 0, 1]); // scores (3, C) -> a number
 * const dx = last.backward();                   // (3, C)
 */
export class SoftmaxWithLoss {
  /** The loss of the last forward. */
  loss: number | null = null;
  /** Softmax output of the last forward, `(N, C)`. */
  y: Tensor | null = null;
  /** Targets of the last forward, as given (labels or one-hot). */
  t: Labels | null = null;
  /** See {@link ActivationLayerOptions.reuseBuffers}. */
  readonly reuseBuffers: boolean;
  private labels: number[] | null = null;
  /** `(y - t) / N`, computed by forward on the kernel path (else null: backward computes it). */
  private dx: Tensor | null = null;
  private readonly yBuf: OutputBuffer;
  private readonly dxBuf: OutputBuffer;
  private readonly oneHotBuf: OutputBuffer;
  private labelBuf: Int32Array | null = null;

  constructor(options: SoftmaxWithLossOptions = {}) {
    this.reuseBuffers = options.reuseBuffers ?? false;
    this.yBuf = new OutputBuffer(this.reuseBuffers);
    this.dxBuf = new OutputBuffer(this.reuseBuffers);
    this.oneHotBuf = new OutputBuffer(this.reuseBuffers);
  }

  /** `x: (N, C)`, `t: (N,)` labels or `(N, C)` one-hot -> the mean cross-entropy loss. */
  forward(x: Tensor, t: Labels): number {
    checkBatch('SoftmaxWithLoss', 'x', x, describeShape(['N', 'C']));
    if (x.ndim !== 2) {
      throw new RangeError(`SoftmaxWithLoss: x: expected shape (N,C), got ${formatShape(x.shape)}`);
    }
    const [n, c] = x.shape;
    this.t = t;
    const dtype = x.dtype;
    if (!isKernelDType(dtype)) {
      this.labels = labelsOf('SoftmaxWithLoss', t, n, c);
      this.dx = null;
      this.y = softmax(x);
      this.loss = crossEntropyError(this.y, this.labels ?? t);
      return this.loss;
    }
    // targets as the kernel takes them: Int32Array labels, or one-hot rows of x's dtype
    let target: Int32Array | FloatArray;
    const labels = this.labelArray(t, n, c);
    if (labels !== null) {
      target = labels;
      this.labels = null;
    } else {
      const oneHot = t as Tensor;
      labelsOf('SoftmaxWithLoss', oneHot, n, c); // shape checks
      if (oneHot.dtype === dtype) target = kernelData(oneHot);
      else {
        const buf = this.oneHotBuf.get(dtype, [n, c]);
        const src = oneHot.isContiguous ? oneHot : oneHot.copy();
        buf.data.set(src.data.subarray(src.offset, src.offset + n * c));
        target = buf.data as FloatArray;
      }
      this.labels = null;
    }
    const xd = kernelData(x);
    const y = this.yBuf.get(dtype, [n, c], x.data);
    const dx = this.dxBuf.get(dtype, [n, c], x.data);
    this.loss = getKernels().softmaxCrossEntropy(
      n,
      c,
      xd,
      target,
      y.data as FloatArray,
      dx.data as FloatArray,
    );
    this.y = y;
    this.dx = dx;
    return this.loss;
  }

  /**
   * Labels `(N,)` (an array or a 1-D tensor) as an Int32Array, checked (the errors of `labelsOf`);
   * null for one-hot `(N, C)` tensors.
   */
  private labelArray(t: Labels, n: number, c: number): Int32Array | null {
    if (!Array.isArray(t) && (t as Tensor).ndim === 2) return null;
    let buf = this.labelBuf;
    if (buf === null || buf.length !== n) {
      buf = this.reuseBuffers ? getKernels().alloc('int32', n) : new Int32Array(n);
      if (this.reuseBuffers) this.labelBuf = buf;
    }
    if (t instanceof Tensor && t.ndim === 1 && t.shape[0] === n) {
      const src = t.isContiguous ? t : t.copy();
      const d = src.data;
      for (let i = 0; i < n; i++) {
        const v = d[src.offset + i];
        if (!Number.isInteger(v) || v < 0 || v >= c) {
          labelsOf('SoftmaxWithLoss', t, n, c); // throws the descriptive error
        }
        buf[i] = v;
      }
      return buf;
    }
    const values = labelsOf('SoftmaxWithLoss', t, n, c)!;
    for (let i = 0; i < n; i++) buf[i] = values[i];
    return buf;
  }

  /** `dout` (a number or size-1 tensor, default 1) -> `dx: (N, C)`. */
  backward(dout: number | Tensor = 1): Tensor {
    const y = this.y;
    if (y === null) throw new Error('SoftmaxWithLoss.backward: called before forward');
    const scale = typeof dout === 'number' ? dout : dout.item();
    let dx: Tensor;
    if (this.dx !== null) {
      dx = this.dx;
    } else {
      const n = y.shape[0];
      if (this.labels === null) {
        dx = y.sub(this.t as Tensor).div(n);
      } else {
        dx = y.copy();
        const c = y.shape[1];
        for (let i = 0; i < n; i++) dx.data[i * c + this.labels[i]] -= 1;
        dx = dx.div(n);
      }
    }
    return scale === 1 ? dx : dx.mul(scale);
  }
}
