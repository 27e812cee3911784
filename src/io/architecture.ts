/**
 * A network's architecture as plain JSON (enough to rebuild it), read from the nets themselves,
 * checked when it comes back from a file, and turned back into a net. Browser-safe.
 * @module
 */
import { BatchNormalization } from '../layers/batch-normalization.js';
import type { Dropout } from '../layers/dropout.js';
import type { LayerNet, NetDType } from '../nets/layer-net.js';
import { MultiLayerNet } from '../nets/multi-layer-net.js';
import { MultiLayerNetExtend } from '../nets/multi-layer-net-extend.js';
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
export type ModelKind = 'two-layer' | 'two-layer-sigmoid' | 'mlp' | 'mlp-extend';

/**
 * A net that {@link architectureOf} and the model files support (the conv nets are not yet).
 * @example const net: SerializableNet = new MultiLayerNet(784, [100], 10);
 */
export type SerializableNet = TwoLayerNet | TwoLayerNetSigmoid | MultiLayerNet | MultiLayerNetExtend;

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
 * The architecture of a net, read from its fields and layers.
 * @throws TypeError for a net of another class (SimpleNet, the conv nets: not supported yet)
 * @example JSON.stringify(architectureOf(net))
 */
export function architectureOf(net: SerializableNet): NetArchitecture {
  const dtype = net.params.W1.dtype as NetDType;
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
    `architectureOf: net: expected a TwoLayerNet, TwoLayerNetSigmoid, MultiLayerNet or MultiLayerNetExtend, got ${name}`,
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
];

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
  const kinds: ModelKind[] = ['two-layer', 'two-layer-sigmoid', 'mlp', 'mlp-extend'];
  if (!kinds.includes(r.model as ModelKind)) {
    fail(`architecture: model: expected one of ${kinds.join(', ')}, got ${JSON.stringify(r.model)}`);
  }
  const model = r.model as ModelKind;
  positiveInt('inputSize', r.inputSize);
  positiveInt('outputSize', r.outputSize);
  if (!Array.isArray(r.hiddenSizeList)) fail('architecture: hiddenSizeList: expected an array of integers');
  r.hiddenSizeList.forEach((n, i) => {
    positiveInt(`hiddenSizeList[${i}]`, n);
  });
  const twoLayer = model === 'two-layer' || model === 'two-layer-sigmoid';
  if (twoLayer && (r.hiddenSizeList.length !== 1 || r.hiddenSize !== r.hiddenSizeList[0])) {
    fail(`architecture: a ${model} net needs hiddenSize and hiddenSizeList [hiddenSize]`);
  }
  if (r.dtype !== 'float64' && r.dtype !== 'float32') {
    fail(`architecture: dtype: expected 'float64' or 'float32', got ${JSON.stringify(r.dtype)}`);
  }
  for (const k of ['useBatchnorm', 'useDropout']) {
    if (typeof r[k] !== 'boolean') fail(`architecture: ${k}: expected true or false`);
    if (r[k] && model !== 'mlp-extend') fail(`architecture: ${k}: only an mlp-extend net has it`);
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
  return r as unknown as NetArchitecture;
}

/**
 * The tensors a net of this architecture has, in the book's order: `W1, b1, ..., gamma1, beta1, ...`
 * (the parameters), then the batch-norm running statistics `bn{i}.running_mean`, `bn{i}.running_var`
 * (optional in a file: a never-trained layer has none).
 * @example expectedTensors(architectureOf(net)).map((t) => t.name)
 */
export function expectedTensors(a: NetArchitecture): { name: string; shape: number[]; param: boolean }[] {
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
   * Where the dropout masks of an `mlp-extend` net come from (default: the global `random`, as a
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
