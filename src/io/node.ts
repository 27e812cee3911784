/**
 * Model files, checkpoints and ONNX export on disk (Node only; exported through `scratchnet/node`).
 * Every write is atomic: the bytes go to a temporary file beside the target, are flushed to disk,
 * and only then renamed over it, so the target is always either the old complete file or the new
 * complete one, whatever happens (a crash, SIGKILL, a full disk) in between. Synchronous, so they
 * can run inside the Trainer's (synchronous) callbacks.
 * @module
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { dirname, join } from 'node:path';
import { type BuildNetworkOptions, ModelFileError, type SerializableNet } from './architecture.js';
import { type Checkpoint, type CheckpointInput, decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';
import {
  describeSerialized,
  type ExtraMetadata,
  type ModelDescription,
  networkFromSerialized,
  serializeNetwork,
} from './model.js';
import { type EncodeOnnxOptions, encodeOnnx } from './onnx.js';
import {
  type DecodedSafetensors,
  type DecodeSafetensorsOptions,
  decodeSafetensors,
  encodeSafetensors,
  SafetensorsError,
} from './safetensors.js';

/**
 * The file a checkpoint folder holds.
 * @example join(runDir, CHECKPOINT_FILE) // 'run/checkpoint.safetensors'
 */
export const CHECKPOINT_FILE = 'checkpoint.safetensors';

/** Bytes per `write` call. */
const CHUNK = 1 << 22;

/** Marks temporary files: `<target>.tmp-<pid>-<random>`. */
const TMP_MARK = '.tmp-';

/**
 * Writes `bytes` to `path` atomically: to `path.tmp-<pid>-<random>` first (created exclusively),
 * fsync'd, renamed over `path`, then the folder fsync'd so the rename itself is durable. If
 * anything fails the temporary file is removed and the error rethrown; `path` is never
 * half-written: it keeps its old content until the rename.
 * @param path the target file (its folder must exist)
 * @example atomicWriteFile('run/model.safetensors', bytes)
 */
export function atomicWriteFile(path: string, bytes: Uint8Array): void {
  const tmp = `${path}${TMP_MARK}${process.pid}-${randomBytes(6).toString('hex')}`;
  const fd = fs.openSync(tmp, 'wx');
  try {
    try {
      let offset = 0;
      while (offset < bytes.length) {
        offset += fs.writeSync(fd, bytes, offset, Math.min(CHUNK, bytes.length - offset));
      }
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, path);
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw e;
  }
  syncFolder(dirname(path));
}

/** fsync of a folder (where the platform allows it: not on Windows). */
function syncFolder(dir: string): void {
  let fd: number | null = null;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some platforms and file systems cannot open or fsync a folder; the rename is done anyway.
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

/**
 * Removes temporary files `<file>.tmp-<pid>-*` left in `dir` by processes that no longer run
 * (a write interrupted by a crash or SIGKILL). Files of live processes are left alone.
 */
function removeStaleTemps(dir: string, file: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(`${file}${TMP_MARK}`)) continue;
    const pid = Number(name.slice(file.length + TMP_MARK.length).split('-')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
      continue; // alive (or not ours to judge)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') continue;
    }
    try {
      fs.unlinkSync(join(dir, name));
    } catch {
      // raced with someone else's cleanup
    }
  }
}

/** Reads a whole file; a failure names the caller and the path (the `code`, e.g. ENOENT, is kept). */
function readFile(who: string, path: string): Uint8Array {
  try {
    const b = fs.readFileSync(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a folder' : err.message;
    throw Object.assign(new Error(`${who}: cannot read '${path}': ${why}`), { code: err.code, cause: e });
  }
}

/** Runs `f`, prefixing the message of a file-content error with the path. */
function withPath<T>(path: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof SafetensorsError) {
      const Err = e instanceof ModelFileError ? ModelFileError : SafetensorsError;
      throw new Err(`${path}: ${e.message}`);
    }
    throw e;
  }
}

/**
 * Reads and validates a safetensors file (see `decodeSafetensors`).
 * @throws an Error with `code` 'ENOENT' etc. when the file cannot be read; SafetensorsError
 *   (message starting with the path) when it is not valid safetensors
 * @example const { tensors, metadata } = readSafetensorsFile('model.safetensors');
 */
export function readSafetensorsFile(
  path: string,
  options: DecodeSafetensorsOptions = {},
): DecodedSafetensors {
  const bytes = readFile('readSafetensorsFile', path);
  return withPath(path, () => decodeSafetensors(bytes, options));
}

/**
 * Options of {@link saveParams}.
 * @example { metadata: { training: { epochs: 5 }, dataset: 'mnist' } }
 */
export interface SaveParamsOptions {
  /** `training` (any JSON: epochs, accuracy, date...) and other string entries for the header. */
  metadata?: ExtraMetadata;
}

/**
 * Saves a net as a safetensors model file (parameters, batch-norm statistics, architecture and
 * metadata), atomically; creates the folder if needed. `loadParams` rebuilds the net from it.
 * @example saveParams(net, 'run/model.safetensors', { metadata: { training: { epochs: 5, testAcc: 0.96 } } })
 */
export function saveParams(net: SerializableNet, path: string, options: SaveParamsOptions = {}): void {
  const { tensors, metadata } = serializeNetwork(net, options.metadata);
  const bytes = encodeSafetensors(tensors, metadata);
  fs.mkdirSync(dirname(path), { recursive: true });
  atomicWriteFile(path, bytes);
}

/**
 * Options of {@link loadParams}, {@link loadModel} and {@link readCheckpoint}.
 * @example loadParams(path, { rng: new RandomState(0), maxHeaderBytes: 1 << 20 })
 */
export interface LoadParamsOptions extends BuildNetworkOptions, DecodeSafetensorsOptions {}

/**
 * Rebuilds a net from a model file written by `saveParams` (the file alone says which net).
 * @param options `rng`: dropout source of an `mlp-extend` net (default global `random`)
 * @throws as {@link readSafetensorsFile}; ModelFileError for a valid file that is no scratchnet model
 * @example const net = loadParams('run/model.safetensors'); net.predict(x);
 */
export function loadParams(path: string, options: LoadParamsOptions = {}): SerializableNet {
  const serialized = readSafetensorsFile(path, options);
  return withPath(path, () => networkFromSerialized(serialized, options));
}

/**
 * `loadParams` plus what the file says about the net (`describeSerialized`): architecture, layers,
 * parameter count, tensors, training metadata.
 * @example const { net, description } = loadModel('run/model.safetensors'); description.training
 */
export function loadModel(
  path: string,
  options: LoadParamsOptions = {},
): { net: SerializableNet; description: ModelDescription } {
  const serialized = readSafetensorsFile(path, options);
  return withPath(path, () => ({
    description: describeSerialized(serialized),
    net: networkFromSerialized(serialized, options),
  }));
}

/**
 * Writes a checkpoint (net, optimizer, RNG, trainer, step; see `encodeCheckpoint`) atomically to
 * `dir/checkpoint.safetensors`, creating `dir` if needed. The previous checkpoint stays in place,
 * complete, until the new one is complete and renamed over it. Temporary files left by killed
 * writers are removed.
 * @returns the checkpoint's path
 * @example
 * trainer callbacks: { onStep: ({ step }) => { if (step % 100 === 0) writeCheckpoint(runDir, { net, trainer, rng: random, step }); } }
 */
export function writeCheckpoint(dir: string, input: CheckpointInput): string {
  const bytes = encodeCheckpoint(input);
  fs.mkdirSync(dir, { recursive: true });
  removeStaleTemps(dir, CHECKPOINT_FILE);
  const path = join(dir, CHECKPOINT_FILE);
  atomicWriteFile(path, bytes);
  return path;
}

/**
 * Reads the checkpoint of a run folder (`dir/checkpoint.safetensors`; `dir` may also be the file
 * itself): the rebuilt net and the states for `optimizer.setState`, `rng.setState`,
 * `trainer.setState`.
 * @throws an Error with `code` 'ENOENT' when there is no checkpoint; SafetensorsError /
 *   ModelFileError (message starting with the path) for a damaged one
 * @example
 * const ckpt = readCheckpoint('runs/mnist');
 * trainer.setState(ckpt.trainerState!); random.setState(ckpt.rngState!);
 */
export function readCheckpoint(dir: string, options: LoadParamsOptions = {}): Checkpoint {
  let path = dir;
  try {
    if (fs.statSync(dir).isDirectory()) path = join(dir, CHECKPOINT_FILE);
  } catch {
    // readFile reports the missing path
  }
  const bytes = readFile('readCheckpoint', path);
  return withPath(path, () => decodeCheckpoint(bytes, options));
}

/**
 * Writes the net as an ONNX model (see `encodeOnnx`) atomically; creates the folder if needed.
 * @example exportOnnx(net, 'run/model.onnx')
 */
export function exportOnnx(net: SerializableNet, path: string, options: EncodeOnnxOptions = {}): void {
  const bytes = encodeOnnx(net, options);
  fs.mkdirSync(dirname(path), { recursive: true });
  atomicWriteFile(path, bytes);
}
