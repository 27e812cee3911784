/**
 * What several commands share: loading the data set, reading a model file with one-line errors,
 * writing output files.
 * @module
 */
import fs from 'node:fs';
import { dirname } from 'node:path';
import { loadMnist, type MnistData } from '../index.js';
import {
  atomicWriteFile,
  loadMnistFromDir,
  loadModel,
  type ModelDescription,
  SafetensorsError,
} from '../node.js';
import { CliError } from './args.js';
import type { CliNet } from './model-config.js';

/** The first line of an error's message. */
export function firstLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n')[0];
}

/** A data set with a description for the user. */
export interface LoadedData extends MnistData {
  /** e.g. "embedded MNIST digits (8,000 train / 2,000 test)". */
  description: string;
  /** Where it came from: 'embedded' or the folder. */
  source: string;
}

/**
 * The embedded digits, or the four IDX files in `dir` (`--data`), as float rows `(N, 784)` and
 * int32 labels.
 */
export async function loadData(
  command: string,
  dir: string | undefined,
  dtype: 'float32' | 'float64',
): Promise<LoadedData> {
  if (dir === undefined) {
    const d = await loadMnist({ dtype });
    return {
      ...d,
      source: 'embedded',
      description: `embedded MNIST digits (${d.xTrain.shape[0].toLocaleString('en-US')} train / ${d.xTest.shape[0].toLocaleString('en-US')} test)`,
    };
  }
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new CliError(
      `scratchnet ${command}: --data: no such folder '${dir}' (expected a folder with the four MNIST IDX files)`,
    );
  }
  if (!stat.isDirectory()) {
    throw new CliError(
      `scratchnet ${command}: --data: '${dir}' is not a folder (expected a folder with the four MNIST IDX files)`,
    );
  }
  let d: MnistData;
  try {
    d = await loadMnistFromDir(dir, { dtype });
  } catch (e) {
    throw new CliError(`scratchnet ${command}: --data: ${firstLine(e)}`);
  }
  if (d.xTrain.shape[1] !== 784) {
    throw new CliError(
      `scratchnet ${command}: --data: expected 28x28 images (784 pixels), got ${d.xTrain.shape[1]} pixels per image`,
    );
  }
  return {
    ...d,
    source: dir,
    description: `IDX files in ${dir} (${d.xTrain.shape[0].toLocaleString('en-US')} train / ${d.xTest.shape[0].toLocaleString('en-US')} test)`,
  };
}

/**
 * Reads a model file (or the model.safetensors of a run folder); a missing, unreadable or damaged
 * file is a one-line {@link CliError}. Returns the file's path too.
 */
export function readModel(
  command: string,
  path: string,
): { net: CliNet; description: ModelDescription; path: string } {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(path);
  } catch {
    throw new CliError(`scratchnet ${command}: no such model file '${path}'`);
  }
  if (stat.isDirectory()) {
    const inside = `${path.replace(/\/+$/, '')}/model.safetensors`;
    if (fs.existsSync(inside)) return readModel(command, inside);
    throw new CliError(`scratchnet ${command}: '${path}' is a folder without a model.safetensors`);
  }
  try {
    const { net, description } = loadModel(path);
    return { net: net as CliNet, description, path };
  } catch (e) {
    if (e instanceof SafetensorsError) {
      throw new CliError(`scratchnet ${command}: damaged or foreign model file: ${firstLine(e)}`);
    }
    if ((e as NodeJS.ErrnoException).code !== undefined) {
      throw new CliError(`scratchnet ${command}: cannot read model file: ${firstLine(e)}`);
    }
    throw new CliError(`scratchnet ${command}: cannot load model '${path}': ${firstLine(e)}`);
  }
}

/** Writes a text or binary file atomically, creating its folder. */
export function writeOutput(path: string, content: string | Uint8Array): void {
  fs.mkdirSync(dirname(path), { recursive: true });
  atomicWriteFile(path, typeof content === 'string' ? new TextEncoder().encode(content) : content);
}

/** JSON with numbers as they are and a trailing newline. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
