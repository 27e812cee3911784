/**
 * Numerical differentiation, done right: `numericalGradient` perturbs the very tensor it is given,
 * in place, for any shape and strides, restores every element bit for bit (also when `f` throws),
 * and says so when no perturbation changed `f` at all, which is the seed notebook's silent bug
 * (it perturbed `X.flatten()`, a copy, while the loss read `net.W`).
 */
import { isFloat } from '../tensor/dtype.js';
import { forEachRow } from '../tensor/iterate.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * Central difference of a scalar function: `(f(x + h) - f(x - h)) / (2h)`.
 * @example numericalDiff((x) => 0.01 * x ** 2 + 0.1 * x, 5) // 0.1999999999990898
 */
export function numericalDiff(f: (x: number) => number, x: number, options: { h?: number } = {}): number {
  const h = checkH(options.h ?? 1e-4);
  return (f(x + h) - f(x - h)) / (2 * h);
}

/** What `numericalGradient` does when no perturbation changes `f`. */
export type NoEffectPolicy = 'warn' | 'error' | 'ignore';

/** Options of {@link numericalGradient}. */
export interface NumericalGradientOptions {
  /** Step of the central difference. Default 1e-4, as the book. */
  h?: number;
  /**
   * When every perturbation leaves `f` bit-identical: `'warn'` (default) prints the diagnostic with
   * `console.warn` and returns the zero gradient, `'error'` throws a {@link NoEffectError}, `'ignore'`
   * returns the zeros silently (for functions that truly are constant).
   */
  onNoEffect?: NoEffectPolicy;
}

/** Thrown (with `onNoEffect: 'error'`) when `f` does not depend on the tensor that was perturbed. */
export class NoEffectError extends Error {
  override name = 'NoEffectError';
}

/**
 * The gradient of `f` at `x` by central differences, one element at a time:
 * `grad[i] = (f(x with x[i] + h) - f(x with x[i] - h)) / (2h)`.
 *
 * `x` itself is perturbed in place (any shape; contiguous, transposed, sliced or negative-stride views
 * alike) and `f(x)` is called with that same tensor, so `f` may read its argument or read the
 * parameter some other way (`() => net.loss(x, t)`): both see the perturbation, as long as `x` is the
 * real parameter (or a view of it) and not a copy. Each element is restored to its original bits
 * before the next one, and also if `f` throws.
 *
 * If no perturbation changed `f` at all, the gradient is all zeros and this reports it (see
 * `onNoEffect`): the likely cause is that `f` does not read the tensor that was passed.
 *
 * float32 tensors work, but the perturbation and the loss are rounded to float32 (about 7 digits), so
 * the result has only ~3 correct digits with h = 1e-4; use float64 for gradient checks. Integer
 * tensors are refused (x + 1e-4 would truncate back to x), and so are tensors with stride 0 (from
 * `broadcastTo`), where one element stands for many.
 *
 * x: any shape -> gradient of the same shape and dtype (a new contiguous tensor).
 * @example
 * const net = new SimpleNet();
 * const dW = numericalGradient(() => net.loss(x, t), net.W); // (2, 3)
 */
export function numericalGradient(
  f: (x: Tensor) => number,
  x: Tensor,
  options: NumericalGradientOptions = {},
): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`numericalGradient: x: expected a Tensor, got ${typeof x}`);
  if (!isFloat(x.dtype)) {
    throw new TypeError(
      `numericalGradient: x has dtype '${x.dtype}'; perturbing integers by h would truncate, use x.astype('float64')`,
    );
  }
  for (let i = 0; i < x.ndim; i++) {
    if (x.strides[i] === 0 && x.shape[i] > 1) {
      throw new RangeError(
        `numericalGradient: x has stride 0 along axis ${i} (shape ${formatShape(x.shape)}, from broadcastTo?): ` +
          'one stored element stands for many, so perturbing it would perturb them all; pass x.copy()',
      );
    }
  }
  const h = checkH(options.h ?? 1e-4);
  const policy = options.onNoEffect ?? 'warn';
  const grad = new Tensor(
    x.dtype === 'float64' ? new Float64Array(x.size) : new Float32Array(x.size),
    x.shape,
  );
  const g = grad.data;
  const data = x.data;
  // The raw bits of the storage, to restore each element exactly (NaN payloads and -0 included).
  const words = x.dtype === 'float64' ? 2 : 1;
  const bits = new Uint32Array(data.buffer, data.byteOffset, data.length * words);
  const f0 = f(x);
  let changed = false;
  let w = 0;
  forEachRow(x.shape, [x.strides], [x.offset], (o, n, s) => {
    for (let i = 0, p = o[0]; i < n; i++, p += s[0]) {
      const lo = bits[p * words];
      const hi = words === 2 ? bits[p * words + 1] : 0;
      const value = data[p];
      let fxh1: number;
      let fxh2: number;
      try {
        data[p] = value + h;
        fxh1 = f(x);
        data[p] = value - h;
        fxh2 = f(x);
      } finally {
        bits[p * words] = lo;
        if (words === 2) bits[p * words + 1] = hi;
      }
      if (!Object.is(fxh1, f0) || !Object.is(fxh2, f0)) changed = true;
      g[w++] = (fxh1 - fxh2) / (2 * h);
    }
  });
  if (!changed && x.size > 0 && policy !== 'ignore') {
    const message =
      `numericalGradient: perturbing each of the ${x.size} elements of x (shape ${formatShape(x.shape)}) by ±${h} ` +
      `never changed f (it stayed ${f0}), so the gradient is all zeros. f does not read the tensor that was passed: ` +
      'was a copy passed (for example x.flatten() or x.copy()), or does f read another array (such as net.W) ' +
      `instead?${x.base === null ? '' : ' (x is a view; f must read its base through this view or x itself.)'} ` +
      "Pass the parameter itself, or use onNoEffect: 'ignore' if f is truly constant.";
    if (policy === 'error') throw new NoEffectError(message);
    console.warn(message);
  }
  return grad;
}

function checkH(h: number): number {
  if (!(h > 0) || !Number.isFinite(h))
    throw new RangeError(`numericalGradient: h: expected a positive finite number, got ${h}`);
  return h;
}

/** Result of {@link gradientDescent}. */
export interface GradientDescentResult {
  /** The final point (a new tensor; the initial one is not modified). */
  x: Tensor;
  /** The point before each step (stepNum copies), as the book's `x_history`. */
  history: Tensor[];
}

/**
 * The book's gradient descent: `stepNum` times, `x -= lr * numericalGradient(f, x)`.
 * Works on a copy of `initX` (the book's version updates the caller's array in place).
 * initX: any shape -> x of the same shape.
 * @example
 * const { x } = gradientDescent((x) => x.mul(x).sum().item(), tensor([-3, 4]), { lr: 0.1 });
 * // x ≈ [-6.1e-10, 8.1e-10]
 */
export function gradientDescent(
  f: (x: Tensor) => number,
  initX: Tensor,
  options: { lr?: number; stepNum?: number } & NumericalGradientOptions = {},
): GradientDescentResult {
  const { lr = 0.01, stepNum = 100 } = options;
  if (!Number.isFinite(lr)) throw new RangeError(`gradientDescent: lr: expected a finite number, got ${lr}`);
  if (!Number.isInteger(stepNum) || stepNum < 0) {
    throw new RangeError(`gradientDescent: stepNum: expected a non-negative integer, got ${stepNum}`);
  }
  const x = initX.copy();
  const history: Tensor[] = [];
  for (let i = 0; i < stepNum; i++) {
    history.push(x.copy());
    const grad = numericalGradient(f, x, options);
    x.subInPlace(grad.mul(lr));
  }
  return { x, history };
}
