/**
 * A network's architecture as plain JSON (enough to rebuild it), read from the nets themselves,
 * checked when it comes back from a file, and turned back into a net. Browser-safe.
 * @module
 */
import { BatchNormalization } from '../layers/batch-normalization.js';
import type { Dropout } from '../layers/dropout.js';
import { DeepConvNet } from '../nets/deep-conv-net.js';
import type { LayerNet, NetDType } from '../nets/layer-net.js';
import { MultiLayerNet } from '../nets/multi-layer-net.js';
import { MultiLayerNetExtend } from '../nets/multi-layer-net-extend.js';
import { type ConvParam, SimpleConvNet } from '../nets/simple-conv-net.js';
import { TwoLayerNet } from '../nets/two-layer-net.js';
import { TwoLayerNetSigmoid } from '../nets/two-layer-net-sigmoid.js';
import { random } from '../random/global.js';
import type { RandomState } from '../random/random-state.js';
import { zeros } from '../tensor/create.js';
import { SafetensorsError } from './safetensors.js';

/**
 * The networks scratchnet can save: the names used in files and by `scratchnet train --model`.
 * @example const kind: ModelKind = architectureOf(net).model; // 'mlp'
 */
export type ModelKind = 'two-layer' | 'two-layer-sigmoid' | 'mlp' | 'mlp-extend' | 'convnet' | 'deep-convnet';

const MODEL_KINDS: readonly ModelKind[] = [
  'two-layer',
  'two-layer-sigmoid',
  'mlp',
  'mlp-extend',
  'convnet',
  'deep-convnet',
];

/**
 * A net that {@link architectureOf} and the model files support.
 * @example const net: SerializableNet = new MultiLayerNet(784, [100], 10);
 */
export type SerializableNet =
  | TwoLayerNet
  | TwoLayerNetSigmoid
  | MultiLayerNet
  | MultiLayerNetExtend
  | SimpleConvNet
  | DeepConvNet;

/**
 * Everything needed to rebuild a net (its weights aside), stored as JSON in the model file's
 * `scratchnet.architecture` metadata.
 * @example
 * architectureOf(new TwoLayerNet(784, 50, 10));
 * // { model: 'two-layer', inputSize: 784, hiddenSize: 50, hiddenSizeList: [50], outputSize: 10,
 * //   activation: 'relu', useBatchnorm: false, useDropout: false, dropoutRatio: 0, dropoutMode: 'book',
 * //   batchnorm: null, weightDecayLambda: 0, weightInitStd: 0.01, dtype: 'float64' }
 */
export interface NetArchitecture {
  model: ModelKind;
  inputSize: number;
  /** The hidden size of a two-layer net (absent for the MLPs). */
  hiddenSize?: number;
  /** Sizes of the hidden layers (`[hiddenSize]` for a two-layer net). */
  hiddenSizeList: number[];
  outputSize: number;
  activation: 'relu' | 'sigmoid';
  useBatchnorm: boolean;
  useDropout: boolean;
  /** Dropout ratio (0 when there is no dropout). */
  dropoutRatio: number;
  dropoutMode: 'book' | 'inverted';
  /** The batch-norm layers' options (null without batch norm). */
  batchnorm: { momentum: number; eps: number; initRunningVar: 'ones' | 'zeros' } | null;
  weightDecayLambda: number;
  /** The initial weight scale, when the net records it (information only). */
  weightInitStd?: number | string;
  dtype: NetDType;
  /** The input image shape `[C, H, W]` of a conv net (`inputSize` is `C*H*W`). */
  inputDim?: [number, number, number];
  /** The convolution of a `convnet` (SimpleConvNet). */
  convParam?: Required<ConvParam>;
  /** The six convolutions of a `deep-convnet` (DeepConvNet). */
  convParams?: Required<ConvParam>[];
}

/**
 * A damaged or foreign model file: valid safetensors, but not a scratchnet model this version can
 * rebuild (missing or bad metadata, missing tensors, wrong shapes). A subclass of
 * `SafetensorsError`, so one `instanceof SafetensorsError` catches every bad file.
 * @example
 * try { loadParams('model.safetensors'); } catch (e) { if (e instanceof ModelFileError) ... }
 */
export class ModelFileError extends SafetensorsError {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFileError';
  }
}

function fail(message: string): never {
  throw new ModelFileError(`model file: ${message}`);
}

/**
 * The architecture of a net, read from its fields and layers (the conv nets': their `architecture`,
 * with the fields every architecture has).
 * @throws TypeError for a net of another class (SimpleNet)
 * @example JSON.stringify(architectureOf(net))
 */
export function architectureOf(net: SerializableNet): NetArchitecture {
  const dtype = net.params.W1.dtype as NetDType;
  if (net instanceof SimpleConvNet || net instanceof DeepConvNet) {
    const deep = net instanceof DeepConvNet;
    const arch = net.architecture;
    const [C, H, W] = arch.inputDim;
    return {
      model: deep ? 'deep-convnet' : 'convnet',
      inputSize: C * H * W,
      hiddenSizeList: [arch.hiddenSize],
      activation: 'relu',
      useBatchnorm: false,
      useDropout: deep,
      dropoutRatio: 0,
      dropoutMode: 'book',
      batchnorm: null,
      weightDecayLambda: 0,
      ...arch,
    };
  }
  if (net instanceof TwoLayerNet || net instanceof TwoLayerNetSigmoid) {
    return {
      model: net instanceof TwoLayerNet ? 'two-layer' : 'two-layer-sigmoid',
      inputSize: net.inputSize,
      hiddenSize: net.hiddenSize,
      hiddenSizeList: [net.hiddenSize],
      outputSize: net.outputSize,
      activation: net instanceof TwoLayerNet ? 'relu' : 'sigmoid',
      useBatchnorm: false,
      useDropout: false,
      dropoutRatio: 0,
      dropoutMode: 'book',
      batchnorm: null,
      weightDecayLambda: 0,
      weightInitStd: net.weightInitStd,
      dtype,
    };
  }
  if (net instanceof MultiLayerNet || net instanceof MultiLayerNetExtend) {
    const ext = net instanceof MultiLayerNetExtend ? net : null;
    const drop = ext?.useDropout ? (net.layers.Dropout1 as Dropout) : null;
    const bn = ext?.useBatchnorm ? (net.layers.BatchNorm1 as BatchNormalization) : null;
    return {
      model: ext ? 'mlp-extend' : 'mlp',
      inputSize: net.inputSize,
      hiddenSizeList: [...net.hiddenSizeList],
      outputSize: net.outputSize,
      activation: net.activation,
      useBatchnorm: bn !== null,
      useDropout: drop !== null,
      dropoutRatio: drop ? drop.dropoutRatio : 0,
      dropoutMode: drop ? drop.mode : 'book',
      batchnorm: bn ? { momentum: bn.momentum, eps: bn.eps, initRunningVar: bn.initRunningVar } : null,
      weightDecayLambda: net.weightDecayLambda,
      dtype,
    };
  }
  const name = (net as object)?.constructor?.name ?? typeof net;
  throw new TypeError(
    `architectureOf: net: expected a TwoLayerNet, TwoLayerNetSigmoid, MultiLayerNet, MultiLayerNetExtend, SimpleConvNet or DeepConvNet, got ${name}`,
  );
}

const FIELDS = [
  'model',
  'inputSize',
  'hiddenSize',
  'hiddenSizeList',
  'outputSize',
  'activation',
  'useBatchnorm',
  'useDropout',
  'dropoutRatio',
  'dropoutMode',
  'batchnorm',
  'weightDecayLambda',
  'weightInitStd',
  'dtype',
  'inputDim',
  'convParam',
  'convParams',
];

/** Bounds of a conv net's sizes in a file, so a hostile architecture cannot make a load allocate much. */
const CONV_LIMITS = {
  dim: 65_536,
  inputSize: 2 ** 24,
  filterNum: 4096,
  filterSize: 1024,
  pad: 1024,
  stride: 1024,
};
/** At most this many parameter elements in a conv net read from a file (2^25: 256 MiB in float64). */
const MAX_CONV_PARAMS = 2 ** 25;

function boundedInt(name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    fail(
      `architecture: ${name}: expected an integer in ${min}..${max}, got ${JSON.stringify(v) ?? String(v)}`,
    );
  }
  return v;
}

function convParamOf(name: string, p: unknown): Required<ConvParam> {
  if (p === null || typeof p !== 'object' || Array.isArray(p)) {
    fail(`architecture: ${name}: expected {filterNum, filterSize, pad, stride}`);
  }
  const r = p as Record<string, unknown>;
  for (const k of Object.keys(r)) {
    if (!['filterNum', 'filterSize', 'pad', 'stride'].includes(k))
      fail(`architecture: ${name}: unknown field '${k}'`);
  }
  return {
    filterNum: boundedInt(`${name}.filterNum`, r.filterNum, 1, CONV_LIMITS.filterNum),
    filterSize: boundedInt(`${name}.filterSize`, r.filterSize, 1, CONV_LIMITS.filterSize),
    pad: boundedInt(`${name}.pad`, r.pad, 0, CONV_LIMITS.pad),
    stride: boundedInt(`${name}.stride`, r.stride, 1, CONV_LIMITS.stride),
  };
}

/** The output size of a convolution along one axis (at least 1: the net's constructor checks it). */
function convOut(n: number, p: Required<ConvParam>): number {
  return Math.max(1, Math.floor((n + 2 * p.pad - p.filterSize) / p.stride) + 1);
}

/**
 * Checks the conv fields of a `convnet` or `deep-convnet` architecture, and that its parameter count
 * (an upper bound, computed without building the net) is at most {@link MAX_CONV_PARAMS}.
 */
function checkConvArchitecture(r: Record<string, unknown>): void {
  const model = r.model as ModelKind;
  const deep = model === 'deep-convnet';
  if (!Array.isArray(r.inputDim) || r.inputDim.length !== 3)
    fail('architecture: inputDim: expected [C, H, W]');
  const [C, H, W] = r.inputDim.map((d, i) => boundedInt(`inputDim[${i}]`, d, 1, CONV_LIMITS.dim));
  if (C * H * W > CONV_LIMITS.inputSize || r.inputSize !== C * H * W) {
    fail(
      `architecture: inputSize: expected C*H*W = ${C * H * W} (at most ${CONV_LIMITS.inputSize}), got ${r.inputSize}`,
    );
  }
  const hidden = r.hiddenSize as number;
  if (r.activation !== 'relu') fail(`architecture: activation: a ${model} net uses 'relu'`);
  if (r.weightDecayLambda !== 0) fail(`architecture: weightDecayLambda: a ${model} net has none (0)`);
  if (r.useDropout !== deep) fail(`architecture: useDropout: expected ${deep} for a ${model} net`);
  if (deep ? r.convParam !== undefined : r.convParams !== undefined) {
    fail(`architecture: ${deep ? 'convParam' : 'convParams'}: not a field of a ${model} net`);
  }
  if (!deep && (typeof r.weightInitStd !== 'number' || !Number.isFinite(r.weightInitStd))) {
    fail('architecture: weightInitStd: expected a finite number');
  }
  const out = r.outputSize as number;
  let count = 0;
  if (!deep) {
    const p = convParamOf('convParam', r.convParam);
    const ph = Math.floor(convOut(H, p) / 2);
    const pw = Math.floor(convOut(W, p) / 2);
    count = p.filterNum * (C * p.filterSize * p.filterSize + 1) + p.filterNum * ph * pw * hidden + hidden;
  } else {
    if (!Array.isArray(r.convParams) || r.convParams.length !== 6) {
      fail('architecture: convParams: expected an array of 6 convolutions');
    }
    let [c, h, w] = [C, H, W];
    r.convParams.forEach((raw, i) => {
      const p = convParamOf(`convParams[${i}]`, raw);
      count += p.filterNum * (c * p.filterSize * p.filterSize + 1);
      [c, h, w] = [p.filterNum, convOut(h, p), convOut(w, p)];
      if (i % 2 === 1) [h, w] = [Math.max(1, Math.floor(h / 2)), Math.max(1, Math.floor(w / 2))];
    });
    count += c * h * w * hidden + hidden;
  }
  count += hidden * out + out;
  if (count > MAX_CONV_PARAMS) {
    fail(
      `architecture: a ${model} net of ${count} parameters is larger than this version loads (${MAX_CONV_PARAMS})`,
    );
  }
}

function positiveInt(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
    fail(`architecture: ${name}: expected an integer >= 1, got ${JSON.stringify(v) ?? String(v)}`);
  }
  return v;
}

/**
 * Parses the JSON string of metadata entry `key`, refusing `__proto__` keys at any depth.
 * @throws ModelFileError when the entry is missing, not JSON, or has a `__proto__` key
 * @example parseJson('scratchnet.architecture', metadata['scratchnet.architecture'])
 */
export function parseJson(key: string, json: string | undefined): unknown {
  if (json === undefined) fail(`metadata '${key}' is missing`);
  let proto = false;
  let value: unknown;
  try {
    value = JSON.parse(json, (k, v) => {
      if (k === '__proto__') proto = true;
      return v;
    });
  } catch (e) {
    fail(`metadata '${key}' is not valid JSON (${(e as Error).message})`);
  }
  if (proto) fail(`metadata '${key}': the key '__proto__' is not allowed`);
  return value;
}

/**
 * Parses and checks the `scratchnet.architecture` JSON of a file: known model, sizes, dtype, flags.
 * (The remaining values are checked by the net's constructor when the net is built.)
 * @throws ModelFileError naming the field
 * @example parseArchitecture(metadata['scratchnet.architecture'])
 */
export function parseArchitecture(json: string | undefined): NetArchitecture {
  const a = parseJson('scratchnet.architecture', json);
  if (a === null || typeof a !== 'object' || Array.isArray(a)) fail('architecture: expected a JSON object');
  const r = a as Record<string, unknown>;
  for (const k of Object.keys(r)) if (!FIELDS.includes(k)) fail(`architecture: unknown field '${k}'`);
  if (!MODEL_KINDS.includes(r.model as ModelKind)) {
    fail(`architecture: model: expected one of ${MODEL_KINDS.join(', ')}, got ${JSON.stringify(r.model)}`);
  }
  const model = r.model as ModelKind;
  positiveInt('inputSize', r.inputSize);
  positiveInt('outputSize', r.outputSize);
  if (!Array.isArray(r.hiddenSizeList)) fail('architecture: hiddenSizeList: expected an array of integers');
  r.hiddenSizeList.forEach((n, i) => {
    positiveInt(`hiddenSizeList[${i}]`, n);
  });
  const conv = model === 'convnet' || model === 'deep-convnet';
  const twoLayer = model === 'two-layer' || model === 'two-layer-sigmoid';
  if ((twoLayer || conv) && (r.hiddenSizeList.length !== 1 || r.hiddenSize !== r.hiddenSizeList[0])) {
    fail(`architecture: a ${model} net needs hiddenSize and hiddenSizeList [hiddenSize]`);
  }
  if (r.dtype !== 'float64' && r.dtype !== 'float32') {
    fail(`architecture: dtype: expected 'float64' or 'float32', got ${JSON.stringify(r.dtype)}`);
  }
  for (const k of ['useBatchnorm', 'useDropout']) {
    if (typeof r[k] !== 'boolean') fail(`architecture: ${k}: expected true or false`);
    if (r[k] && model !== 'mlp-extend' && !(k === 'useDropout' && model === 'deep-convnet')) {
      fail(
        `architecture: ${k}: only an mlp-extend${k === 'useDropout' ? ' or deep-convnet' : ''} net has it`,
      );
    }
  }
  for (const k of ['dropoutRatio', 'weightDecayLambda']) {
    if (typeof r[k] !== 'number') fail(`architecture: ${k}: expected a number`);
  }
  if (r.activation !== 'relu' && r.activation !== 'sigmoid') {
    fail(`architecture: activation: expected 'relu' or 'sigmoid', got ${JSON.stringify(r.activation)}`);
  }
  const bn = r.batchnorm;
  if (r.useBatchnorm ? bn === null || typeof bn !== 'object' || Array.isArray(bn) : bn !== null) {
    fail('architecture: batchnorm: expected {momentum, eps, initRunningVar} with useBatchnorm, else null');
  }
  if (bn) {
    for (const k of Object.keys(bn)) {
      if (!['momentum', 'eps', 'initRunningVar'].includes(k))
        fail(`architecture: batchnorm: unknown field '${k}'`);
    }
  }
  if (conv) {
    checkConvArchitecture(r);
  } else {
    for (const k of ['inputDim', 'convParam', 'convParams']) {
      if (r[k] !== undefined) fail(`architecture: ${k}: only the conv nets have it`);
    }
  }
  return r as unknown as NetArchitecture;
}

/**
 * The tensors a net of this architecture has, in the book's order: `W1, b1, ..., gamma1, beta1, ...`
 * (the parameters), then the batch-norm running statistics `bn{i}.running_mean`, `bn{i}.running_var`
 * (optional in a file: a never-trained layer has none). A conv net's are read from the `params` of
 * a net built with zero weights (`parseArchitecture` bounds its size).
 * @example expectedTensors(architectureOf(net)).map((t) => t.name)
 */
export function expectedTensors(a: NetArchitecture): { name: string; shape: number[]; param: boolean }[] {
  if (a.model === 'convnet' || a.model === 'deep-convnet') {
    const net = buildNetwork(a);
    return Object.entries(net.params).map(([name, t]) => ({ name, shape: [...t.shape], param: true }));
  }
  const sizes = [a.inputSize, ...a.hiddenSizeList, a.outputSize];
  const out: { name: string; shape: number[]; param: boolean }[] = [];
  for (let i = 1; i < sizes.length; i++) {
    out.push({ name: `W${i}`, shape: [sizes[i - 1], sizes[i]], param: true });
    out.push({ name: `b${i}`, shape: [sizes[i]], param: true });
  }
  if (a.useBatchnorm) {
    a.hiddenSizeList.forEach((n, i) => {
      out.push({ name: `gamma${i + 1}`, shape: [n], param: true });
      out.push({ name: `beta${i + 1}`, shape: [n], param: true });
    });
    a.hiddenSizeList.forEach((n, i) => {
      out.push({ name: `bn${i + 1}.running_mean`, shape: [n], param: false });
      out.push({ name: `bn${i + 1}.running_var`, shape: [n], param: false });
    });
  }
  return out;
}

/**
 * Options of {@link buildNetwork} (and of the loaders, which build nets).
 * @example loadParams('model.safetensors', { rng: new RandomState(0) })
 */
export interface BuildNetworkOptions {
  /**
   * Where the dropout masks of an `mlp-extend` or `deep-convnet` net come from (default: the global `random`, as a
   * net built without `rng`). Building never draws from it: the initial weights are zeros, to be
   * replaced by the file's.
   */
  rng?: Pick<RandomState, 'rand'>;
}

/**
 * A new net of this architecture, with zero weights (set them from the file). Draws nothing from
 * any random source, so loading a model leaves the global `random` where it was.
 * @throws ModelFileError when the net's constructor rejects a value (naming it)
 * @example const net = buildNetwork(parseArchitecture(metadata['scratchnet.architecture']));
 */
export function buildNetwork(a: NetArchitecture, options: BuildNetworkOptions = {}): SerializableNet {
  const dropoutRng = options.rng ?? random;
  const rng = {
    randn: (...shape: number[]) => zeros(shape),
    rand: (...shape: number[]) => dropoutRng.rand(...shape),
  } as unknown as Pick<RandomState, 'randn' | 'rand'>;
  try {
    switch (a.model) {
      case 'two-layer':
      case 'two-layer-sigmoid': {
        const Net = a.model === 'two-layer' ? TwoLayerNet : TwoLayerNetSigmoid;
        const std = typeof a.weightInitStd === 'number' ? a.weightInitStd : 0.01;
        return new Net(a.inputSize, a.hiddenSizeList[0], a.outputSize, {
          rng,
          dtype: a.dtype,
          weightInitStd: std,
        });
      }
      case 'mlp':
        return new MultiLayerNet(a.inputSize, a.hiddenSizeList, a.outputSize, {
          rng,
          dtype: a.dtype,
          activation: a.activation,
          weightDecayLambda: a.weightDecayLambda,
        });
      case 'mlp-extend':
        return new MultiLayerNetExtend(a.inputSize, a.hiddenSizeList, a.outputSize, {
          rng,
          dtype: a.dtype,
          activation: a.activation,
          weightDecayLambda: a.weightDecayLambda,
          useDropout: a.useDropout,
          dropoutRatio: a.useDropout ? a.dropoutRatio : undefined,
          dropoutMode: a.dropoutMode,
          useBatchnorm: a.useBatchnorm,
          batchnormOptions: a.batchnorm ?? undefined,
        });
      case 'convnet':
        return new SimpleConvNet({
          inputDim: a.inputDim,
          convParam: a.convParam,
          hiddenSize: a.hiddenSizeList[0],
          outputSize: a.outputSize,
          weightInitStd: typeof a.weightInitStd === 'number' ? a.weightInitStd : undefined,
          dtype: a.dtype,
          rng,
        });
      case 'deep-convnet':
        return new DeepConvNet({
          inputDim: a.inputDim,
          convParams: a.convParams,
          hiddenSize: a.hiddenSizeList[0],
          outputSize: a.outputSize,
          dropoutRatio: a.dropoutRatio,
          dropoutMode: a.dropoutMode,
          dtype: a.dtype,
          rng,
        });
    }
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    fail(`architecture: ${(e as Error).message}`);
  }
}

/**
 * The batch-norm layers of a net by index (`1` -> `BatchNorm1`), empty for nets without.
 * @example batchNormLayers(net).get(1)?.runningMean
 */
export function batchNormLayers(net: SerializableNet): Map<number, BatchNormalization> {
  const out = new Map<number, BatchNormalization>();
  if (net instanceof TwoLayerNetSigmoid) return out;
  for (const [name, layer] of Object.entries((net as LayerNet).layers)) {
    if (layer instanceof BatchNormalization) out.set(Number(name.replace(/^BatchNorm/, '')), layer);
  }
  return out;
}
