/**
 * The two-layer net of chapter 5 (`ch05/two_layer_net.py`), built from layers.
 * @module
 */
import { Relu } from '../layers/relu.js';
import { random } from '../random/global.js';
import type { RandomState } from '../random/random-state.js';
import {
  checkNetDType,
  checkSize,
  initBias,
  initWeight,
  LayerNet,
  type NetDType,
  type NetOptions,
} from './layer-net.js';

/** Options of {@link TwoLayerNet} and {@link TwoLayerNetSigmoid}. */
export interface TwoLayerNetOptions extends NetOptions {
  /** Standard deviation of the initial weights (`weight_init_std`), default 0.01. */
  weightInitStd?: number;
}

/** The sizes and options of a two-layer net in one object. */
export interface TwoLayerNetConfig extends TwoLayerNetOptions {
  inputSize: number;
  hiddenSize: number;
  outputSize: number;
}

/** {@link TwoLayerNetConfig} with the defaults filled in and checked. */
export interface TwoLayerNetArgs {
  inputSize: number;
  hiddenSize: number;
  outputSize: number;
  weightInitStd: number;
  dtype: NetDType;
  rng: Pick<RandomState, 'randn'>;
}

/** The arguments of a two-layer net's constructor. */
export type TwoLayerNetCtorArgs = [TwoLayerNetConfig] | [number, number, number, TwoLayerNetOptions?];

/** Reads the two constructor forms, `(inputSize, hiddenSize, outputSize, options)` or `(config)`. */
export function twoLayerArgs(who: string, args: TwoLayerNetCtorArgs): TwoLayerNetArgs {
  const config: TwoLayerNetConfig =
    typeof args[0] === 'object' && args[0] !== null
      ? args[0]
      : {
          inputSize: args[0],
          hiddenSize: args[1] as number,
          outputSize: args[2] as number,
          ...(args[3] ?? {}),
        };
  const weightInitStd = config.weightInitStd ?? 0.01;
  if (typeof weightInitStd !== 'number' || !Number.isFinite(weightInitStd)) {
    throw new RangeError(`${who}: weightInitStd: expected a finite number, got ${String(weightInitStd)}`);
  }
  return {
    inputSize: checkSize(who, 'inputSize', config.inputSize),
    hiddenSize: checkSize(who, 'hiddenSize', config.hiddenSize),
    outputSize: checkSize(who, 'outputSize', config.outputSize),
    weightInitStd,
    dtype: checkNetDType(who, config.dtype ?? 'float64'),
    rng: config.rng ?? random,
  };
}

/**
 * Affine → ReLU → Affine → softmax with cross-entropy: the book's chapter 5 `TwoLayerNet`, whose
 * `gradient` is backpropagation through the layers.
 *
 * `params` (`W1 (inputSize, hiddenSize)`, `b1 (hiddenSize,)`, `W2 (hiddenSize, outputSize)`,
 * `b2 (outputSize,)`) are the tensors the layers use: in-place optimizer updates train the net.
 * Weights are `weightInitStd * rng.randn(...)` drawn W1 then W2, so after `random.seed(s)` (or with
 * `rng: new RandomState(s)`) they are bit-identical to the book's after `np.random.seed(s)`.
 *
 * Shapes: `x: (N, inputSize)`, `t: (N,)` labels or `(N, outputSize)` one-hot;
 * `predict: -> (N, outputSize)` scores; `loss`, `accuracy: -> number`; `gradient: -> {W1, b1, W2, b2}`.
 *
 * The chapter 4 net (sigmoid hidden layer, softmax output, hand-derived gradient) is
 * {@link TwoLayerNetSigmoid}.
 *
 * @example
 * const net = new TwoLayerNet(784, 50, 10);          // or new TwoLayerNet({ inputSize: 784, hiddenSize: 50, outputSize: 10 })
 * const grads = net.gradient(xBatch, tBatch);
 * for (const key of Object.keys(net.params)) net.params[key].subInPlace(grads[key].mul(0.1));
 * net.accuracy(xTest, tTest);
 */
export class TwoLayerNet extends LayerNet {
  readonly hiddenSize: number;
  readonly weightInitStd: number;

  constructor(config: TwoLayerNetConfig);
  constructor(inputSize: number, hiddenSize: number, outputSize: number, options?: TwoLayerNetOptions);
  constructor(...args: TwoLayerNetCtorArgs) {
    const a = twoLayerArgs('TwoLayerNet', args);
    super('TwoLayerNet', a.inputSize, a.outputSize);
    this.hiddenSize = a.hiddenSize;
    this.weightInitStd = a.weightInitStd;
    const rng = a.rng;
    const W1 = initWeight(rng, a.inputSize, a.hiddenSize, a.weightInitStd, a.dtype);
    const W2 = initWeight(rng, a.hiddenSize, a.outputSize, a.weightInitStd, a.dtype);
    this.addLayer('Affine1', this.newAffine(1, W1, initBias(a.hiddenSize, a.dtype)));
    this.addLayer('Relu1', new Relu({ reuseBuffers: true }));
    this.addLayer('Affine2', this.newAffine(2, W2, initBias(a.outputSize, a.dtype)));
    this.bindParams();
  }
}
