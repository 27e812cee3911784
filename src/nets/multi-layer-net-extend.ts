/**
 * The fully connected net of chapter 6 with dropout and batch normalization
 * (`common/multi_layer_net_extend.py`).
 * @module
 */
import { BatchNormalization, type BatchNormalizationOptions } from '../layers/batch-normalization.js';
import { Dropout, type DropoutOptions } from '../layers/dropout.js';
import { checkRange } from '../layers/layer.js';
import type { RandomState } from '../random/random-state.js';
import { ones, zeros } from '../tensor/create.js';
import { LayerNet } from './layer-net.js';
import {
  type Activation,
  activationLayer,
  initMultiLayerWeights,
  type MultiLayerNetConfig,
  type MultiLayerNetCtorArgs,
  type MultiLayerNetOptions,
  multiLayerArgs,
} from './multi-layer-net.js';

/** Options of {@link MultiLayerNetExtend}. */
export interface MultiLayerNetExtendOptions extends Omit<MultiLayerNetOptions, 'rng'> {
  /**
   * Random source for the initial weights (`randn`) and the dropout masks (`rand`); the global
   * `random` by default, as the book's `np.random`.
   */
  rng?: Pick<RandomState, 'randn' | 'rand'>;
  /** Insert `Dropout` after each hidden activation (the book's `use_dropout`), default false. */
  useDropout?: boolean;
  /** Dropout ratio (the book's `dropout_ration`), default 0.5. */
  dropoutRatio?: number;
  /** Dropout flavour, default 'book' (see `DropoutOptions.mode`). */
  dropoutMode?: DropoutOptions['mode'];
  /** Insert `BatchNormalization` between each hidden Affine and its activation, default false. */
  useBatchnorm?: boolean;
  /**
   * Options of the batch-norm layers (momentum, eps, initRunningVar). Note `initRunningVar`
   * defaults to 'ones'; pass 'zeros' for the book's test-mode numbers.
   */
  batchnormOptions?: Pick<BatchNormalizationOptions, 'momentum' | 'eps' | 'initRunningVar'>;
}

/** The sizes and options of a {@link MultiLayerNetExtend} in one object. */
export interface MultiLayerNetExtendConfig
  extends MultiLayerNetExtendOptions,
    Omit<MultiLayerNetConfig, 'rng'> {}

/**
 * The book's `MultiLayerNetExtend`: for each hidden layer `Affine{i}` → (`BatchNorm{i}`) →
 * `Activation_function{i}` → (`Dropout{i}`), then `Affine{L}` → softmax with cross-entropy.
 *
 * `params`: `W1, b1, ..., W{L}, b{L}` as {@link MultiLayerNet}, then, with batch norm,
 * `gamma{i}` (ones) and `beta{i}` (zeros) of shape `(h{i},)` for each hidden layer.
 *
 * `predict(x, train = false)`; `loss(x, t, train = false)` (as the book; the book's Trainer reports
 * the test-mode loss); `gradient` backpropagates the training-mode loss (fresh dropout masks, batch
 * statistics); `accuracy` uses test mode. `numericalGradient` freezes dropout masks and running
 * statistics (see `freeze`), so it is comparable with the `gradient` computed just before it.
 *
 * Shapes: `x: (N, inputSize)`, `t: (N,)` labels or `(N, outputSize)` one-hot;
 * `predict: -> (N, outputSize)` scores.
 *
 * @example
 * const net = new MultiLayerNetExtend(784, [100, 100], 10, { useBatchnorm: true, useDropout: true, dropoutRatio: 0.2 });
 * const grads = net.gradient(xBatch, tBatch); // W1, b1, W2, b2, W3, b3, gamma1, beta1, gamma2, beta2
 * net.accuracy(xTest, tTest);                 // test mode
 */
export class MultiLayerNetExtend extends LayerNet {
  readonly hiddenSizeList: readonly number[];
  readonly hiddenLayerNum: number;
  readonly activation: Activation;
  readonly useDropout: boolean;
  readonly dropoutRatio: number;
  readonly useBatchnorm: boolean;

  constructor(config: MultiLayerNetExtendConfig);
  constructor(
    inputSize: number,
    hiddenSizeList: readonly number[],
    outputSize: number,
    options?: MultiLayerNetExtendOptions,
  );
  constructor(...args: MultiLayerNetCtorArgs<MultiLayerNetExtendConfig>) {
    const a = multiLayerArgs('MultiLayerNetExtend', args);
    super('MultiLayerNetExtend', a.inputSize, a.outputSize, a.weightDecayLambda);
    this.hiddenSizeList = Object.freeze([...a.hiddenSizeList]);
    this.hiddenLayerNum = a.hiddenSizeList.length;
    this.activation = a.activation;
    this.useDropout = a.useDropout ?? false;
    this.dropoutRatio = a.dropoutRatio ?? 0.5;
    checkRange('MultiLayerNetExtend: dropoutRatio', this.dropoutRatio, 0, 1);
    this.useBatchnorm = a.useBatchnorm ?? false;
    const { W, b } = initMultiLayerWeights(a);
    const rng = a.rng as Pick<RandomState, 'rand'>;
    for (let idx = 1; idx <= this.hiddenLayerNum; idx++) {
      this.addLayer(`Affine${idx}`, this.newAffine(idx, W[idx - 1], b[idx - 1]));
      if (this.useBatchnorm) {
        const n = a.hiddenSizeList[idx - 1];
        const bn = new BatchNormalization(
          ones([n], { dtype: a.dtype }),
          zeros([n], { dtype: a.dtype }),
          a.batchnormOptions,
        );
        this.addLayer(`BatchNorm${idx}`, bn);
      }
      this.addLayer(`Activation_function${idx}`, activationLayer(a.activation));
      if (this.useDropout) {
        this.addLayer(`Dropout${idx}`, new Dropout(this.dropoutRatio, { mode: a.dropoutMode, rng }));
      }
    }
    const last = this.hiddenLayerNum + 1;
    this.addLayer(`Affine${last}`, this.newAffine(last, W[last - 1], b[last - 1]));
    this.bindParams();
  }
}
