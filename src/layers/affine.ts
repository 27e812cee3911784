/**
 * The fully connected layer (`common/layers.py` `Affine`).
 * @module
 */
import { getKernels } from '../kernels/select.js';
import type { Activation } from '../kernels/types.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { type FloatDType, isKernelDType, kernelData, OutputBuffer } from './buffers.js';
import { checkBatch, checkDout, describeShape, type Layer } from './layer.js';

/** Options of {@link Affine}. */
export interface AffineOptions<InputGrad extends boolean = boolean> {
  /**
   * Whether `backward` computes `dx` (default true). A network's first layer reads data, which
   * needs no gradient: `false` skips the `dout · Wᵀ` product (the largest one for MNIST's 784
   * inputs) and makes `backward` return null.
   */
  computeInputGrad?: InputGrad;
  /**
   * Write `forward`'s output, `backward`'s `dx` and the gradients `dW`, `db` into buffers the layer
   * keeps and reuses while the batch size repeats (default false). A returned tensor is then valid
   * only until the next `forward` (output) or `backward` (`dx`, `dW`, `db`: overwritten in place).
   * The layered nets turn this on: they consume every output before the next call, and training
   * then allocates nothing per step (the buffers live in WebAssembly memory, where the kernels
   * read them without copies).
   */
  reuseBuffers?: boolean;
}

/** What `backward` returns: `dx`, or null when the layer was built with `computeInputGrad: false`. */
export type AffineInputGrad<InputGrad extends boolean> = InputGrad extends false ? null : Tensor;

/**
 * `out = x · W + b`, for a batch of inputs of any rank: `x` is flattened to `(N, -1)` first (the
 * book's `x.reshape(x.shape[0], -1)`, so images `(N, C, H, W)` feed straight in), and `dx` is
 * reshaped back to `x`'s shape.
 *
 * Shapes: `W: (inFeatures, outFeatures)`, `b: (outFeatures,)`;
 * `x: (N, inFeatures)` or `(N, d1, d2, ...)` with `d1*d2*... = inFeatures` `-> (N, outFeatures)`;
 * backward: `dout: (N, outFeatures) -> dx` of `x`'s shape, and stores `dW: (inFeatures, outFeatures)`,
 * `db: (outFeatures,)`.
 *
 * `W` and `b` are used by reference, never copied: an optimizer that updates them in place
 * (`W.subInPlace(...)`) updates the layer.
 *
 * Computation: when x, W, b (and dout) share a float dtype, the products run on the active kernels
 * (`getKernels()`: WASM SIMD when available, else the TypeScript reference): forward is one
 * `gemmBiasAct` (`x · W`, rounded, plus `b`), backward `dW = xᵀ · dout` and `dx = dout · Wᵀ` are
 * `gemm` calls with the transposes folded in (no transposed copies), `db` is `sumRows`. float64
 * results equal numpy's to rounding (and the TypeScript reference's bit for bit up to 1024 terms per
 * sum: both add in plain order, without FMA); float32 results differ from
 * numpy's by float32 rounding (the WASM GEMM accumulates in float32, the reference in float64).
 * Mixed dtypes (float64 data into a float32 layer, integer inputs) take numpy's promotion path
 * through `dot` and `add`.
 *
 * @example
 * const affine = new Affine(random.randn(784, 50).mul(0.01), zeros([50]));
 * const out = affine.forward(x);        // x (100, 784) -> (100, 50)
 * const dx = affine.backward(dout);     // dout (100, 50) -> (100, 784); affine.dW (784, 50), affine.db (50,)
 */
export class Affine<InputGrad extends boolean = true> implements Layer {
  /** Weights `(inFeatures, outFeatures)`. */
  W: Tensor;
  /** Bias `(outFeatures,)`. */
  b: Tensor;
  /** The input of the last forward, flattened to `(N, inFeatures)`. */
  x: Tensor | null = null;
  /** The shape of the last input, before flattening (the book's `original_x_shape`). */
  originalXShape: readonly number[] | null = null;
  /** Gradient of the loss with respect to `W`, set by `backward`. */
  dW: Tensor | null = null;
  /** Gradient of the loss with respect to `b`, set by `backward`. */
  db: Tensor | null = null;
  /** See {@link AffineOptions.computeInputGrad}. */
  readonly computeInputGrad: boolean;
  /** See {@link AffineOptions.reuseBuffers}. */
  readonly reuseBuffers: boolean;
  private readonly outBuf: OutputBuffer;
  private readonly dxBuf: OutputBuffer;
  private readonly dWBuf: OutputBuffer;
  private readonly dbBuf: OutputBuffer;

  constructor(W: Tensor, b: Tensor, options: AffineOptions<InputGrad> = {}) {
    if (W.ndim !== 2)
      throw new RangeError(
        `Affine: W: expected shape (inFeatures, outFeatures), got ${formatShape(W.shape)}`,
      );
    if (b.ndim !== 1 || b.shape[0] !== W.shape[1]) {
      throw new RangeError(
        `Affine: b: expected shape ${describeShape([W.shape[1]])} (W's outFeatures), got ${formatShape(b.shape)}`,
      );
    }
    this.W = W;
    this.b = b;
    this.computeInputGrad = options.computeInputGrad ?? true;
    this.reuseBuffers = options.reuseBuffers ?? false;
    this.outBuf = new OutputBuffer(this.reuseBuffers);
    this.dxBuf = new OutputBuffer(this.reuseBuffers);
    this.dWBuf = new OutputBuffer(this.reuseBuffers);
    this.dbBuf = new OutputBuffer(this.reuseBuffers);
  }

  /** Checks and flattens x (recording it for backward); returns the kernel dtype, or null for the promotion path. */
  private prepare(x: Tensor): FloatDType | null {
    const inFeatures = this.W.shape[0];
    const expected = describeShape(['N', inFeatures]);
    checkBatch('Affine', 'x', x, expected);
    const n = x.shape[0];
    if (x.size / n !== inFeatures) {
      throw new RangeError(
        `Affine: x: expected shape ${expected} (after flattening to (N, -1)), got ${formatShape(x.shape)}` +
          (x.ndim > 2 ? `, which flattens to ${describeShape([n, x.size / n])}` : ''),
      );
    }
    this.originalXShape = x.shape;
    this.x = x.ndim === 2 ? x : x.reshape(n, inFeatures);
    const dtype = x.dtype;
    return isKernelDType(dtype) && this.W.dtype === dtype && this.b.dtype === dtype ? dtype : null;
  }

  forward(x: Tensor): Tensor {
    const dtype = this.prepare(x);
    const xf = this.x!;
    if (dtype === null) return xf.dot(this.W).add(this.b);
    const out = this.outBuf.get(dtype, [xf.shape[0], this.W.shape[1]], xf.data);
    this.product(xf, out, 'identity');
    return out;
  }

  /**
   * `act(x · W + b)` into `out` (a contiguous `(N, outFeatures)` tensor of x's dtype) in one kernel
   * call, recording x for backward as `forward` does: LayerNet's fused Affine + activation step.
   * Returns false, computing nothing, when the dtypes take the promotion path (the caller then runs
   * `forward` and the activation layer separately).
   * @internal
   */
  forwardAct(
    x: Tensor,
    act: Activation,
    out: (dtype: FloatDType, shape: readonly number[]) => Tensor,
  ): boolean {
    const dtype = this.prepare(x);
    if (dtype === null) return false;
    const xf = this.x!;
    const o = out(dtype, [xf.shape[0], this.W.shape[1]]);
    if (o.data === xf.data) throw new Error('Affine.forwardAct: the output must not be the input');
    this.product(xf, o, act);
    return true;
  }

  /** `out = act(xf · W + b)` on the kernels. */
  private product(xf: Tensor, out: Tensor, act: Activation): void {
    const [k, n] = this.W.shape;
    const m = xf.shape[0];
    const a = kernelData(xf);
    const w = kernelData(this.W);
    const bias = kernelData(this.b);
    getKernels().gemmBiasAct(m, n, k, a, k, w, n, bias, out.data as typeof a, n, act);
  }

  backward(dout: Tensor): AffineInputGrad<InputGrad> {
    const x = this.x;
    const [inF, outF] = this.W.shape;
    checkDout('Affine', dout, x === null ? null : [x.shape[0], outF]);
    const xf = x!;
    const dtype = xf.dtype;
    if (!isKernelDType(dtype) || dout.dtype !== dtype || this.W.dtype !== dtype || this.b.dtype !== dtype) {
      this.dW = xf.T.dot(dout);
      this.db = dout.sum({ axis: 0 });
      if (!this.computeInputGrad) return null as AffineInputGrad<InputGrad>;
      return dout.dot(this.W.T).reshape([...this.originalXShape!]) as AffineInputGrad<InputGrad>;
    }
    const k = getKernels();
    const m = xf.shape[0];
    const d = kernelData(dout);
    const a = kernelData(xf);
    const dW = this.dWBuf.get(dtype, this.W.shape);
    const db = this.dbBuf.get(dtype, [outF]);
    // dW (inF, outF) = xᵀ (inF, N) · dout (N, outF); db = dout summed over the batch
    k.gemm(true, false, inF, outF, m, 1, a, inF, d, outF, 0, dW.data as typeof a, outF);
    k.sumRows(m, outF, d, outF, db.data as typeof a);
    this.dW = dW;
    this.db = db;
    if (!this.computeInputGrad) return null as AffineInputGrad<InputGrad>;
    // dx (N, inF) = dout (N, outF) · Wᵀ (outF, inF), in x's original shape
    const dx = this.dxBuf.get(dtype, this.originalXShape!, d, a);
    k.gemm(false, true, m, inF, outF, 1, d, outF, kernelData(this.W), outF, 0, dx.data as typeof a, inF);
    return dx as AffineInputGrad<InputGrad>;
  }
}
