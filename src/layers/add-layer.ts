/**
 * The addition node of chapter 5 (`layer_naive.py`), for numbers or tensors.
 * @module
 */
import { add, mul } from '../ops/binary.js';
import type { Tensor, TensorLike } from '../tensor/tensor.js';
import { checkDout, sumToShape } from './layer.js';
import { shapeOf } from './mul-layer.js';

/**
 * `out = x + y`; backward passes `dout` through to both inputs (`dout * 1`, as the book writes it).
 *
 * Shapes: `x`, `y` any broadcastable shapes (or numbers) -> the broadcast shape. With tensors, each
 * gradient is summed back to its input's shape (a bias `(C,)` added to `(N, C)` gets `sum(dout, axis=0)`).
 *
 * @example
 * const addFruit = new AddLayer();
 * addFruit.forward(200, 450);          // 650
 * const [da, db] = addFruit.backward(1.1); // [1.1, 1.1]
 */
export class AddLayer {
  private shapes: [readonly number[], readonly number[]] | null = null;
  private outShape: readonly number[] | null = null;
  private numbers = true;

  forward(x: number, y: number): number;
  forward(x: TensorLike, y: TensorLike): Tensor;
  forward(x: TensorLike, y: TensorLike): TensorLike {
    this.shapes = [shapeOf(x), shapeOf(y)];
    this.numbers = typeof x === 'number' && typeof y === 'number';
    if (typeof x === 'number' && typeof y === 'number') {
      this.outShape = [];
      return x + y;
    }
    const out = add(x, y);
    this.outShape = out.shape;
    return out;
  }

  /** `[dx, dy]`. A number `dout` needs number inputs; a tensor `dout` gives tensors. */
  backward(dout: number): [number, number];
  backward(dout: Tensor): [Tensor, Tensor];
  backward(dout: TensorLike): [TensorLike, TensorLike] {
    if (this.shapes === null) throw new Error('AddLayer.backward: called before forward');
    if (typeof dout === 'number') {
      if (!this.numbers) {
        throw new TypeError(
          'AddLayer.backward: dout is a number but forward had tensor inputs; pass dout as a Tensor',
        );
      }
      return [dout * 1, dout * 1];
    }
    checkDout('AddLayer', dout, this.outShape);
    const d = mul(dout, 1);
    return [sumToShape(d, this.shapes[0]), sumToShape(d.copy(), this.shapes[1])];
  }
}
