/**
 * The sigmoid layer (`common/layers.py` `Sigmoid`).
 * @module
 */
import { sigmoid } from '../functions/activations.js';
import { getKernels } from '../kernels/select.js';
import type { FloatArray } from '../kernels/types.js';
import { sub } from '../ops/binary.js';
import type { Tensor } from '../tensor/tensor.js';
import { type FloatDType, isKernelDType, kernelData, OutputBuffer } from './buffers.js';
import { checkDout, type Layer } from './layer.js';
import type { ActivationLayerOptions } from './relu.js';

/**
 * `out = 1 / (1 + exp(-x))`; backward `dx = dout * (1 - out) * out` (the book's formula and order).
 *
 * Shapes: `x: any shape -> same shape`; `dout: the output's shape -> x's shape`.
 * float32 and float64 run on the active kernels (`sigmoid`, `sigmoidBackward`: each step rounded
 * to the dtype, as numpy; exp within an ulp of numpy's); integer inputs give float64, as numpy.
 *
 * @example
 * const s = new Sigmoid();
 * s.forward(tensor([0, 2]));      // [0.5, 0.8808]
 * s.backward(tensor([1, 1]));     // [0.25, 0.105]
 */
export class Sigmoid implements Layer {
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

  forward(x: Tensor): Tensor {
    let out: Tensor;
    if (isKernelDType(x.dtype)) {
      out = this.outBuf.get(x.dtype, x.shape);
      getKernels().sigmoid(x.size, kernelData(x), out.data as FloatArray);
    } else {
      out = sigmoid(x);
    }
    this.out = out;
    return out;
  }

  /**
   * The output buffer `forward` would write for an input of `dtype` and `shape`, recorded as the
   * output of a forward: the caller (LayerNet's fused Affine + sigmoid) fills it with `sigmoid(x)`.
   * @internal
   */
  claimOutput(dtype: FloatDType, shape: readonly number[]): Tensor {
    const out = this.outBuf.get(dtype, shape);
    this.out = out;
    return out;
  }

  backward(dout: Tensor): Tensor {
    checkDout('Sigmoid', dout, this.out?.shape ?? null);
    const out = this.out!;
    if (isKernelDType(dout.dtype) && dout.dtype === out.dtype) {
      const dx = this.dxBuf.get(dout.dtype, dout.shape);
      getKernels().sigmoidBackward(out.size, kernelData(out), kernelData(dout), dx.data as FloatArray);
      return dx;
    }
    return dout.mul(sub(1, out)).mul(out);
  }
}
