/**
 * The ReLU layer (`common/layers.py` `Relu`).
 * @module
 */
import { getKernels } from '../kernels/select.js';
import type { FloatArray } from '../kernels/types.js';
import type { Tensor } from '../tensor/tensor.js';
import { type FloatDType, isKernelDType, kernelData, OutputBuffer } from './buffers.js';
import { checkDout, type Layer } from './layer.js';

/** Options of {@link Relu} and {@link Sigmoid}. */
export interface ActivationLayerOptions {
  /**
   * Write `forward`'s output and `backward`'s `dx` into buffers the layer keeps and reuses while the
   * shape repeats (default false): a returned tensor is then valid only until the next `forward`
   * (respectively `backward`). The layered nets turn this on (see `AffineOptions.reuseBuffers`).
   */
  reuseBuffers?: boolean;
}

/**
 * `out = max(0, x)` elementwise; backward passes `dout` where `x > 0` and 0 elsewhere.
 *
 * Shapes: `x: any shape -> same shape`; `dout: the output's shape -> x's shape`.
 * Unlike the book, `backward` does not overwrite `dout` in place (the values are the same).
 * float32 and float64 run on the active kernels (`relu`, `reluBackward`); the mask `x <= 0` is read
 * from the output (`out <= 0` exactly where `x <= 0`, NaN included), so forward stores nothing else.
 *
 * @example
 * const relu = new Relu();
 * relu.forward(tensor([[1, -0.5], [-2, 3]])); // [[1, 0], [0, 3]]
 * relu.backward(ones([2, 2]));                // [[1, 0], [0, 1]]
 */
export class Relu implements Layer {
  /** The output of the last forward. */
  out: Tensor | null = null;
  /** See {@link ActivationLayerOptions.reuseBuffers}. */
  readonly reuseBuffers: boolean;
  private readonly outBuf: OutputBuffer;
  private readonly dxBuf: OutputBuffer;

  constructor(options: ActivationLayerOptions = {}) {
    this.reuseBuffers = options.reuseBuffers ?? false;
    this.outBuf = new OutputBuffer(this.reuseBuffers);
    this.dxBuf = new OutputBuffer(this.reuseBuffers);
  }

  /**
   * 1 where the input of the last forward was `<= 0` (the book's `mask = (x <= 0)`), in C order of
   * the input; computed from the output on each read.
   */
  get mask(): Uint8Array | null {
    const out = this.out;
    if (out === null) return null;
    const d = out.isContiguous ? out : out.copy();
    const mask = new Uint8Array(d.size);
    for (let i = 0; i < mask.length; i++) mask[i] = d.data[d.offset + i] <= 0 ? 1 : 0;
    return mask;
  }

  forward(x: Tensor): Tensor {
    let out: Tensor;
    if (isKernelDType(x.dtype)) {
      out = this.outBuf.get(x.dtype, x.shape);
      getKernels().relu(x.size, kernelData(x), out.data as FloatArray);
    } else {
      out = x.copy();
      const d = out.data;
      for (let i = 0; i < d.length; i++) if (d[i] <= 0) d[i] = 0;
    }
    this.out = out;
    return out;
  }

  /**
   * The output buffer `forward` would write for an input of `dtype` and `shape`, recorded as the
   * output of a forward: the caller (LayerNet's fused Affine + ReLU) fills it with `max(0, x)`.
   * @internal
   */
  claimOutput(dtype: FloatDType, shape: readonly number[]): Tensor {
    const out = this.outBuf.get(dtype, shape);
    this.out = out;
    return out;
  }

  backward(dout: Tensor): Tensor {
    const out = this.out;
    checkDout('Relu', dout, out?.shape ?? null);
    const y = out!;
    if (isKernelDType(dout.dtype) && dout.dtype === y.dtype) {
      const dx = this.dxBuf.get(dout.dtype, dout.shape);
      getKernels().reluBackward(y.size, kernelData(y), kernelData(dout), dx.data as FloatArray);
      return dx;
    }
    const dx = dout.copy();
    const d = dx.data;
    const mask = this.mask!;
    for (let i = 0; i < d.length; i++) if (mask[i]) d[i] = 0;
    return dx;
  }
}
