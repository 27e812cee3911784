/**
 * Gradient checking in the spirit of PyTorch's `torch.autograd.gradcheck`: compare an analytic
 * gradient (backpropagation) with the numerical one (central differences), element by element,
 * with `|analytic - numerical| <= atol + rtol * |numerical|`.
 *
 * scratchnet has no autograd, so the analytic gradients are given (or computed by a net's
 * `gradient` or a layer's `backward`):
 * - {@link gradcheck}`(f, inputs, analytic)`: any scalar function of some tensors;
 * - {@link gradcheckNet}`(net, x, t)`: a network with `params`, `loss` and `gradient` (the book's
 *   `gradient_check.py`);
 * - {@link gradcheckLayer}`(layer, x)`: a layer's `backward` (and its parameter gradients).
 *
 * Each returns a report per tensor (max and mean |diff|, the worst element and both values there)
 * and, by default, throws a {@link GradcheckError} naming the tensor, the index and both values
 * when an element fails. float64 only: float32 rounding (~1e-7 relative) swamps central differences.
 * @module
 */
import type { Labels } from '../functions/losses.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { type NoEffectPolicy, numericalGradient } from './numerical.js';

/** Options of the gradient checks. */
export interface GradcheckOptions {
  /** Step of the central difference, default 1e-6 (PyTorch's). */
  eps?: number;
  /** Absolute tolerance, default 1e-5. */
  atol?: number;
  /** Relative tolerance (relative to |numerical|), default 1e-3. */
  rtol?: number;
  /** Throw a {@link GradcheckError} when an element fails (default true); false: just report. */
  raise?: boolean;
  /**
   * Check at most this many elements of each tensor (default: all). Larger tensors are checked on
   * a regular grid of elements (every k-th index along each axis, a strided view perturbed in place),
   * like PyTorch's `fast_mode`, for nets at the book's scale where each element costs two loss
   * evaluations.
   */
  maxElements?: number;
  /**
   * What `numericalGradient` does when perturbing a tensor never changes f; default 'ignore',
   * since a truly zero gradient is legal and a mismatch with the analytic one fails the check anyway.
   */
  onNoEffect?: NoEffectPolicy;
}

/** The comparison for one tensor. */
export interface GradcheckTensorReport {
  /** The key of the tensor in `inputs` / `params`. */
  name: string;
  shape: readonly number[];
  /** True if every element is within tolerance. */
  passed: boolean;
  /** Number of elements compared (all, or a grid of them with `maxElements`). */
  checked: number;
  /** Number of compared elements outside `atol + rtol * |numerical|`. */
  failures: number;
  /** Largest `|analytic - numerical|` (0 for an empty tensor). */
  maxAbsDiff: number;
  /** Mean `|analytic - numerical|` (0 for an empty tensor). */
  meanAbsDiff: number;
  /**
   * The worst element: the one whose `|diff| / (atol + rtol * |numerical|)` is largest (a failing
   * one if any fails). `[]` for an empty or 0-d tensor.
   */
  worstIndex: number[];
  /** Analytic gradient at `worstIndex`. */
  analytic: number;
  /** Numerical gradient at `worstIndex`. */
  numerical: number;
}

/** The result of a gradient check. */
export interface GradcheckReport {
  /** True if every tensor passed. */
  passed: boolean;
  /** One entry per tensor, in the order of `inputs`. */
  tensors: Record<string, GradcheckTensorReport>;
  /** Largest `|diff|` over all tensors. */
  maxAbsDiff: number;
  /** Mean `|diff|` over all elements of all tensors (the book's gradient_check.py prints this per key). */
  meanAbsDiff: number;
  /** The tolerances used. */
  options: { eps: number; atol: number; rtol: number };
}

/** Thrown by a failing check (with `raise: true`); `report` has the details. */
export class GradcheckError extends Error {
  override name = 'GradcheckError';
  constructor(
    message: string,
    readonly report: GradcheckReport,
  ) {
    super(message);
  }
}

/** A scalar function for the checks: a number, or a size-1 tensor. */
export type ScalarFn = () => number | Tensor;

/**
 * Checks `analytic[key]` against the numerical gradient of `f` with respect to `inputs[key]`,
 * for every key. `f` must read the tensors of `inputs` (they are perturbed in place, one element
 * at a time, and restored bit for bit); views, transposed or sliced tensors work as well.
 * Every tensor must be float64.
 *
 * @example
 * const W = random.randn(3, 2);
 * const x = random.randn(4, 3);
 * const f = () => x.dot(W).sum().item();        // d f / d W = xᵀ · ones
 * gradcheck(f, { W }, { W: x.T.dot(ones([4, 2])) }); // passes; throws a GradcheckError otherwise
 */
export function gradcheck(
  f: ScalarFn,
  inputs: Readonly<Record<string, Tensor>>,
  analytic: Readonly<Record<string, Tensor>>,
  options: GradcheckOptions = {},
): GradcheckReport {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  for (const [name, v] of [
    ['eps', eps],
    ['atol', atol],
    ['rtol', rtol],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (name === 'eps' && v === 0)) {
      throw new RangeError(
        `gradcheck: ${name}: expected a finite number ${name === 'eps' ? '> 0' : '>= 0'}, got ${String(v)}`,
      );
    }
  }
  const maxElements = options.maxElements ?? Number.POSITIVE_INFINITY;
  if (!(maxElements >= 1))
    throw new RangeError(`gradcheck: maxElements: expected a number >= 1, got ${String(maxElements)}`);
  const keys = Object.keys(inputs);
  checkInputs(inputs, analytic, keys, eps);
  const scalar = (): number => {
    const v = f();
    if (typeof v === 'number') return v;
    if (v instanceof Tensor && v.size === 1) return v.item();
    throw new TypeError(`gradcheck: f must return a number or a size-1 tensor, got ${describe(v)}`);
  };
  const tensors: Record<string, GradcheckTensorReport> = {};
  let total = 0;
  let sum = 0;
  let max = 0;
  for (const key of keys) {
    const steps = gridSteps(inputs[key].shape, maxElements);
    const spec = steps.map((step) => ({ step }));
    const x = inputs[key].slice(...spec);
    const numerical = numericalGradient(scalar, x, { h: eps, onNoEffect: options.onNoEffect ?? 'ignore' });
    const r = compare(key, analytic[key].slice(...spec), numerical, atol, rtol);
    r.shape = [...inputs[key].shape];
    r.worstIndex = r.worstIndex.map((i, d) => i * steps[d]);
    tensors[key] = r;
    total += r.checked;
    sum += r.meanAbsDiff * r.checked;
    max = Number.isNaN(r.maxAbsDiff) ? Number.NaN : Math.max(max, r.maxAbsDiff);
  }
  const report: GradcheckReport = {
    passed: Object.values(tensors).every((r) => r.passed),
    tensors,
    maxAbsDiff: max,
    meanAbsDiff: total === 0 ? 0 : sum / total,
    options: { eps, atol, rtol },
  };
  if (!report.passed && (options.raise ?? true)) throw new GradcheckError(failureMessage(report), report);
  return report;
}

function describe(v: unknown): string {
  return v instanceof Tensor ? `a tensor of shape ${formatShape(v.shape)}` : typeof v;
}

function checkInputs(
  inputs: Readonly<Record<string, Tensor>>,
  analytic: Readonly<Record<string, Tensor>>,
  keys: readonly string[],
  eps: number,
): void {
  if (keys.length === 0) throw new RangeError('gradcheck: inputs: expected at least one tensor, got none');
  for (const key of keys) {
    const x = inputs[key];
    const a = analytic[key];
    if (!(x instanceof Tensor))
      throw new TypeError(`gradcheck: inputs['${key}']: expected a Tensor, got ${typeof x}`);
    if (a === undefined || a === null) {
      throw new RangeError(
        `gradcheck: analytic gradient for '${key}' is missing (analytic has ${
          Object.keys(analytic)
            .map((k) => `'${k}'`)
            .join(', ') || 'no keys'
        })`,
      );
    }
    if (!(a instanceof Tensor))
      throw new TypeError(`gradcheck: analytic['${key}']: expected a Tensor, got ${typeof a}`);
    for (const [what, t] of [
      ['input', x],
      ['analytic gradient', a],
    ] as const) {
      if (t.dtype !== 'float64') {
        throw new TypeError(
          `gradcheck: ${what} '${key}' is ${t.dtype}; gradient checks need float64 (float32 keeps about 7 digits, ` +
            `so central differences with eps=${eps} are mostly rounding noise). Create the tensors, or the net ` +
            "(option dtype: 'float64'), in float64.",
        );
      }
    }
    if (!shapesEqual(a.shape, x.shape)) {
      throw new RangeError(
        `gradcheck: analytic gradient for '${key}' has shape ${formatShape(a.shape)}, expected ${formatShape(x.shape)} (the input's)`,
      );
    }
  }
}

/**
 * Steps along each axis so that the grid `x[::s0, ::s1, ...]` has at most `max` elements: the axis
 * with the most remaining points is thinned first.
 * @example gridSteps([784, 50], 1000) // [20, 2]: 40 x 25 = 1000 elements
 */
export function gridSteps(shape: readonly number[], max: number): number[] {
  const steps = shape.map(() => 1);
  const count = (d: number): number => Math.ceil(shape[d] / steps[d]);
  const total = (): number => shape.reduce((p, _, d) => p * count(d), 1);
  while (total() > max) {
    let d = 0;
    for (let j = 1; j < shape.length; j++) if (count(j) > count(d)) d = j;
    const before = count(d);
    while (count(d) === before) steps[d]++;
  }
  return steps;
}

/** C-order flat index -> multi-index of `shape`. */
function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return idx;
}

/** How far `diff` is past `tol` (as a ratio); NaN counts as the worst possible. */
function violation(diff: number, tol: number): number {
  if (Number.isNaN(diff)) return Number.POSITIVE_INFINITY;
  if (tol === 0) return diff === 0 ? 0 : Number.POSITIVE_INFINITY;
  return diff / tol;
}

function compare(
  name: string,
  analytic: Tensor,
  numerical: Tensor,
  atol: number,
  rtol: number,
): GradcheckTensorReport {
  const a = analytic.toFlatArray();
  const n = numerical.toFlatArray();
  let failures = 0;
  let maxAbsDiff = 0;
  let sum = 0;
  let worst = -1;
  let worstRatio = -1;
  for (let i = 0; i < a.length; i++) {
    const diff = Math.abs(a[i] - n[i]);
    const tol = atol + rtol * Math.abs(n[i]);
    const ok = diff <= tol;
    if (!ok) failures++;
    const ratio = violation(diff, tol);
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worst = i;
    }
    maxAbsDiff = Number.isNaN(diff) ? Number.NaN : Math.max(maxAbsDiff, diff);
    sum += diff;
  }
  return {
    name,
    shape: [...analytic.shape],
    passed: failures === 0,
    checked: a.length,
    failures,
    maxAbsDiff,
    meanAbsDiff: a.length === 0 ? 0 : sum / a.length,
    worstIndex: worst < 0 ? [] : unravel(worst, analytic.shape),
    analytic: worst < 0 ? 0 : a[worst],
    numerical: worst < 0 ? 0 : n[worst],
  };
}

/**
 * One line per tensor: `W1 (784,50): ok max|diff| 1.2e-10 mean|diff| 3.4e-12`.
 * @example console.log(formatGradcheckReport(gradcheckNet(net, x, t)))
 */
export function formatGradcheckReport(report: GradcheckReport): string {
  return Object.values(report.tensors)
    .map((r) => {
      const size = r.shape.reduce((p, q) => p * q, 1);
      const grid = r.checked < size ? ` (${r.checked} of ${size} elements checked)` : '';
      const head = `${r.name} ${formatShape(r.shape)}${grid}: ${r.passed ? 'ok' : `FAILED (${r.failures} elements)`}`;
      const stats = `max|diff| ${r.maxAbsDiff.toExponential(2)} mean|diff| ${r.meanAbsDiff.toExponential(2)}`;
      const at =
        r.worstIndex.length === 0 && r.shape.length > 0
          ? ''
          : `, worst at [${r.worstIndex.join(', ')}]: analytic ${r.analytic}, numerical ${r.numerical}`;
      return `${head} ${stats}${at}`;
    })
    .join('\n');
}

function failureMessage(report: GradcheckReport): string {
  const failed = Object.values(report.tensors).filter((r) => !r.passed);
  const first = failed[0];
  const { atol, rtol, eps } = report.options;
  const diff = Math.abs(first.analytic - first.numerical);
  const tol = atol + rtol * Math.abs(first.numerical);
  const lines = [
    `gradcheck: the gradient of '${first.name}' does not match the numerical one at index [${first.worstIndex.join(', ')}]: ` +
      `analytic ${first.analytic}, numerical ${first.numerical} (|diff| ${diff.toExponential(3)} > atol + rtol*|numerical| = ${tol.toExponential(3)}; eps ${eps}); ` +
      `${first.failures} of ${first.checked} checked elements of '${first.name}' fail.`,
  ];
  if (failed.length > 1)
    lines.push(
      `Also failing: ${failed
        .slice(1)
        .map((r) => `'${r.name}'`)
        .join(', ')}.`,
    );
  lines.push(formatGradcheckReport(report));
  return lines.join('\n');
}

/**
 * A network the checks can use: the book's nets (`params`, `loss`, `gradient`), and optionally
 * `freeze()` to make the training-mode loss deterministic (Dropout masks, batch-norm running
 * statistics) until the returned function is called.
 */
export interface GradcheckableNet {
  readonly params: Readonly<Record<string, Tensor>>;
  gradient(x: Tensor, t: Labels): Readonly<Record<string, Tensor>>;
  loss(x: Tensor, t: Labels, train?: boolean): number;
  freeze?(): () => void;
}

/**
 * The book's `gradient_check.py` as a check: `net.gradient(x, t)` (backprop) against the numerical
 * gradient of `net.loss(x, t, true)` with respect to every parameter (perturbed in place). The net
 * is frozen (`net.freeze()`, if it has one) while the numerical gradient is taken, so dropout uses
 * the masks `gradient` drew.
 *
 * Expect a small systematic difference from the book's loss: `SoftmaxWithLoss` computes
 * `-log(y[t] + 1e-7)` but backpropagates `(y - t) / N`, the derivative without the 1e-7, so the
 * two gradients differ by about `1e-7 / y[t]` relative (1e-6 for an untrained 10-class net, where
 * y[t] ~ 0.1; the book's gradient_check.py shows the same). The default tolerances allow for it.
 *
 * @example
 * const net = new TwoLayerNet(784, 50, 10);
 * const report = gradcheckNet(net, x.slice(':3'), t.slice(':3'));
 * report.tensors.W1.meanAbsDiff; // ~1e-10
 */
export function gradcheckNet(
  net: GradcheckableNet,
  x: Tensor,
  t: Labels,
  options: GradcheckOptions = {},
): GradcheckReport {
  const grads = net.gradient(x, t);
  const analytic: Record<string, Tensor> = {};
  for (const key of Object.keys(net.params)) {
    const g = grads[key];
    if (!(g instanceof Tensor))
      throw new RangeError(`gradcheckNet: net.gradient returned no gradient for '${key}'`);
    analytic[key] = g.copy();
  }
  const unfreeze = net.freeze?.();
  try {
    return gradcheck(() => net.loss(x, t, true), net.params, analytic, options);
  } finally {
    unfreeze?.();
  }
}

/** A layer for {@link gradcheckLayer}: the book's `forward` / `backward`. */
export interface GradcheckableLayer {
  forward(x: Tensor, train?: boolean): Tensor;
  backward(dout: Tensor): Tensor | null;
}

/** Options of {@link gradcheckLayer}. */
export interface GradcheckLayerOptions extends GradcheckOptions {
  /** Parameters to check too, by name (e.g. `{ W: affine.W, b: affine.b }`); not `'x'`. */
  params?: Readonly<Record<string, Tensor>>;
  /** Their gradients after `backward`, by the same names (e.g. `() => ({ W: affine.dW!, b: affine.db! })`). */
  grads?: () => Readonly<Record<string, Tensor | null>>;
  /** The `train` flag passed to `forward` (default true). */
  train?: boolean;
}

/**
 * Checks a layer's `backward`: with a fixed upstream gradient `g` (deterministic values in
 * [-1, 1], the output's shape), the scalar `L = sum(forward(x) * g)` has `dL/dx = backward(g)` and
 * `dL/dW = dW`. Checks `x` (as key `'x'`, unless `backward` returns null) and every entry of
 * `params`. A layer with a `reuseMask` (Dropout) or `freezeRunningStats` (BatchNormalization) flag
 * has it set during the check, so every evaluation is the same function.
 *
 * @example
 * const affine = new Affine(random.randn(6, 3), random.randn(3));
 * gradcheckLayer(affine, random.randn(4, 2, 3), {
 *   params: { W: affine.W, b: affine.b },
 *   grads: () => ({ W: affine.dW, b: affine.db }),
 * });
 */
export function gradcheckLayer(
  layer: GradcheckableLayer,
  x: Tensor,
  options: GradcheckLayerOptions = {},
): GradcheckReport {
  const train = options.train ?? true;
  const params = options.params ?? {};
  if (Object.hasOwn(params, 'x'))
    throw new RangeError("gradcheckLayer: params: the name 'x' is reserved for the input");
  const flags = layer as { reuseMask?: boolean; freezeRunningStats?: boolean };
  const saved = { reuseMask: flags.reuseMask, freezeRunningStats: flags.freezeRunningStats };
  try {
    const out = layer.forward(x, train);
    const g = upstream(out.shape);
    const dx = layer.backward(g);
    const analytic: Record<string, Tensor> = {};
    const inputs: Record<string, Tensor> = {};
    if (dx !== null) {
      inputs.x = x;
      analytic.x = dx.copy();
    }
    const grads = options.grads?.() ?? {};
    for (const key of Object.keys(params)) {
      const gk = grads[key];
      if (!(gk instanceof Tensor))
        throw new RangeError(`gradcheckLayer: grads() returned no gradient for '${key}'`);
      inputs[key] = params[key];
      analytic[key] = gk.copy();
    }
    if (typeof flags.reuseMask === 'boolean') flags.reuseMask = true;
    if (typeof flags.freezeRunningStats === 'boolean') flags.freezeRunningStats = true;
    return gradcheck(() => layer.forward(x, train).mul(g).sum().item(), inputs, analytic, options);
  } finally {
    if (typeof saved.reuseMask === 'boolean') flags.reuseMask = saved.reuseMask;
    if (typeof saved.freezeRunningStats === 'boolean') flags.freezeRunningStats = saved.freezeRunningStats;
  }
}

/** Deterministic, irregular values in [-1, 1] of `shape` (float64), as an upstream gradient. */
function upstream(shape: readonly number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.sin(1.7 * i + 0.3);
  return new Tensor(data, shape);
}
