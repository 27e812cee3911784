/**
 * What the layered networks of chapters 5 and 6 share (`TwoLayerNet`, `MultiLayerNet`,
 * `MultiLayerNetExtend`): an ordered list of layers ending in `SoftmaxWithLoss`, parameters bound
 * to the layers, and the book's `predict`, `loss`, `accuracy`, `gradient` and `numericalGradient`.
 * @module
 */
import type { Labels } from '../functions/losses.js';
import { type NumericalGradientOptions, numericalGradient } from '../gradient/numerical.js';
import { getKernels } from '../kernels/select.js';
import type { FloatArray } from '../kernels/types.js';
import { Affine } from '../layers/affine.js';
import { BatchNormalization } from '../layers/batch-normalization.js';
import { kernelData, OutputBuffer, residentCopy } from '../layers/buffers.js';
import { Dropout } from '../layers/dropout.js';
import { checkBatch, describeShape, type Layer, labelsOf } from '../layers/layer.js';
import { Relu } from '../layers/relu.js';
import { Sigmoid } from '../layers/sigmoid.js';
import { SoftmaxWithLoss } from '../layers/softmax-with-loss.js';
import type { RandomState } from '../random/random-state.js';
import { zeros } from '../tensor/create.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** Parameter precision of a net: float64 (default, for gradient checks and numpy fixtures) or float32. */
export type NetDType = 'float64' | 'float32';

/** Options every net takes. */
export interface NetOptions {
  /**
   * Where the initial weights come from: anything with numpy's `randn` (a `RandomState`); the
   * global `random` by default, as the book's `np.random.randn`.
   */
  rng?: Pick<RandomState, 'randn'>;
  /**
   * Parameter dtype. Weights are drawn in float64 (as numpy's `randn`), scaled, then cast, so a
   * float32 net starts from numpy's float64 weights rounded once. Default 'float64'.
   */
  dtype?: NetDType;
}

/** Rows per forward pass when {@link LayerNet.accuracy} evaluates a large set. */
export const ACCURACY_CHUNK = 1000;

/** Checks a size argument: a positive integer. */
export function checkSize(who: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new RangeError(`${who}: ${name}: expected a positive integer, got ${String(v)}`);
  }
  return v;
}

/** Checks the dtype option. */
export function checkNetDType(who: string, dtype: unknown): NetDType {
  if (dtype !== 'float64' && dtype !== 'float32') {
    throw new TypeError(`${who}: dtype: expected 'float64' or 'float32', got ${String(dtype)}`);
  }
  return dtype;
}

/**
 * The book's weight init `scale * np.random.randn(nIn, nOut)`, drawn in float64, then cast to `dtype`.
 * @example initWeight(random, 784, 50, 0.01, 'float64') // (784, 50)
 */
export function initWeight(
  rng: Pick<RandomState, 'randn'>,
  nIn: number,
  nOut: number,
  scale: number,
  dtype: NetDType,
): Tensor {
  const w = rng.randn(nIn, nOut).mul(scale);
  return dtype === 'float64' ? w : w.astype(dtype);
}

/** A zero bias `(n,)` of `dtype`. */
export function initBias(n: number, dtype: NetDType): Tensor {
  return zeros([n], { dtype });
}

/**
 * Class indices of `t` (labels `(N,)` or one-hot `(N, C)`, the one-hot turned into labels by
 * argmax as the book does), checked against N samples and C classes.
 */
export function labelIndices(who: string, t: Labels, n: number, classes: number): number[] {
  const labels = labelsOf(who, t, n, classes);
  return labels ?? (t as Tensor).argmax({ axis: 1 }).toFlatArray();
}

/**
 * The book's `accuracy`: the fraction of rows of scores `y` `(N, C)` whose argmax is the label.
 * @example accuracyOf('net', tensor([[0.1, 0.9], [0.8, 0.2]]), [1, 1]) // 0.5
 */
export function accuracyOf(who: string, y: Tensor, t: Labels): number {
  const [n, c] = y.shape;
  const labels = labelIndices(who, t, n, c);
  const pred = y.argmax({ axis: 1 }).toFlatArray();
  let correct = 0;
  for (let i = 0; i < n; i++) if (pred[i] === labels[i]) correct++;
  return correct / n;
}

/**
 * Makes `params[key]` an enumerable property that reads and writes a layer's field, so that
 * `params.W1` IS the tensor the layer uses (in-place updates reach the layer) and assigning
 * `params.W1 = other` replaces it in the layer too (after a shape check).
 */
export function bindParam<O extends object, K extends keyof O & string>(
  who: string,
  params: Record<string, Tensor>,
  key: string,
  owner: O,
  field: K,
): void {
  Object.defineProperty(params, key, {
    enumerable: true,
    configurable: false,
    get: () => owner[field] as Tensor,
    set: (v: unknown) => {
      const old = owner[field] as Tensor;
      if (!(v instanceof Tensor))
        throw new TypeError(`${who}: params.${key}: expected a Tensor, got ${typeof v}`);
      if (!shapesEqual(v.shape, old.shape)) {
        throw new RangeError(
          `${who}: params.${key}: expected shape ${formatShape(old.shape)}, got ${formatShape(v.shape)}`,
        );
      }
      owner[field] = v as O[K];
    },
  });
}

/**
 * The layered classifier: `layers` in order, then `lastLayer` (softmax with cross-entropy).
 * Subclasses build the layers and bind `params`; everything else is here.
 *
 * Speed and memory (issue 6): the layers the nets build reuse their buffers (`reuseBuffers`), the
 * parameters live in kernel memory (resident in WebAssembly memory when it is shared), and an
 * `Affine` directly followed by `Relu` or `Sigmoid` runs as one fused kernel call
 * (`gemmBiasAct`: product, bias and activation; the values are those of the two layers run one after
 * the other). A training step (`gradient`, an optimizer update, `loss`) then allocates no array
 * storage (the weight-decay term of `loss` aside), and the kernels read and write it in place.
 * What that means for callers:
 * - `predict` returns a new tensor (a copy of the last layer's reused output);
 * - `gradient` returns the layers' gradient tensors (`dW`, `db`, ...), which the next `gradient`
 *   call overwrites in place: copy them (`g.copy()`) to keep them across calls;
 * - the layers' own fields (`Affine.x`, `Relu.out`, `lastLayer.y`, ...) hold reused buffers.
 */
export abstract class LayerNet {
  /**
   * The parameters by the book's names (`W1`, `b1`, ..., `gamma1`, `beta1`, ...). Each entry is the
   * very tensor its layer uses: an optimizer updating them in place updates the net.
   */
  readonly params: Record<string, Tensor> = {};
  /** The gradients of the last `gradient` call, keyed as `params`. */
  grads: Record<string, Tensor> = {};
  /** The layers in order, by the book's names (`Affine1`, `Relu1`, ...). */
  readonly layers: Record<string, Layer> = {};
  /** Softmax with cross-entropy loss (reusing its buffers: see the class notes). */
  readonly lastLayer = new SoftmaxWithLoss({ reuseBuffers: true });
  /** The affine layers in order (`Affine1` is `affines[0]`). */
  protected readonly affines: Affine<boolean>[] = [];
  /** L2 weight decay λ: the loss adds `0.5 * λ * sum(W²)` for each W, the gradient `λ * W`. */
  readonly weightDecayLambda: number;
  /** Per affine layer: the buffer of `dW + λ·W` (weight decay only). */
  private readonly decayGrads: OutputBuffer[] = [];
  /** The record `gradient` returns, reused while the keys stay the same. */
  private gradRecord: Record<string, Tensor> | null = null;

  protected constructor(
    /** The class name, for error messages. */
    protected readonly label: string,
    readonly inputSize: number,
    readonly outputSize: number,
    weightDecayLambda = 0,
  ) {
    if (
      typeof weightDecayLambda !== 'number' ||
      !Number.isFinite(weightDecayLambda) ||
      weightDecayLambda < 0
    ) {
      throw new RangeError(
        `${label}: weightDecayLambda: expected a finite number >= 0, got ${String(weightDecayLambda)}`,
      );
    }
    this.weightDecayLambda = weightDecayLambda;
  }

  /**
   * Appends a layer under the book's name. An `Affine` named `Affine{i}` provides params `W{i}`,
   * `b{i}`; a `BatchNormalization` named `BatchNorm{i}` provides `gamma{i}`, `beta{i}` (see `bindParams`).
   */
  protected addLayer(name: string, layer: Layer): void {
    if (Object.hasOwn(this.layers, name)) throw new Error(`${this.label}: duplicate layer name '${name}'`);
    this.layers[name] = layer;
    if (layer instanceof Affine) this.affines.push(layer);
  }

  /**
   * The i-th affine layer (1-based) on `W`, `b` (moved to kernel memory: see {@link residentCopy}),
   * reusing its buffers. The first one skips `dx` (`computeInputGrad: false`): its input is data.
   */
  protected newAffine(index: number, W: Tensor, b: Tensor): Affine<boolean> {
    return new Affine(residentCopy(W), residentCopy(b), {
      computeInputGrad: index !== 1,
      reuseBuffers: true,
    });
  }

  /**
   * Fills `params` in the book's order: `W1, b1, ..., W{L}, b{L}`, then `gamma1, beta1, ...`, each
   * bound to its layer's field (see {@link bindParam}). Call once, after the last `addLayer`.
   */
  protected bindParams(): void {
    this.affines.forEach((affine, i) => {
      bindParam(this.label, this.params, `W${i + 1}`, affine, 'W');
      bindParam(this.label, this.params, `b${i + 1}`, affine, 'b');
    });
    for (const [index, bn] of this.batchNorms()) {
      bindParam(this.label, this.params, `gamma${index}`, bn, 'gamma');
      bindParam(this.label, this.params, `beta${index}`, bn, 'beta');
    }
  }

  /** The batch-norm layers with the index of their name (`BatchNorm2` -> 2). */
  protected batchNorms(): [string, BatchNormalization][] {
    const out: [string, BatchNormalization][] = [];
    for (const [name, layer] of Object.entries(this.layers)) {
      if (layer instanceof BatchNormalization) out.push([name.replace(/^BatchNorm/, ''), layer]);
    }
    return out;
  }

  /**
   * Runs the layers on a checked batch and returns the last layer's output, which may be a buffer
   * that the next forward overwrites. An `Affine` directly followed by a `Relu` or `Sigmoid` that
   * reuse their buffers runs as one kernel call (see the class notes).
   */
  protected forwardLayers(x: Tensor, train: boolean): Tensor {
    checkBatch(this.label, 'x', x, describeShape(['N', this.inputSize]));
    if (x.size / x.shape[0] !== this.inputSize) {
      throw new RangeError(
        `${this.label}: x: expected shape ${describeShape(['N', this.inputSize])} (inputSize ${this.inputSize}), got ${formatShape(x.shape)}`,
      );
    }
    const layers = Object.values(this.layers);
    let y = x;
    for (let i = 0; i < layers.length; i++) {
      const layer = layers[i];
      const next = layers[i + 1];
      if (
        layer instanceof Affine &&
        layer.reuseBuffers &&
        (next instanceof Relu || next instanceof Sigmoid) &&
        next.reuseBuffers &&
        layer.forwardAct(y, next instanceof Relu ? 'relu' : 'sigmoid', (dtype, shape) =>
          next.claimOutput(dtype, shape),
        )
      ) {
        y = next.out!;
        i++;
        continue;
      }
      y = layer.forward(y, train);
    }
    return y;
  }

  /**
   * The scores `loss`, `accuracy` and `gradient` use: {@link forwardLayers} (no copy), or the
   * subclass's `predict` when it overrides it (the conv nets reshape images first).
   */
  protected scores(x: Tensor, train: boolean): Tensor {
    return this.predict === LayerNet.prototype.predict
      ? this.forwardLayers(x, train)
      : this.predict(x, train);
  }

  /**
   * Scores (before softmax) for a batch. `train` matters only to Dropout and BatchNormalization.
   * x: `(N, inputSize)` (or `(N, ...)` flattening to it) -> `(N, outputSize)`, a new tensor.
   */
  predict(x: Tensor, train = false): Tensor {
    const y = this.forwardLayers(x, train);
    const layers = Object.values(this.layers);
    const last = layers[layers.length - 1] as { reuseBuffers?: boolean } | undefined;
    return last?.reuseBuffers ? y.copy() : y;
  }

  /**
   * The loss: mean cross-entropy of the softmax of the scores, plus the weight decay term.
   * x: `(N, inputSize)`, t: labels `(N,)` or one-hot `(N, outputSize)` -> a number.
   */
  loss(x: Tensor, t: Labels, train = false): number {
    const y = this.scores(x, train);
    let weightDecay = 0;
    if (this.weightDecayLambda !== 0) {
      for (const affine of this.affines) {
        const W = affine.W;
        weightDecay += 0.5 * this.weightDecayLambda * W.mul(W).sum().item();
      }
    }
    return this.lastLayer.forward(y, t) + weightDecay;
  }

  /**
   * Fraction of samples whose highest score is the label (test mode). t: labels or one-hot.
   * Large sets are predicted {@link ACCURACY_CHUNK} rows at a time (the same predictions, in
   * bounded memory: the Trainer evaluates whole training sets).
   */
  accuracy(x: Tensor, t: Labels): number {
    const n = x.ndim > 0 ? x.shape[0] : 0;
    if (n <= ACCURACY_CHUNK) return accuracyOf(this.label, this.scores(x, false), t);
    checkBatch(this.label, 'x', x, describeShape(['N', this.inputSize]));
    const labels = labelIndices(this.label, t, n, this.outputSize);
    let correct = 0;
    for (let start = 0; start < n; start += ACCURACY_CHUNK) {
      const stop = Math.min(start + ACCURACY_CHUNK, n);
      const y = this.scores(x.slice({ start, stop }), false);
      const pred = y.argmax({ axis: 1 }).toFlatArray();
      for (let i = 0; i < pred.length; i++) if (pred[i] === labels[start + i]) correct++;
    }
    return correct / n;
  }

  /**
   * Gradients of the (training-mode) loss by backpropagation, keyed as `params`; also stored in
   * `this.grads`. The tensors are the layers' gradient buffers, overwritten in place by the next
   * call (copy them to keep them); so is the returned record.
   */
  gradient(x: Tensor, t: Labels): Record<string, Tensor> {
    this.loss(x, t, true);
    let dout: Tensor | null = this.lastLayer.backward(1);
    const layers = Object.values(this.layers);
    for (let i = layers.length - 1; i >= 0; i--) {
      if (dout === null)
        throw new Error(`${this.label}.gradient: a layer before the first one returned no gradient`);
      dout = layers[i].backward(dout);
    }
    const lambda = this.weightDecayLambda;
    const grads: Record<string, Tensor> = {};
    this.affines.forEach((affine, i) => {
      grads[`W${i + 1}`] = lambda === 0 ? affine.dW! : this.decayed(i, affine, lambda);
      grads[`b${i + 1}`] = affine.db!;
    });
    for (const [index, bn] of this.batchNorms()) {
      grads[`gamma${index}`] = bn.dgamma!;
      grads[`beta${index}`] = bn.dbeta!;
    }
    let ordered = this.gradRecord;
    const keys = Object.keys(this.params);
    if (
      ordered === null ||
      Object.keys(ordered).length !== keys.length ||
      !keys.every((k) => Object.hasOwn(ordered!, k))
    )
      ordered = {};
    for (const key of keys) ordered[key] = grads[key];
    this.gradRecord = ordered;
    this.grads = ordered;
    return ordered;
  }

  /** `dW + λ·W` for the i-th affine layer, in a reused buffer (numpy's `dW + λ * W`, bit for bit). */
  private decayed(i: number, affine: Affine<boolean>, lambda: number): Tensor {
    const dW = affine.dW!;
    const W = affine.W;
    if (dW.dtype !== W.dtype || (dW.dtype !== 'float32' && dW.dtype !== 'float64'))
      return dW.add(W.mul(lambda));
    this.decayGrads[i] ??= new OutputBuffer(true);
    const out = this.decayGrads[i].get(dW.dtype, dW.shape);
    out.data.set(kernelData(dW).subarray(0, dW.size));
    getKernels().axpy(W.size, lambda, kernelData(W), out.data as FloatArray);
    return out;
  }

  /**
   * Gradients by central differences (`src/gradient/numerical.ts`), perturbing each parameter in
   * place, of the training-mode loss with stochastic and stateful layers frozen (see `freeze`).
   * Slow: two loss evaluations per parameter element. For checking `gradient`.
   */
  numericalGradient(x: Tensor, t: Labels, options: NumericalGradientOptions = {}): Record<string, Tensor> {
    const unfreeze = this.freeze();
    try {
      const grads: Record<string, Tensor> = {};
      for (const key of Object.keys(this.params)) {
        grads[key] = numericalGradient(() => this.loss(x, t, true), this.params[key], options);
      }
      return grads;
    } finally {
      unfreeze();
    }
  }

  /**
   * Makes the training-mode loss a deterministic function of the parameters until the returned
   * function is called: Dropout layers reuse their last mask (drawing one at the next forward if
   * they have none) and BatchNormalization layers stop updating their running statistics.
   * Gradient checks need this; the book's `numerical_gradient` draws a new dropout mask for every
   * evaluation, which makes the numerical gradient of a dropout net noise.
   * @example
   * const unfreeze = net.freeze();
   * try { ... } finally { unfreeze(); }
   */
  freeze(): () => void {
    const restore: (() => void)[] = [];
    for (const layer of Object.values(this.layers)) {
      if (layer instanceof Dropout) {
        const was = layer.reuseMask;
        layer.reuseMask = true;
        restore.push(() => {
          layer.reuseMask = was;
        });
      } else if (layer instanceof BatchNormalization) {
        const was = layer.freezeRunningStats;
        layer.freezeRunningStats = true;
        restore.push(() => {
          layer.freezeRunningStats = was;
        });
      }
    }
    return () => {
      for (const r of restore) r();
    };
  }
}
