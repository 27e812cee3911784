/**
 * What every layer of chapters 5 and 6 has in common, and the small checks they share.
 *
 * A layer is the book's class with `forward` and `backward`: `forward` remembers what `backward`
 * needs (the input, a mask, the output), `backward(dout)` takes the gradient of the loss with
 * respect to the layer's output and returns the gradient with respect to its input, storing the
 * parameter gradients (`dW`, `db`, `dgamma`, `dbeta`) on the layer.
 *
 * @module
 */
import type { Labels as LossLabels } from '../functions/losses.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * A layer with one input and one output.
 * @example
 * const layers: Layer[] = [new Affine(W1, b1), new Relu(), new Affine(W2, b2)];
 * let y = x;
 * for (const layer of layers) y = layer.forward(y, true);
 */
export interface Layer {
  /** Computes the output; `train` matters only to Dropout and BatchNormalization. */
  forward(x: Tensor, train?: boolean): Tensor;
  /**
   * Gradient of the loss with respect to the input, given the gradient `dout` with respect to the
   * output. `null` only for an `Affine` built with `computeInputGrad: false` (a first layer, whose
   * input is data and needs no gradient).
   */
  backward(dout: Tensor): Tensor | null;
}

/**
 * Class labels: an integer tensor or array `(N,)`, or a one-hot tensor `(N, C)`, as the book's
 * `t` (`one_hot_label=True` or `False`).
 */
export type Labels = LossLabels;

/** A shape with named dimensions for error messages: `(N,12)`. */
export function describeShape(dims: readonly (number | string)[]): string {
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(',')})`;
}

/** Throws `layer: x: expected ... , got ...` when `x` has too few axes or an empty batch. */
export function checkBatch(layer: string, arg: string, x: Tensor, expected: string, minNdim = 2): void {
  if (x.ndim < minNdim) {
    throw new RangeError(
      `${layer}: ${arg}: expected shape ${expected} with a batch axis first, got ${formatShape(x.shape)}` +
        (x.ndim === 1 ? '; for one sample use x.reshape(1, -1)' : ''),
    );
  }
  if (x.shape[0] === 0) {
    throw new RangeError(
      `${layer}: ${arg}: empty batch: expected shape ${expected} with N >= 1, got ${formatShape(x.shape)}`,
    );
  }
}

/** Throws `layer.backward: dout: expected shape (...) (the shape of the forward output), got (...)`. */
export function checkDout(layer: string, dout: Tensor, expected: readonly number[] | null): void {
  if (expected === null) throw new Error(`${layer}.backward: called before forward`);
  if (!shapesEqual(dout.shape, expected)) {
    throw new RangeError(
      `${layer}.backward: dout: expected shape ${formatShape(expected)} (the forward output's), got ${formatShape(dout.shape)}`,
    );
  }
}

/**
 * Checks class labels against predictions `y` `(N, C)` and returns them as an array of N integers,
 * or null when `t` is one-hot `(N, C)` (which is then returned unchanged by the caller).
 * @throws for a wrong shape, a non-integer or an out-of-range label, naming the layer and the index.
 */
export function labelsOf(layer: string, t: Labels, n: number, classes: number): number[] | null {
  if (!Array.isArray(t) && (t as Tensor).ndim === 2) {
    const tt = t as Tensor;
    if (tt.shape[0] !== n || tt.shape[1] !== classes) {
      throw new RangeError(
        `${layer}: t: expected one-hot shape ${describeShape([n, classes])} (as y) or labels ${describeShape([n])}, got ${formatShape(tt.shape)}`,
      );
    }
    return null;
  }
  const values: readonly number[] = Array.isArray(t) ? t : labelArray(layer, t as Tensor);
  if (values.length !== n) {
    throw new RangeError(
      `${layer}: t: expected labels of shape ${describeShape([n])} or one-hot ${describeShape([n, classes])}, got ${
        Array.isArray(t) ? `an array of length ${values.length}` : formatShape((t as Tensor).shape)
      }`,
    );
  }
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isInteger(v)) throw new TypeError(`${layer}: t: label ${v} at index ${i} is not an integer`);
    if (v < 0 || v >= classes) {
      throw new RangeError(
        `${layer}: t: label ${v} at index ${i} is out of range [0, ${classes}) for ${classes} classes`,
      );
    }
  }
  return [...values];
}

function labelArray(layer: string, t: Tensor): number[] {
  if (t.ndim !== 1) {
    throw new RangeError(
      `${layer}: t: expected labels (N,) or one-hot (N, C), got shape ${formatShape(t.shape)}`,
    );
  }
  return t.toFlatArray();
}

/** Checks a numeric option: finite, and `lo <= v < hi` (or `<= hi` when `hiInclusive`). */
export function checkRange(where: string, v: number, lo: number, hi: number, hiInclusive = false): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || (hiInclusive ? v > hi : v >= hi)) {
    throw new RangeError(
      `${where}: expected a number in [${lo}, ${hi}${hiInclusive ? ']' : ')'}, got ${String(v)}`,
    );
  }
}

/**
 * The gradient of a broadcast operand: `grad` summed over the axes along which `shape` was
 * broadcast (leading axes it lacks, and its length-1 axes), so that it has `shape` again.
 * @example sumToShape(ones([2, 3]), [3]) // [2, 2, 2]
 */
export function sumToShape(grad: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(grad.shape, shape)) return grad;
  const lead = grad.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < lead; i++) axes.push(i);
  for (let i = 0; i < shape.length; i++)
    if (shape[i] === 1 && grad.shape[lead + i] !== 1) axes.push(lead + i);
  const summed = axes.length > 0 ? grad.sum({ axis: axes, keepdims: true }) : grad;
  return summed.reshape([...shape]);
}
