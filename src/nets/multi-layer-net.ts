/**
 * The fully connected net of chapter 6 (`common/multi_layer_net.py`).
 * @module
 */
import type { Layer } from '../layers/layer.js';
import { Relu } from '../layers/relu.js';
import { Sigmoid } from '../layers/sigmoid.js';
import { random } from '../random/global.js';
import type { RandomState } from '../random/random-state.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  checkNetDType,
  checkSize,
  initBias,
  initWeight,
  LayerNet,
  type NetDType,
  type NetOptions,
} from './layer-net.js';

/**
 * How to scale the initial weights of each layer (the book's `weight_init_std`):
 * `'relu'` or `'he'`: `sqrt(2 / nPrev)` (He); `'sigmoid'` or `'xavier'`: `sqrt(1 / nPrev)` (Xavier);
 * a number: that standard deviation for every layer. `nPrev` is the layer's number of inputs.
 */
export type WeightInitStd = 'relu' | 'he' | 'sigmoid' | 'xavier' | number;

/** Hidden-layer activation. */
export type Activation = 'relu' | 'sigmoid';

/** Options of {@link MultiLayerNet}. */
export interface MultiLayerNetOptions extends NetOptions {
  /** Hidden activation, default 'relu'. */
  activation?: Activation;
  /** Weight scale, default 'relu' (He). */
  weightInitStd?: WeightInitStd;
  /** L2 weight decay λ (the book's `weight_decay_lambda`), default 0. */
  weightDecayLambda?: number;
}

/** The sizes and options of a multi-layer net in one object. */
export interface MultiLayerNetConfig extends MultiLayerNetOptions {
  inputSize: number;
  /** Neurons of each hidden layer, e.g. `[100, 100, 100]`. */
  hiddenSizeList: readonly number[];
  outputSize: number;
}

/** The arguments of a multi-layer net's constructor. */
export type MultiLayerNetCtorArgs<C extends MultiLayerNetConfig> =
  | [C]
  | [number, readonly number[], number, Omit<C, 'inputSize' | 'hiddenSizeList' | 'outputSize'>?];

/** {@link MultiLayerNetConfig} with defaults filled in and checked. */
export interface MultiLayerNetArgs {
  inputSize: number;
  hiddenSizeList: number[];
  outputSize: number;
  activation: Activation;
  weightInitStd: WeightInitStd;
  weightDecayLambda: number;
  dtype: NetDType;
  rng: Pick<RandomState, 'randn'>;
}

/** Reads the two constructor forms and checks them. */
export function multiLayerArgs<C extends MultiLayerNetConfig>(
  who: string,
  args: MultiLayerNetCtorArgs<C>,
): C & MultiLayerNetArgs {
  const config = (
    typeof args[0] === 'object' && args[0] !== null
      ? args[0]
      : { inputSize: args[0], hiddenSizeList: args[1], outputSize: args[2], ...(args[3] ?? {}) }
  ) as C;
  if (!Array.isArray(config.hiddenSizeList)) {
    throw new TypeError(
      `${who}: hiddenSizeList: expected an array of positive integers, got ${String(config.hiddenSizeList)}`,
    );
  }
  const hiddenSizeList = config.hiddenSizeList.map((n, i) => checkSize(who, `hiddenSizeList[${i}]`, n));
  const activation = config.activation ?? 'relu';
  if (activation !== 'relu' && activation !== 'sigmoid') {
    throw new TypeError(`${who}: activation: expected 'relu' or 'sigmoid', got ${String(activation)}`);
  }
  const w = config.weightInitStd ?? 'relu';
  const weightInitStd = typeof w === 'string' ? (w.toLowerCase() as WeightInitStd) : w;
  if (
    typeof weightInitStd === 'number'
      ? !Number.isFinite(weightInitStd)
      : !['relu', 'he', 'sigmoid', 'xavier'].includes(weightInitStd)
  ) {
    throw new TypeError(
      `${who}: weightInitStd: expected 'relu', 'he', 'sigmoid', 'xavier' or a finite number, got ${String(w)}`,
    );
  }
  return {
    ...config,
    inputSize: checkSize(who, 'inputSize', config.inputSize),
    hiddenSizeList,
    outputSize: checkSize(who, 'outputSize', config.outputSize),
    activation,
    weightInitStd,
    weightDecayLambda: config.weightDecayLambda ?? 0,
    dtype: checkNetDType(who, config.dtype ?? 'float64'),
    rng: config.rng ?? random,
  };
}

/**
 * The book's `__init_weight`: `W{i} = scale * randn(n[i-1], n[i])`, `b{i} = zeros(n[i])` for each
 * layer in order, with the scale of `weightInitStd`.
 */
export function initMultiLayerWeights(a: MultiLayerNetArgs): { W: Tensor[]; b: Tensor[] } {
  const sizes = [a.inputSize, ...a.hiddenSizeList, a.outputSize];
  const W: Tensor[] = [];
  const b: Tensor[] = [];
  for (let idx = 1; idx < sizes.length; idx++) {
    let scale: number;
    const s = a.weightInitStd;
    if (s === 'relu' || s === 'he') scale = Math.sqrt(2.0 / sizes[idx - 1]);
    else if (s === 'sigmoid' || s === 'xavier') scale = Math.sqrt(1.0 / sizes[idx - 1]);
    else scale = s;
    W.push(initWeight(a.rng, sizes[idx - 1], sizes[idx], scale, a.dtype));
    b.push(initBias(sizes[idx], a.dtype));
  }
  return { W, b };
}

/** A new hidden activation layer, reusing its buffers (the nets consume every output before the next call). */
export function activationLayer(activation: Activation): Layer {
  const options = { reuseBuffers: true };
  return activation === 'relu' ? new Relu(options) : new Sigmoid(options);
}

/**
 * `(Affine → activation) × hidden layers → Affine → softmax with cross-entropy`, with optional L2
 * weight decay: the book's `MultiLayerNet`.
 *
 * `params`: `W1 (inputSize, h1)`, `b1 (h1,)`, ..., `W{L} (h{L-1}, outputSize)`, `b{L}`, with
 * `L = hiddenSizeList.length + 1`, bound to the layers (in-place updates reach them).
 * The loss adds `0.5 * λ * sum(W²)` for every W and the gradient adds `λ * W`.
 *
 * Shapes: `x: (N, inputSize)`, `t: (N,)` labels or `(N, outputSize)` one-hot;
 * `predict: -> (N, outputSize)` scores; `loss`, `accuracy: -> number`; `gradient: -> params' shapes`.
 *
 * @example
 * const net = new MultiLayerNet(784, [100, 100, 100], 10, { weightDecayLambda: 0.1 });
 * // or new MultiLayerNet({ inputSize: 784, hiddenSizeList: [100, 100, 100], outputSize: 10, weightDecayLambda: 0.1 })
 * const grads = net.gradient(xBatch, tBatch); // { W1, b1, ..., W4, b4 }
 */
export class MultiLayerNet extends LayerNet {
  readonly hiddenSizeList: readonly number[];
  readonly hiddenLayerNum: number;
  readonly activation: Activation;

  constructor(config: MultiLayerNetConfig);
  constructor(
    inputSize: number,
    hiddenSizeList: readonly number[],
    outputSize: number,
    options?: MultiLayerNetOptions,
  );
  constructor(...args: MultiLayerNetCtorArgs<MultiLayerNetConfig>) {
    const a = multiLayerArgs('MultiLayerNet', args);
    super('MultiLayerNet', a.inputSize, a.outputSize, a.weightDecayLambda);
    this.hiddenSizeList = Object.freeze([...a.hiddenSizeList]);
    this.hiddenLayerNum = a.hiddenSizeList.length;
    this.activation = a.activation;
    const { W, b } = initMultiLayerWeights(a);
    for (let idx = 1; idx <= this.hiddenLayerNum; idx++) {
      this.addLayer(`Affine${idx}`, this.newAffine(idx, W[idx - 1], b[idx - 1]));
      this.addLayer(`Activation_function${idx}`, activationLayer(a.activation));
    }
    const last = this.hiddenLayerNum + 1;
    this.addLayer(`Affine${last}`, this.newAffine(last, W[last - 1], b[last - 1]));
    this.bindParams();
  }
}
