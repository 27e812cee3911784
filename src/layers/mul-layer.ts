/**
 * The multiplication node of chapter 5 (`layer_naive.py`), for numbers or tensors.
 * @module
 */
import { mul } from '../ops/binary.js';
import type { Tensor, TensorLike } from '../tensor/tensor.js';
import { checkDout, sumToShape } from './layer.js';

/** The shape of a number or tensor (`[]` for a number). */
export function shapeOf(v: TensorLike): readonly number[] {
  return typeof v === 'number' ? [] : v.shape;
}

/**
 * `out = x * y`; backward swaps the inputs: `dx = dout * y`, `dy = dout * x`.
 *
 * Shapes: `x`, `y` any broadcastable shapes (or numbers) -> the broadcast shape. With tensors, each
 * gradient is summed back to its input's shape (a number input gets a 0-d tensor); with numbers,
 * everything stays a number, as in the book's apple-shopping example.
 *
 * @example
 * const mulApple = new MulLayer();
 * const applePrice = mulApple.forward(100, 2);   // 200
 * const [dApple, dNum] = mulApple.backward(1.1); // [2.2, 110.00000000000001]
 */
export class MulLayer {
  /** The inputs of the last forward. */
  x: TensorLike | null = null;
  y: TensorLike | null = null;
  private outShape: readonly number[] | null = null;

  forward(x: number, y: number): number;
  forward(x: TensorLike, y: TensorLike): Tensor;
  forward(x: TensorLike, y: TensorLike): TensorLike {
    this.x = x;
    this.y = y;
    if (typeof x === 'number' && typeof y === 'number') {
      this.outShape = [];
      return x * y;
    }
    const out = mul(x, y);
    this.outShape = out.shape;
    return out;
  }

  /** `[dx, dy]`. A number `dout` needs number inputs; a tensor `dout` gives tensors. */
  backward(dout: number): [number, number];
  backward(dout: Tensor): [Tensor, Tensor];
  backward(dout: TensorLike): [TensorLike, TensorLike] {
    const { x, y } = this;
    if (x === null || y === null) throw new Error('MulLayer.backward: called before forward');
    if (typeof dout === 'number') {
      if (typeof x !== 'number' || typeof y !== 'number') {
        throw new TypeError(
          'MulLayer.backward: dout is a number but forward had tensor inputs; pass dout as a Tensor',
        );
      }
      return [dout * y, dout * x];
    }
    checkDout('MulLayer', dout, this.outShape);
    return [sumToShape(mul(dout, y), shapeOf(x)), sumToShape(mul(dout, x), shapeOf(y))];
  }
}
