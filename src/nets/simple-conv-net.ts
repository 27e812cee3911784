/**
 * The convolutional net of chapter 7 (`ch07/simple_convnet.py`), and what it shares with the
 * chapter 8 `DeepConvNet`: {@link ConvLayerNet}.
 * @module
 */
import type { Labels } from '../functions/losses.js';
import { Affine } from '../layers/affine.js';
import { residentCopy } from '../layers/buffers.js';
import { Convolution } from '../layers/convolution.js';
import { checkBatch, describeShape, type Layer } from '../layers/layer.js';
import { Pooling } from '../layers/pooling.js';
import { Relu } from '../layers/relu.js';
import { checkInt, outputSizeChecked } from '../ops/im2col.js';
import { random } from '../random/global.js';
import type { RandomState } from '../random/random-state.js';
import { zeros } from '../tensor/create.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  bindParam,
  checkNetDType,
  checkSize,
  LayerNet,
  labelIndices,
  type NetDType,
  type NetOptions,
} from './layer-net.js';

/**
 * One convolution's hyperparameters (the book's `conv_param`).
 * @example const convParam: ConvParam = { filterNum: 30, filterSize: 5, pad: 0, stride: 1 };
 */
export interface ConvParam {
  /** Number of filters FN. */
  filterNum: number;
  /** Filter height and width FH = FW. */
  filterSize: number;
  /** Zero padding (default 0). */
  pad?: number;
  /** Stride (default 1). */
  stride?: number;
}

/**
 * An image shape `(C, H, W)`.
 * @example const inputDim: InputDim = [1, 28, 28];
 */
export type InputDim = readonly [number, number, number];

/**
 * Checks and completes a {@link ConvParam} (pad 0 and stride 1 by default).
 * @example checkConvParam('Net', 'convParam', { filterNum: 30, filterSize: 5 }) // { filterNum: 30, filterSize: 5, pad: 0, stride: 1 }
 */
export function checkConvParam(who: string, name: string, p: ConvParam): Required<ConvParam> {
  if (typeof p !== 'object' || p === null)
    throw new TypeError(`${who}: ${name}: expected an object, got ${String(p)}`);
  return {
    filterNum: checkSize(who, `${name}.filterNum`, p.filterNum),
    filterSize: checkSize(who, `${name}.filterSize`, p.filterSize),
    pad: checkInt(who, `${name}.pad`, p.pad ?? 0, 0),
    stride: checkInt(who, `${name}.stride`, p.stride ?? 1, 1),
  };
}

/**
 * Checks an input dimension `[C, H, W]` (three positive integers).
 * @example checkInputDim('Net', [1, 28, 28]) // [1, 28, 28]
 */
export function checkInputDim(who: string, d: unknown): [number, number, number] {
  if (!Array.isArray(d) || d.length !== 3)
    throw new RangeError(`${who}: inputDim: expected [C, H, W], got ${JSON.stringify(d)}`);
  return [
    checkSize(who, 'inputDim[0]', d[0]),
    checkSize(who, 'inputDim[1]', d[1]),
    checkSize(who, 'inputDim[2]', d[2]),
  ];
}

/**
 * `scale * rng.randn(...shape)`, drawn in float64 as numpy's, then cast to `dtype`.
 * @example initTensor(random, [30, 1, 5, 5], 0.01, 'float32') // (30, 1, 5, 5) float32
 */
export function initTensor(
  rng: Pick<RandomState, 'randn'>,
  shape: [number, ...number[]],
  scale: number,
  dtype: NetDType,
): Tensor {
  const w = rng.randn(...shape).mul(scale);
  return dtype === 'float64' ? w : w.astype(dtype);
}

/**
 * What the book's conv nets share: layers ending in softmax with cross-entropy, parameters `W{i}`,
 * `b{i}` bound to the Convolution and Affine layers in order, an image input `(N, C, H, W)`, and an
 * `accuracy` computed in batches. `numericalGradient` and `freeze` come from `LayerNet`.
 *
 * As `LayerNet`'s nets, the layers are built with `reuseBuffers: true` (their outputs and gradients
 * live in buffers reused from step to step, each consumed before the next call: no multi-megabyte
 * allocations per step), the parameters live in kernel memory (`residentCopy`), an Affine followed
 * by a Relu runs as one fused kernel call, and `gradient` returns the layers' gradient buffers
 * (overwritten by the next call: copy them to keep them). The first Convolution skips `dx` (its
 * input is data). {@link ConvLayerNet.newConv} and {@link ConvLayerNet.newAffineLayer} build layers so.
 *
 * @example
 * class MyConvNet extends ConvLayerNet {
 *   constructor() {
 *     super('MyConvNet', [1, 28, 28], 10, 'float64');
 *     this.addParamLayer('Conv1', new Convolution(W1, b1, { computeInputGrad: false })); // W1, b1
 *     this.addParamLayer('Affine1', new Affine(W2, b2));                                 // W2, b2
 *     this.bindConvParams();
 *   }
 * }
 */
export abstract class ConvLayerNet extends LayerNet {
  /** Input image shape `[C, H, W]`. */
  readonly inputDim: InputDim;
  /** Parameter dtype. */
  readonly dtype: NetDType;
  /** The layers that own `W{i}`, `b{i}`, in order (`W1` is `paramLayers[0].W`). */
  protected readonly paramLayers: (Convolution | Affine<boolean>)[] = [];

  protected constructor(label: string, inputDim: InputDim, outputSize: number, dtype: NetDType) {
    super(label, inputDim[0] * inputDim[1] * inputDim[2], outputSize);
    this.inputDim = Object.freeze([...inputDim]) as unknown as InputDim;
    this.dtype = dtype;
  }

  /** Appends a layer; Convolution and Affine layers get the next `W{i}`, `b{i}` (see `bindConvParams`). */
  protected addParamLayer(name: string, layer: Layer): void {
    this.addLayer(name, layer);
    if (layer instanceof Convolution || layer instanceof Affine) this.paramLayers.push(layer);
  }

  /**
   * A Convolution on `W`, `b` moved to kernel memory, reusing its buffers; `first`: skip `dx`.
   * @example this.addParamLayer('Conv1', this.newConv(W1, b1, { stride: 1, pad: 0 }, true));
   */
  protected newConv(W: Tensor, b: Tensor, p: { stride: number; pad: number }, first: boolean): Convolution {
    return new Convolution(residentCopy(W), residentCopy(b), {
      stride: p.stride,
      pad: p.pad,
      computeInputGrad: !first,
      reuseBuffers: true,
    });
  }

  /**
   * An Affine on `W`, `b` moved to kernel memory, reusing its buffers (never the first layer here).
   * @example this.addParamLayer('Affine1', this.newAffineLayer(W2, b2));
   */
  protected newAffineLayer(W: Tensor, b: Tensor): Affine<boolean> {
    return new Affine(residentCopy(W), residentCopy(b), { reuseBuffers: true });
  }

  /** Binds `params.W{i}`, `params.b{i}` to the i-th parameter layer's fields, in the book's order. */
  protected bindConvParams(): void {
    this.paramLayers.forEach((layer, i) => {
      bindParam(this.label, this.params, `W${i + 1}`, layer, 'W');
      bindParam(this.label, this.params, `b${i + 1}`, layer, 'b');
    });
  }

  /**
   * `x` as `(N, C, H, W)`: images pass as they are, flattened images `(N, C*H*W)` are reshaped (a view).
   * @throws naming the expected and the actual shape.
   */
  protected images(x: Tensor): Tensor {
    const [C, H, W] = this.inputDim;
    const expected = describeShape(['N', C, H, W]);
    checkBatch(this.label, 'x', x, expected);
    if (x.ndim === 2 && x.shape[1] === C * H * W) return x.reshape(x.shape[0], C, H, W);
    if (x.ndim !== 4 || x.shape[1] !== C || x.shape[2] !== H || x.shape[3] !== W) {
      throw new RangeError(
        `${this.label}: x: expected shape ${expected} (inputDim [${C}, ${H}, ${W}]) or flattened ${describeShape(['N', C * H * W])}, got ${formatShape(x.shape)}`,
      );
    }
    return x;
  }

  /**
   * Scores (before softmax), a new tensor. `train` matters only to Dropout.
   * x: `(N, C, H, W)` (or flattened `(N, C*H*W)`) -> `(N, outputSize)`.
   */
  override predict(x: Tensor, train = false): Tensor {
    const y = this.forwardLayers(this.images(x), train);
    const layers = Object.values(this.layers);
    const last = layers[layers.length - 1] as { reuseBuffers?: boolean };
    return last.reuseBuffers ? y.copy() : y;
  }

  /**
   * Fraction of samples whose highest score is the label, in test mode, predicting `batchSize`
   * samples at a time (bounded memory). Unlike the book's, which skips the last `N % batchSize`
   * samples but still divides by N, every sample counts.
   * x: `(N, C, H, W)`, t: labels `(N,)` or one-hot `(N, outputSize)` -> a number in [0, 1].
   */
  override accuracy(x: Tensor, t: Labels, batchSize = 100): number {
    const n = this.images(x).shape[0];
    const size = checkSize(this.label, 'batchSize', batchSize);
    const labels = labelIndices(this.label, t, n, this.outputSize);
    let correct = 0;
    for (let start = 0; start < n; start += size) {
      const stop = Math.min(start + size, n);
      const pred = this.predict(x.slice({ start, stop }), false).argmax({ axis: 1 }).toFlatArray();
      for (let i = 0; i < pred.length; i++) if (pred[i] === labels[start + i]) correct++;
    }
    return correct / n;
  }

  /**
   * Gradients of the training-mode loss by backpropagation, keyed as `params` (`W1`, `b1`, ...);
   * also stored in `this.grads`. The tensors are the layers' gradient buffers, overwritten by the
   * next call (copy them to keep them).
   */
  override gradient(x: Tensor, t: Labels): Record<string, Tensor> {
    this.loss(x, t, true);
    let dout: Tensor | null = this.lastLayer.backward(1);
    for (const layer of Object.values(this.layers).reverse()) {
      if (dout === null)
        throw new Error(`${this.label}.gradient: a layer before the first returned no gradient`);
      dout = layer.backward(dout);
    }
    const grads: Record<string, Tensor> = {};
    this.paramLayers.forEach((layer, i) => {
      grads[`W${i + 1}`] = layer.dW!;
      grads[`b${i + 1}`] = layer.db!;
    });
    this.grads = grads;
    return grads;
  }
}

/**
 * Options and sizes of {@link SimpleConvNet}; every field has the book's default.
 * @example new SimpleConvNet({ inputDim: [1, 10, 10], convParam: { filterNum: 10, filterSize: 3 }, hiddenSize: 10 })
 */
export interface SimpleConvNetConfig extends NetOptions {
  /** Input image shape `[C, H, W]`, default `[1, 28, 28]`. */
  inputDim?: InputDim;
  /** The convolution, default `{ filterNum: 30, filterSize: 5, pad: 0, stride: 1 }`. */
  convParam?: ConvParam;
  /** Neurons of the hidden affine layer, default 100. */
  hiddenSize?: number;
  /** Number of classes, default 10. */
  outputSize?: number;
  /** Standard deviation of the initial weights, default 0.01. */
  weightInitStd?: number;
}

/**
 * The architecture of a {@link SimpleConvNet}: its config without the random source (JSON-able).
 * @example const copy = new SimpleConvNet({ ...net.architecture, rng: new RandomState(0) });
 */
export interface SimpleConvNetArchitecture {
  inputDim: [number, number, number];
  convParam: Required<ConvParam>;
  hiddenSize: number;
  outputSize: number;
  weightInitStd: number;
  dtype: NetDType;
}

/**
 * `Conv1 → Relu1 → Pool1 (2x2, stride 2) → Affine1 → Relu2 → Affine2 → softmax with cross-entropy`:
 * the book's chapter 7 `SimpleConvNet`.
 *
 * `params`: `W1 (FN, C, FS, FS)`, `b1 (FN,)`, `W2 (FN*PH*PW, hiddenSize)`, `b2`, `W3 (hiddenSize,
 * outputSize)`, `b3`, drawn `weightInitStd * rng.randn(...)` in that order (bit-identical to the book's
 * after `np.random.seed`), bound to the layers. `PH = OH / 2` where `OH = (H + 2*pad - FS) / stride + 1`;
 * an odd OH is an error (the book computes a wrong W2 size then).
 *
 * Shapes: `x: (N, C, H, W)` (or flattened `(N, C*H*W)`), `t: (N,)` labels or `(N, outputSize)` one-hot;
 * `predict: -> (N, outputSize)`; `loss`, `accuracy(x, t, batchSize = 100): -> number`;
 * `gradient`, `numericalGradient: -> { W1, b1, W2, b2, W3, b3 }`. `architecture` is the JSON-able config.
 *
 * @example
 * const net = new SimpleConvNet({ inputDim: [1, 28, 28], convParam: { filterNum: 30, filterSize: 5, pad: 0, stride: 1 },
 *   hiddenSize: 100, outputSize: 10, weightInitStd: 0.01, rng: new RandomState(0), dtype: 'float32' });
 * const grads = net.gradient(xBatch, tBatch); // xBatch (100, 1, 28, 28)
 * net.accuracy(xTest, tTest);                 // in batches of 100, every sample counted
 */
export class SimpleConvNet extends ConvLayerNet {
  readonly convParam: Readonly<Required<ConvParam>>;
  readonly hiddenSize: number;
  readonly weightInitStd: number;

  constructor(config: SimpleConvNetConfig = {}) {
    const who = 'SimpleConvNet';
    const inputDim = checkInputDim(who, config.inputDim ?? [1, 28, 28]);
    const cp = checkConvParam(who, 'convParam', config.convParam ?? { filterNum: 30, filterSize: 5 });
    const hiddenSize = checkSize(who, 'hiddenSize', config.hiddenSize ?? 100);
    const outputSize = checkSize(who, 'outputSize', config.outputSize ?? 10);
    const dtype = checkNetDType(who, config.dtype ?? 'float64');
    const std = config.weightInitStd ?? 0.01;
    if (typeof std !== 'number' || !Number.isFinite(std))
      throw new RangeError(`${who}: weightInitStd: expected a finite number, got ${String(std)}`);
    super(who, inputDim, outputSize, dtype);
    const [C, H, W] = inputDim;
    const oh = outputSizeChecked(who, 'height', H, cp.filterSize, cp.stride, cp.pad);
    const ow = outputSizeChecked(who, 'width', W, cp.filterSize, cp.stride, cp.pad);
    if (oh % 2 !== 0 || ow % 2 !== 0) {
      throw new RangeError(
        `${who}: the convolution's output ${oh}x${ow} (input ${H}x${W}, filter ${cp.filterSize}, pad ${cp.pad}, stride ${cp.stride}) ` +
          'must have an even height and width for the 2x2 pooling with stride 2',
      );
    }
    const poolOutputSize = cp.filterNum * (oh / 2) * (ow / 2);
    const rng = config.rng ?? random;
    const W1 = initTensor(rng, [cp.filterNum, C, cp.filterSize, cp.filterSize], std, dtype);
    const W2 = initTensor(rng, [poolOutputSize, hiddenSize], std, dtype);
    const W3 = initTensor(rng, [hiddenSize, outputSize], std, dtype);
    const reuse = { reuseBuffers: true };
    this.addParamLayer('Conv1', this.newConv(W1, zeros([cp.filterNum], { dtype }), cp, true));
    this.addParamLayer('Relu1', new Relu(reuse));
    this.addParamLayer('Pool1', new Pooling(2, 2, { stride: 2, ...reuse }));
    this.addParamLayer('Affine1', this.newAffineLayer(W2, zeros([hiddenSize], { dtype })));
    this.addParamLayer('Relu2', new Relu(reuse));
    this.addParamLayer('Affine2', this.newAffineLayer(W3, zeros([outputSize], { dtype })));
    this.bindConvParams();
    this.convParam = Object.freeze(cp);
    this.hiddenSize = hiddenSize;
    this.weightInitStd = std;
  }

  /** The configuration that rebuilds this architecture (JSON-able; weights not included). */
  get architecture(): SimpleConvNetArchitecture {
    return {
      inputDim: [...this.inputDim],
      convParam: { ...this.convParam },
      hiddenSize: this.hiddenSize,
      outputSize: this.outputSize,
      weightInitStd: this.weightInitStd,
      dtype: this.dtype,
    };
  }
}
