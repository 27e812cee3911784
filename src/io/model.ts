/**
 * Model files: a net's parameters (and batch-norm running statistics) as safetensors tensors, with
 * the architecture and training metadata in `__metadata__`, so the net can be rebuilt from the file
 * alone. Browser-safe; the file functions are in `./node.ts`.
 *
 * Metadata keys: `format: 'scratchnet'`, `scratchnet.version` (the package version that wrote it),
 * `scratchnet.file` (`'model'` or `'checkpoint'`), `scratchnet.architecture` (JSON, see
 * `NetArchitecture`), `scratchnet.training` (JSON, free-form: epochs, accuracy, date...), and any
 * string entries the caller adds.
 * @module
 */
import type { Tensor } from '../tensor/tensor.js';
import {
  architectureOf,
  type BuildNetworkOptions,
  batchNormLayers,
  buildNetwork,
  expectedTensors,
  ModelFileError,
  type ModelKind,
  type NetArchitecture,
  parseArchitecture,
  parseJson,
  type SerializableNet,
} from './architecture.js';

/**
 * The version of scratchnet written into files (`scratchnet.version`); the package's version.
 * @example metadata['scratchnet.version'] === SCRATCHNET_VERSION
 */
export const SCRATCHNET_VERSION = '0.1.0';

/**
 * Tensors and metadata: what `encodeSafetensors` takes and `decodeSafetensors` returns.
 * @example const s: SerializedModel = decodeSafetensors(bytes);
 */
export interface SerializedModel {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

/**
 * Metadata a caller adds to a model file: `training` (any JSON value, stored as JSON in
 * `scratchnet.training`) and other string entries, copied as they are.
 * @example { training: { epochs: 5, testAcc: 0.95, date: new Date().toISOString() }, author: 'me' }
 */
export interface ExtraMetadata {
  /** Free-form training information, stored as JSON in `scratchnet.training`. */
  training?: unknown;
  /** Other entries: strings only; `format` and `scratchnet.*` are reserved. */
  [key: string]: unknown;
}

const RESERVED = (k: string) => k === 'format' || k.startsWith('scratchnet.');

function fail(message: string): never {
  throw new ModelFileError(`model file: ${message}`);
}

/**
 * The metadata every scratchnet file starts with; `file` is `'model'` or `'checkpoint'`.
 * @example scratchnetMetadata(architectureOf(net), 'model', { training: { epochs: 1 } })
 */
export function scratchnetMetadata(
  architecture: NetArchitecture,
  file: 'model' | 'checkpoint',
  extra: ExtraMetadata = {},
): Record<string, string> {
  const metadata: Record<string, string> = {
    format: 'scratchnet',
    'scratchnet.version': SCRATCHNET_VERSION,
    'scratchnet.file': file,
    'scratchnet.architecture': JSON.stringify(architecture),
  };
  if (extra === null || typeof extra !== 'object') {
    throw new TypeError(`serializeNetwork: extraMetadata: expected an object, got ${String(extra)}`);
  }
  for (const [k, v] of Object.entries(extra)) {
    if (k === 'training') {
      if (v !== undefined) metadata['scratchnet.training'] = JSON.stringify(v) ?? 'null';
    } else if (RESERVED(k) || k === '__proto__') {
      throw new RangeError(`serializeNetwork: extraMetadata: the key '${k}' is reserved`);
    } else if (typeof v !== 'string') {
      throw new TypeError(`serializeNetwork: extraMetadata '${k}': expected a string, got ${typeof v}`);
    } else {
      metadata[k] = v;
    }
  }
  return metadata;
}

/**
 * A net as tensors and metadata, ready for `encodeSafetensors`: its parameters under the book's
 * names (`W1`, `b1`, ..., `gamma1`, `beta1`, ...), the batch-norm running statistics as
 * `bn{i}.running_mean` / `bn{i}.running_var` (when the layers have them), and the metadata.
 * The tensors are the net's own (not copies): encode them before training goes on.
 * @param net a TwoLayerNet, TwoLayerNetSigmoid, MultiLayerNet or MultiLayerNetExtend
 * @param extraMetadata `training` (any JSON value) and other string entries
 * @example
 * const { tensors, metadata } = serializeNetwork(net, { training: { epochs: 5 } });
 * const bytes = encodeSafetensors(tensors, metadata);
 */
export function serializeNetwork(net: SerializableNet, extraMetadata: ExtraMetadata = {}): SerializedModel {
  const architecture = architectureOf(net);
  const tensors: Record<string, Tensor> = {};
  for (const key of Object.keys(net.params)) tensors[key] = net.params[key];
  for (const [i, bn] of batchNormLayers(net)) {
    if (bn.runningMean) tensors[`bn${i}.running_mean`] = bn.runningMean;
    if (bn.runningVar) tensors[`bn${i}.running_var`] = bn.runningVar;
  }
  return { tensors, metadata: scratchnetMetadata(architecture, 'model', extraMetadata) };
}

/** Checks the `format` key and returns the parsed architecture. */
function readArchitecture(metadata: Record<string, string>): NetArchitecture {
  if (metadata.format !== 'scratchnet') {
    const got = metadata.format === undefined ? 'none' : JSON.stringify(metadata.format.slice(0, 40));
    fail(`not a scratchnet model (metadata 'format' should be 'scratchnet', got ${got})`);
  }
  return parseArchitecture(metadata['scratchnet.architecture']);
}

/**
 * Checks that `tensors` are exactly the ones the architecture needs (each parameter present, with
 * its shape and the architecture's dtype; the running statistics optional, in pairs) before
 * anything is allocated.
 */
function checkTensors(a: NetArchitecture, tensors: Record<string, Tensor>): void {
  const expected = expectedTensors(a);
  const names = new Set(expected.map((e) => e.name));
  for (const name of Object.keys(tensors)) {
    if (!names.has(name)) fail(`unexpected tensor '${name}' for a ${a.model} net`);
  }
  for (const e of expected) {
    const t = tensors[e.name];
    if (t === undefined) {
      if (e.param) fail(`tensor '${e.name}' is missing`);
      continue;
    }
    const shape = `(${e.shape.join(', ')}${e.shape.length === 1 ? ',' : ''})`;
    const got = `(${t.shape.join(', ')}${t.shape.length === 1 ? ',' : ''})`;
    if (t.shape.length !== e.shape.length || t.shape.some((d, i) => d !== e.shape[i])) {
      fail(`tensor '${e.name}': expected shape ${shape} for the architecture, got ${got}`);
    }
    if (t.dtype !== a.dtype) fail(`tensor '${e.name}': expected dtype ${a.dtype}, got ${t.dtype}`);
  }
  for (let i = 1; i <= (a.useBatchnorm ? a.hiddenSizeList.length : 0); i++) {
    const mean = Object.hasOwn(tensors, `bn${i}.running_mean`);
    if (mean !== Object.hasOwn(tensors, `bn${i}.running_var`)) {
      fail(`tensor 'bn${i}.running_${mean ? 'var' : 'mean'}' is missing (running statistics come in pairs)`);
    }
  }
}

/**
 * Rebuilds a net from `serializeNetwork`'s output (or `decodeSafetensors`'): the architecture from
 * the metadata, the parameters and running statistics from copies of the tensors.
 * Everything is checked before the net is built; building draws nothing from any random source.
 * `predict` of the rebuilt net equals the saved net's bit for bit.
 * @param options `rng`: where an `mlp-extend` net's dropout masks come from (default global `random`)
 * @throws ModelFileError (a `SafetensorsError`) for a missing or bad architecture, a missing,
 *   unexpected or misshapen tensor
 * @example const net = networkFromSerialized(decodeSafetensors(bytes));
 */
export function networkFromSerialized(
  serialized: SerializedModel,
  options: BuildNetworkOptions = {},
): SerializableNet {
  const a = readArchitecture(serialized.metadata);
  checkTensors(a, serialized.tensors);
  const net = buildNetwork(a, options);
  const { tensors } = serialized;
  for (const key of Object.keys(net.params)) net.params[key] = tensors[key].copy();
  for (const [i, bn] of batchNormLayers(net)) {
    bn.runningMean = tensors[`bn${i}.running_mean`]?.copy() ?? null;
    bn.runningVar = tensors[`bn${i}.running_var`]?.copy() ?? null;
  }
  return net;
}

/**
 * One tensor of a file, as {@link describeSerialized} lists it.
 * @example { name: 'W1', shape: [784, 100], dtype: 'float32', size: 78400, role: 'parameter' }
 */
export interface TensorDescription {
  name: string;
  shape: number[];
  dtype: string;
  /** Number of elements. */
  size: number;
  /** `parameter` (trained), `buffer` (batch-norm statistics), `optimizer` or `trainer` (checkpoints). */
  role: 'parameter' | 'buffer' | 'optimizer' | 'trainer';
}

/**
 * What `scratchnet info` shows about a model or checkpoint file.
 * @example const { model, layers, parameterCount } = describeSerialized(decodeSafetensors(bytes));
 */
export interface ModelDescription {
  model: ModelKind;
  /** `'model'` or `'checkpoint'`. */
  file: string;
  /** The scratchnet version that wrote the file. */
  version: string;
  architecture: NetArchitecture;
  /** The layers in order, e.g. `['Affine 784 -> 50', 'ReLU', 'Affine 50 -> 10', 'Softmax']`. */
  layers: string[];
  /** Number of trained parameters (elements of `W*`, `b*`, `gamma*`, `beta*`). */
  parameterCount: number;
  tensors: TensorDescription[];
  /** The parsed `scratchnet.training` (null when absent or not JSON). */
  training: unknown;
  /** The raw metadata. */
  metadata: Record<string, string>;
}

/** The layer list of an architecture, for display. */
function layerList(a: NetArchitecture): string[] {
  if ((a.model === 'convnet' || a.model === 'deep-convnet') && a.inputDim) {
    const convs = a.model === 'convnet' ? (a.convParam ? [a.convParam] : []) : (a.convParams ?? []);
    let [c, h, w] = a.inputDim;
    const out: string[] = [];
    convs.forEach((p, i) => {
      const extra = `${p.pad ? ` pad ${p.pad}` : ''}${p.stride !== 1 ? ` stride ${p.stride}` : ''}`;
      out.push(`Conv ${p.filterNum}x${p.filterSize}x${p.filterSize}${extra}`, 'ReLU');
      c = p.filterNum;
      h = Math.floor((h + 2 * p.pad - p.filterSize) / p.stride) + 1;
      w = Math.floor((w + 2 * p.pad - p.filterSize) / p.stride) + 1;
      if (a.model === 'convnet' || i % 2 === 1) {
        out.push('Pool 2x2');
        [h, w] = [Math.floor(h / 2), Math.floor(w / 2)];
      }
    });
    const hidden = a.hiddenSizeList[0];
    const drop = a.useDropout ? [`Dropout ${a.dropoutRatio} (${a.dropoutMode})`] : [];
    out.push(
      `Affine ${c * h * w} -> ${hidden}`,
      'ReLU',
      ...drop,
      `Affine ${hidden} -> ${a.outputSize}`,
      ...drop,
    );
    return [...out, 'Softmax'];
  }
  const sizes = [a.inputSize, ...a.hiddenSizeList, a.outputSize];
  const act = a.activation === 'relu' ? 'ReLU' : 'Sigmoid';
  const out: string[] = [];
  for (let i = 1; i < sizes.length; i++) {
    out.push(`Affine ${sizes[i - 1]} -> ${sizes[i]}`);
    if (i === sizes.length - 1) break;
    if (a.useBatchnorm) out.push(`BatchNorm ${sizes[i]}`);
    out.push(act);
    if (a.useDropout) out.push(`Dropout ${a.dropoutRatio} (${a.dropoutMode})`);
  }
  out.push('Softmax');
  return out;
}

/**
 * A summary of a model or checkpoint file for `scratchnet info`: architecture, layers, parameter
 * count, every tensor with its shape, the training metadata. Checks the file as
 * `networkFromSerialized` does (without building the net).
 * @throws ModelFileError as `networkFromSerialized`
 * @example
 * const d = describeSerialized(decodeSafetensors(bytes));
 * console.log(d.model, d.layers.join(' -> '), d.parameterCount);
 */
export function describeSerialized(serialized: SerializedModel): ModelDescription {
  const { tensors, metadata } = serialized;
  const a = readArchitecture(metadata);
  const roleOf = (name: string): TensorDescription['role'] =>
    name.startsWith('optimizer.')
      ? 'optimizer'
      : name.startsWith('trainer.')
        ? 'trainer'
        : name.startsWith('bn')
          ? 'buffer'
          : 'parameter';
  const model: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(tensors))
    if (roleOf(k) === 'parameter' || roleOf(k) === 'buffer') model[k] = t;
  checkTensors(a, model);
  let training: unknown = null;
  try {
    const text = metadata['scratchnet.training'];
    training = text === undefined ? null : parseJson('scratchnet.training', text);
  } catch {
    training = null;
  }
  const list = Object.entries(tensors).map(([name, t]) => ({
    name,
    shape: [...t.shape],
    dtype: t.dtype,
    size: t.size,
    role: roleOf(name),
  }));
  return {
    model: a.model,
    file: metadata['scratchnet.file'] ?? 'model',
    version: metadata['scratchnet.version'] ?? 'unknown',
    architecture: a,
    layers: layerList(a),
    parameterCount: list.filter((t) => t.role === 'parameter').reduce((s, t) => s + t.size, 0),
    tensors: list,
    training,
    metadata: { ...metadata },
  };
}
