/**
 * The sigmoid layer (`common/layers.py` `Sigmoid`).
 * @module
 */
import { sigmoid } from '../functions/activations.js';
import { sub } from '../ops/binary.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkDout, type Layer } from './layer.js';

/**
 * `out = 1 / (1 + exp(-x))`; backward `dx = dout * (1 - out) * out` (the book's formula and order).
 *
 * Shapes: `x: any shape -> same shape`; `dout: the output's shape -> x's shape`.
 *
 * @example
 * const s = new Sigmoid();
 * s.forward(tensor([0, 2]));      // [0.5, 0.8808]
 * s.backward(tensor([1, 1]));     // [0.25, 0.105]
 */
export class Sigmoid implements Layer {
  /** The output of the last forward. */
  out: Tensor | null = null;

  forward(x: Tensor): Tensor {
    const out = sigmoid(x);
    this.out = out;
    return out;
  }

  backward(dout: Tensor): Tensor {
    checkDout('Sigmoid', dout, this.out?.shape ?? null);
    const out = this.out!;
    return dout.mul(sub(1, out)).mul(out);
  }
}
