/**
 * Training checkpoints as one safetensors file: the net (as a model file has it), the optimizer's
 * buffers as tensors `optimizer.<buffer>.<param>` (`optimizer.m.W1`), the trainer's loss and
 * accuracy history as float64 tensors `trainer.history.<list>` (bit-exact), and in the metadata key
 * `scratchnet.checkpoint` a JSON object with the step, the optimizer's kind, hyperparameters and
 * iteration count, the RNG state (624-word key, pos, hasGauss, cachedGaussian) and the trainer's
 * counters. Browser-safe; `writeCheckpoint` / `readCheckpoint` in `./node.ts` do the files.
 * @module
 */
import { OPTIMIZER_NAMES, type Optimizer, type OptimizerState } from '../optim/optimizer.js';
import type { RandomStateState } from '../random/random-state.js';
import { fromData } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import type { TrainerState, TrainHistory } from '../train/trainer.js';
import {
  architectureOf,
  type BuildNetworkOptions,
  ModelFileError,
  parseJson,
  type SerializableNet,
} from './architecture.js';
import { networkFromSerialized, scratchnetMetadata, serializeNetwork } from './model.js';
import { type DecodeSafetensorsOptions, decodeSafetensors, encodeSafetensors } from './safetensors.js';

/**
 * What {@link encodeCheckpoint} (and `writeCheckpoint`) saves.
 * @example { net, trainer, rng: random, step: trainer.currentIter, extra: { options } }
 */
export interface CheckpointInput {
  /** The net being trained. */
  net: SerializableNet;
  /** The optimizer (or its state); defaults to the trainer's, when `trainer` is given. */
  optimizer?: Pick<Optimizer, 'getState'> | OptimizerState;
  /** A random source to restore too (e.g. the global `random` that draws dropout masks), or its state. */
  rng?: { getState(): RandomStateState } | RandomStateState;
  /** The Trainer (or its state): counters, history, its RNG; its optimizer state is stored as `optimizer`. */
  trainer?: { getState(): TrainerState } | TrainerState;
  /** The step reached (an integer >= 0). */
  step: number;
  /** Anything JSON the caller needs to resume (the run's options, for instance). */
  extra?: unknown;
}

/**
 * What {@link decodeCheckpoint} (and `readCheckpoint`) returns: pass each part to its `setState`.
 * @example
 * const { net, trainerState, rngState, step } = readCheckpoint(runDir);
 */
export interface Checkpoint {
  /** The net, rebuilt with its saved parameters. */
  net: SerializableNet;
  /** For `optimizer.setState` (null when none was saved). */
  optimizerState: OptimizerState | null;
  /** For `rng.setState` (null when none was saved). */
  rngState: RandomStateState | null;
  /** For `trainer.setState` (null when none was saved); its `optimizer` is `optimizerState`. */
  trainerState: TrainerState | null;
  step: number;
  /** The `extra` value saved (undefined when none). */
  extra: unknown;
  /** The file's metadata. */
  metadata: Record<string, string>;
}

const HISTORY = ['trainLossList', 'trainAccList', 'testAccList'] as const;

function stateOf<S>(x: { getState(): S } | S | undefined): S | undefined {
  if (x !== null && typeof x === 'object' && typeof (x as { getState?: unknown }).getState === 'function') {
    return (x as { getState(): S }).getState();
  }
  return x as S | undefined;
}

function fail(message: string): never {
  throw new ModelFileError(`checkpoint: ${message}`);
}

/**
 * A checkpoint's bytes (a safetensors file; see the module documentation for its layout).
 * @throws RangeError for a bad step; TypeError for a net that cannot be saved
 * @example
 * const bytes = encodeCheckpoint({ net, trainer, rng: random, step: trainer.currentIter });
 */
export function encodeCheckpoint(input: CheckpointInput): Uint8Array {
  const { net, step } = input;
  if (!Number.isSafeInteger(step) || step < 0) {
    throw new RangeError(`encodeCheckpoint: step: expected an integer >= 0, got ${String(step)}`);
  }
  const trainer = stateOf(input.trainer);
  const optimizer = stateOf(input.optimizer) ?? trainer?.optimizer;
  const rng = stateOf(input.rng);
  const { tensors } = serializeNetwork(net);
  const meta: Record<string, unknown> = { step, optimizer: null, rng: rng ?? null, trainer: null };
  if (optimizer) {
    const buffers: Record<string, string[]> = {};
    for (const [buf, byKey] of Object.entries(optimizer.buffers)) {
      buffers[buf] = Object.keys(byKey);
      for (const [key, t] of Object.entries(byKey)) tensors[`optimizer.${buf}.${key}`] = t;
    }
    const { kind, hyperparameters, iterations } = optimizer;
    meta.optimizer = { kind, hyperparameters, iterations, buffers };
  }
  if (trainer) {
    const { currentIter, currentEpoch, trainSize, miniBatchSize } = trainer;
    meta.trainer = { currentIter, currentEpoch, trainSize, miniBatchSize, rng: trainer.rng };
    for (const list of HISTORY) {
      const values = trainer.history[list];
      tensors[`trainer.history.${list}`] = fromData(Float64Array.from(values), [values.length]);
    }
  }
  if (input.extra !== undefined) meta.extra = input.extra;
  const metadata = scratchnetMetadata(architectureOf(net), 'checkpoint');
  metadata['scratchnet.checkpoint'] = JSON.stringify(meta);
  return encodeSafetensors(tensors, metadata);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function nonNegInt(where: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    fail(`${where}: expected an integer >= 0, got ${JSON.stringify(v) ?? String(v)}`);
  }
  return v;
}

/** Checks an RNG state's structure (RandomState.setState checks it again when restoring). */
function readRng(where: string, r: unknown): RandomStateState {
  if (!isObject(r)) fail(`${where}: expected {key, pos, hasGauss, cachedGaussian}`);
  const { key, pos, hasGauss, cachedGaussian } = r;
  if (
    !Array.isArray(key) ||
    key.length !== 624 ||
    key.some((k) => !Number.isInteger(k) || k < 0 || k >= 2 ** 32)
  ) {
    fail(`${where}.key: expected 624 integers in [0, 2**32)`);
  }
  if (nonNegInt(`${where}.pos`, pos) > 624) fail(`${where}.pos: expected at most 624, got ${pos}`);
  if (typeof hasGauss !== 'boolean') fail(`${where}.hasGauss: expected true or false`);
  if (typeof cachedGaussian !== 'number' || !Number.isFinite(cachedGaussian)) {
    fail(`${where}.cachedGaussian: expected a finite number`);
  }
  return { key: [...key], pos: pos as number, hasGauss, cachedGaussian };
}

/** Removes and returns `tensors[name]`, failing when it is missing. */
function takeTensor(tensors: Record<string, Tensor>, name: string): Tensor {
  if (!Object.hasOwn(tensors, name)) fail(`tensor '${name}' is missing`);
  const t = tensors[name];
  delete tensors[name];
  return t;
}

function readOptimizer(o: unknown, tensors: Record<string, Tensor>): OptimizerState {
  if (!isObject(o)) fail('optimizer: expected an object');
  if (!(OPTIMIZER_NAMES as readonly unknown[]).includes(o.kind)) {
    fail(`optimizer.kind: expected one of ${OPTIMIZER_NAMES.join(', ')}, got ${JSON.stringify(o.kind)}`);
  }
  const h = o.hyperparameters;
  if (!isObject(h) || Object.values(h).some((v) => typeof v !== 'number')) {
    fail('optimizer.hyperparameters: expected an object of numbers');
  }
  const iterations = nonNegInt('optimizer.iterations', o.iterations);
  if (!isObject(o.buffers)) fail('optimizer.buffers: expected an object of key lists');
  const buffers: Record<string, Record<string, Tensor>> = {};
  for (const [buf, keys] of Object.entries(o.buffers)) {
    if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string' || k === '__proto__')) {
      fail(`optimizer.buffers.${buf}: expected a list of parameter names`);
    }
    buffers[buf] = {};
    for (const key of keys as string[]) buffers[buf][key] = takeTensor(tensors, `optimizer.${buf}.${key}`);
  }
  return {
    kind: o.kind as OptimizerState['kind'],
    hyperparameters: h as Record<string, number>,
    iterations,
    buffers,
  };
}

/**
 * Options of {@link decodeCheckpoint}: the net's dropout source, the header bound.
 * @example decodeCheckpoint(bytes, { rng: random, maxHeaderBytes: 1e6 })
 */
export interface DecodeCheckpointOptions extends BuildNetworkOptions, DecodeSafetensorsOptions {}

/**
 * Reads a checkpoint's bytes back: the rebuilt net and the states to restore. Every part is
 * checked (structure, tensors present, no stray tensors) before it is returned.
 * @param options `rng`: dropout source of the rebuilt net; `maxHeaderBytes`
 * @throws SafetensorsError / ModelFileError naming what is wrong
 * @example
 * const ckpt = decodeCheckpoint(bytes);
 * trainer.setState(ckpt.trainerState!); random.setState(ckpt.rngState!);
 */
export function decodeCheckpoint(bytes: Uint8Array, options: DecodeCheckpointOptions = {}): Checkpoint {
  const { tensors, metadata } = decodeSafetensors(bytes, options);
  if (metadata['scratchnet.file'] !== 'checkpoint') {
    fail(
      `not a checkpoint (metadata 'scratchnet.file' is ${JSON.stringify(metadata['scratchnet.file'] ?? null)})`,
    );
  }
  const meta = parseJson('scratchnet.checkpoint', metadata['scratchnet.checkpoint']);
  if (!isObject(meta)) fail(`metadata 'scratchnet.checkpoint': expected a JSON object`);
  for (const k of Object.keys(meta)) {
    if (!['step', 'optimizer', 'rng', 'trainer', 'extra'].includes(k)) fail(`unknown field '${k}'`);
  }
  const step = nonNegInt('step', meta.step);
  const rest = { ...tensors };
  const optimizerState = meta.optimizer == null ? null : readOptimizer(meta.optimizer, rest);
  const rngState = meta.rng == null ? null : readRng('rng', meta.rng);
  let trainerState: TrainerState | null = null;
  if (meta.trainer != null) {
    const t = meta.trainer;
    if (!isObject(t)) fail('trainer: expected an object');
    if (optimizerState === null) fail('trainer: saved without an optimizer state');
    const history = {} as TrainHistory;
    for (const list of HISTORY) {
      const h = takeTensor(rest, `trainer.history.${list}`);
      if (h.ndim !== 1 || h.dtype !== 'float64')
        fail(`tensor 'trainer.history.${list}': expected a 1-D F64 tensor`);
      history[list] = h.toFlatArray();
    }
    trainerState = {
      currentIter: nonNegInt('trainer.currentIter', t.currentIter),
      currentEpoch: nonNegInt('trainer.currentEpoch', t.currentEpoch),
      trainSize: nonNegInt('trainer.trainSize', t.trainSize),
      miniBatchSize: nonNegInt('trainer.miniBatchSize', t.miniBatchSize),
      history,
      optimizer: optimizerState,
      rng: readRng('trainer.rng', t.rng),
    };
  }
  const net = networkFromSerialized({ tensors: rest, metadata }, options);
  return { net, optimizerState, rngState, trainerState, step, extra: meta.extra, metadata };
}
