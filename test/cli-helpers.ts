/**
 * Helpers of the CLI tests: captured streams, a temporary folder, and an independent safetensors
 * reader (the format's rules, written from the spec, not scratchnet's decoder).
 */
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { CliIO } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';

/** What a `main` call printed and returned. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `main(argv)` with captured streams (not a terminal unless `tty`). */
export async function run(
  argv: string[],
  options: { tty?: boolean; columns?: number } = {},
): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: {
      write: (s: string) => {
        stdout += s;
        return true;
      },
      isTTY: options.tty ?? false,
      columns: options.columns ?? 100,
    },
    stderr: {
      write: (s: string) => {
        stderr += s;
        return true;
      },
      isTTY: false,
    },
    env: {},
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** A fresh temporary folder. */
export function tempDir(prefix = 'scratchnet-cli-'): string {
  return fs.mkdtempSync(join(os.tmpdir(), prefix));
}

/** One tensor of a safetensors file: dtype, shape and its raw bytes. */
export interface RawTensor {
  dtype: string;
  shape: number[];
  bytes: Buffer;
}

/**
 * Reads a safetensors file by the format's rules: 8-byte little-endian header length N, N bytes
 * of JSON header (`{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__: {...}}`),
 * then the data; offsets are relative to the data's start.
 */
export function readSafetensorsRaw(path: string): {
  tensors: Record<string, RawTensor>;
  metadata: Record<string, string>;
} {
  const b = fs.readFileSync(path);
  const n = Number(b.readBigUInt64LE(0));
  const header = JSON.parse(b.subarray(8, 8 + n).toString('utf8')) as Record<string, unknown>;
  const data = b.subarray(8 + n);
  const tensors: Record<string, RawTensor> = {};
  let metadata: Record<string, string> = {};
  for (const [name, v] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = v as Record<string, string>;
      continue;
    }
    const t = v as { dtype: string; shape: number[]; data_offsets: [number, number] };
    tensors[name] = {
      dtype: t.dtype,
      shape: t.shape,
      bytes: data.subarray(t.data_offsets[0], t.data_offsets[1]),
    };
  }
  return { tensors, metadata };
}

/** Small, fast training flags (a few seconds at most). */
export const TINY = ['--hidden', '12', '--epochs', '1', '--batch-size', '200'];
