/**
 * The ReLU layer (`common/layers.py` `Relu`).
 * @module
 */
import type { Tensor } from '../tensor/tensor.js';
import { checkDout, type Layer } from './layer.js';

/**
 * `out = max(0, x)` elementwise; backward passes `dout` where `x > 0` and 0 elsewhere.
 *
 * Shapes: `x: any shape -> same shape`; `dout: the output's shape -> x's shape`.
 * Unlike the book, `backward` does not overwrite `dout` in place (the values are the same).
 *
 * @example
 * const relu = new Relu();
 * relu.forward(tensor([[1, -0.5], [-2, 3]])); // [[1, 0], [0, 3]]
 * relu.backward(ones([2, 2]));                // [[1, 0], [0, 1]]
 */
export class Relu implements Layer {
  /** 1 where the input was `<= 0` (the book's `mask = (x <= 0)`), in C order of the input. */
  mask: Uint8Array | null = null;
  private shape: readonly number[] | null = null;

  forward(x: Tensor): Tensor {
    const out = x.copy();
    const d = out.data;
    const mask = new Uint8Array(d.length);
    for (let i = 0; i < d.length; i++) {
      if (d[i] <= 0) {
        mask[i] = 1;
        d[i] = 0;
      }
    }
    this.mask = mask;
    this.shape = x.shape;
    return out;
  }

  backward(dout: Tensor): Tensor {
    checkDout('Relu', dout, this.shape);
    const dx = dout.copy();
    const d = dx.data;
    const mask = this.mask!;
    for (let i = 0; i < d.length; i++) if (mask[i]) d[i] = 0;
    return dx;
  }
}
