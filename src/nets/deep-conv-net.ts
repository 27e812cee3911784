/**
 * The deep convolutional net of chapter 8 (`ch08/deep_convnet.py`).
 * @module
 */
import type { Labels } from '../functions/losses.js';
import { Dropout, type DropoutOptions } from '../layers/dropout.js';
import { checkRange } from '../layers/layer.js';
import { Pooling } from '../layers/pooling.js';
import { Relu } from '../layers/relu.js';
import { random } from '../random/global.js';
import type { RandomState } from '../random/random-state.js';
import { zeros } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkNetDType, checkSize, type NetDType, type NetOptions } from './layer-net.js';
import {
  ConvLayerNet,
  type ConvParam,
  checkConvParam,
  checkInputDim,
  type InputDim,
  initTensor,
} from './simple-conv-net.js';

/**
 * The book's six convolutions: 16, 16, 32, 32, 64, 64 filters of 3x3, pad 1 except the fourth (pad 2).
 * @example new DeepConvNet({ convParams: DEEP_CONV_PARAMS.map((p) => ({ ...p, filterNum: p.filterNum / 2 })) })
 */
export const DEEP_CONV_PARAMS: readonly Readonly<Required<ConvParam>>[] = Object.freeze(
  [
    [16, 1],
    [16, 1],
    [32, 1],
    [32, 2],
    [64, 1],
    [64, 1],
  ].map(([filterNum, pad]) => Object.freeze({ filterNum, filterSize: 3, pad, stride: 1 })),
);

/**
 * Options and sizes of {@link DeepConvNet}; every field has the book's default.
 * @example new DeepConvNet({ hiddenSize: 100, dropoutRatio: 0.3, rng: new RandomState(0), dtype: 'float32' })
 */
export interface DeepConvNetConfig extends Omit<NetOptions, 'rng'> {
  /** Input image shape `[C, H, W]`, default `[1, 28, 28]`. */
  inputDim?: InputDim;
  /** The six convolutions (the book's `conv_param_1` ... `conv_param_6`), default {@link DEEP_CONV_PARAMS}. */
  convParams?: readonly ConvParam[];
  /** Neurons of the hidden affine layer, default 50. */
  hiddenSize?: number;
  /** Number of classes, default 10. */
  outputSize?: number;
  /** Ratio of both dropout layers, default 0.5. */
  dropoutRatio?: number;
  /** Dropout flavour, default 'book' (see `DropoutOptions.mode`). */
  dropoutMode?: DropoutOptions['mode'];
  /** Source of the initial weights (`randn`) and the dropout masks (`rand`); default the global `random`. */
  rng?: Pick<RandomState, 'randn' | 'rand'>;
}

/**
 * The architecture of a {@link DeepConvNet}: its config without the random source (JSON-able).
 * @example JSON.stringify(net.architecture)
 */
export interface DeepConvNetArchitecture {
  inputDim: [number, number, number];
  convParams: Required<ConvParam>[];
  hiddenSize: number;
  outputSize: number;
  dropoutRatio: number;
  dropoutMode: 'book' | 'inverted';
  dtype: NetDType;
}

/**
 * The book's chapter 8 `DeepConvNet` (over 99% on the full MNIST):
 * `(Conv → Relu → Conv → Relu → Pool) × 3 → Affine → Relu → Dropout → Affine → Dropout → softmax`,
 * with the book's quirks kept: the fourth convolution pads by 2 (so 14x14 becomes 16x16), and the
 * last dropout sits after the output layer.
 *
 * Layers: `Conv1`, `Relu1`, `Conv2`, `Relu2`, `Pool1`, ..., `Conv6`, `Relu6`, `Pool3`, `Affine1`,
 * `Relu7`, `Dropout1`, `Affine2`, `Dropout2`. Pools are 2x2 with stride 2.
 * `params`: `W1..W6 (FN, C, 3, 3)` and `b1..b6` of the convolutions, `W7 (64*4*4, hiddenSize)`, `b7`,
 * `W8 (hiddenSize, outputSize)`, `b8`, He-initialised (`sqrt(2 / fanIn)` times `rng.randn`, drawn
 * W1..W8 in order: bit-identical to the book's after `np.random.seed`). The fan-ins (the book's
 * hard-coded `pre_node_nums`) are computed from the configuration, so other input sizes work.
 *
 * Modes as the book's: `loss(x, t, train = true)` (the book's `loss` always uses training mode, so
 * a Trainer's loss curve includes dropout), `predict(x, train = false)`, `accuracy` in test mode.
 *
 * Shapes: `x: (N, C, H, W)` (or flattened `(N, C*H*W)`), `t: (N,)` labels or `(N, outputSize)` one-hot;
 * `predict: -> (N, outputSize)`; `gradient: -> { W1, b1, ..., W8, b8 }`.
 *
 * @example
 * const net = new DeepConvNet({ rng: new RandomState(0), dtype: 'float32' });
 * const grads = net.gradient(xBatch, tBatch); // xBatch (100, 1, 28, 28)
 * net.accuracy(xTest, tTest);
 */
export class DeepConvNet extends ConvLayerNet {
  readonly convParams: readonly Readonly<Required<ConvParam>>[];
  readonly hiddenSize: number;
  readonly dropoutRatio: number;
  readonly dropoutMode: 'book' | 'inverted';

  constructor(config: DeepConvNetConfig = {}) {
    const who = 'DeepConvNet';
    const inputDim = checkInputDim(who, config.inputDim ?? [1, 28, 28]);
    const raw = config.convParams ?? DEEP_CONV_PARAMS;
    if (!Array.isArray(raw) || raw.length !== 6) {
      throw new RangeError(
        `${who}: convParams: expected 6 convolutions, got ${Array.isArray(raw) ? raw.length : String(raw)}`,
      );
    }
    const convParams = raw.map((p, i) => Object.freeze(checkConvParam(who, `convParams[${i}]`, p)));
    const hiddenSize = checkSize(who, 'hiddenSize', config.hiddenSize ?? 50);
    const outputSize = checkSize(who, 'outputSize', config.outputSize ?? 10);
    const dtype = checkNetDType(who, config.dtype ?? 'float64');
    const dropoutRatio = config.dropoutRatio ?? 0.5;
    checkRange(`${who}: dropoutRatio`, dropoutRatio, 0, 1);
    super(who, inputDim, outputSize, dtype);
    const rng = config.rng ?? random;
    let shape = [1, ...inputDim];
    let channels = inputDim[0];
    convParams.forEach((cp, i) => {
      const fanIn = channels * cp.filterSize * cp.filterSize;
      const W = initTensor(
        rng,
        [cp.filterNum, channels, cp.filterSize, cp.filterSize],
        Math.sqrt(2 / fanIn),
        dtype,
      );
      const conv = this.newConv(W, zeros([cp.filterNum], { dtype }), cp, i === 0);
      shape = this.chain(`Conv${i + 1}`, shape, (s) => conv.outputShape(s));
      this.addParamLayer(`Conv${i + 1}`, conv);
      this.addParamLayer(`Relu${i + 1}`, new Relu({ reuseBuffers: true }));
      if (i % 2 === 1) {
        const pool = new Pooling(2, 2, { stride: 2, reuseBuffers: true });
        shape = this.chain(`Pool${(i + 1) / 2}`, shape, (s) => pool.outputShape(s));
        this.addParamLayer(`Pool${(i + 1) / 2}`, pool);
      }
      channels = cp.filterNum;
    });
    const flat = shape[1] * shape[2] * shape[3];
    const W7 = initTensor(rng, [flat, hiddenSize], Math.sqrt(2 / flat), dtype);
    const W8 = initTensor(rng, [hiddenSize, outputSize], Math.sqrt(2 / hiddenSize), dtype);
    const dropout: DropoutOptions = { mode: config.dropoutMode ?? 'book', rng };
    this.addParamLayer('Affine1', this.newAffineLayer(W7, zeros([hiddenSize], { dtype })));
    this.addParamLayer('Relu7', new Relu({ reuseBuffers: true }));
    this.addParamLayer('Dropout1', new Dropout(dropoutRatio, dropout));
    this.addParamLayer('Affine2', this.newAffineLayer(W8, zeros([outputSize], { dtype })));
    this.addParamLayer('Dropout2', new Dropout(dropoutRatio, dropout));
    this.bindConvParams();
    this.convParams = Object.freeze(convParams);
    this.hiddenSize = hiddenSize;
    this.dropoutRatio = dropoutRatio;
    this.dropoutMode = dropout.mode!;
  }

  /** The output shape of a layer, with errors naming the net and the layer. */
  private chain(name: string, shape: number[], f: (s: number[]) => number[]): number[] {
    try {
      return f(shape);
    } catch (e) {
      throw new RangeError(`${this.label}: ${name}: ${(e as Error).message}`);
    }
  }

  /**
   * The loss: mean cross-entropy of the softmax of the scores. Training mode by default, as the
   * book's `DeepConvNet.loss` (dropout active); pass `false` for the test-mode loss.
   */
  override loss(x: Tensor, t: Labels, train = true): number {
    return super.loss(x, t, train);
  }

  /** The configuration that rebuilds this architecture (JSON-able; weights not included). */
  get architecture(): DeepConvNetArchitecture {
    return {
      inputDim: [...this.inputDim],
      convParams: this.convParams.map((p) => ({ ...p })),
      hiddenSize: this.hiddenSize,
      outputSize: this.outputSize,
      dropoutRatio: this.dropoutRatio,
      dropoutMode: this.dropoutMode,
      dtype: this.dtype,
    };
  }
}
