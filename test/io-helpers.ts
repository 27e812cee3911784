/**
 * Helpers of the io tests: the independent Python reader and writer (test/fixtures/io_*.py),
 * temporary folders, small nets.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SerializableNet } from '../src/io/architecture.js';
import { MultiLayerNet } from '../src/nets/multi-layer-net.js';
import { MultiLayerNetExtend } from '../src/nets/multi-layer-net-extend.js';
import { TwoLayerNet } from '../src/nets/two-layer-net.js';
import { TwoLayerNetSigmoid } from '../src/nets/two-layer-net-sigmoid.js';
import { SGD } from '../src/optim/sgd.js';
import { RandomState } from '../src/random/random-state.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** What test/fixtures/io_read_safetensors.py prints. */
export interface PythonRead {
  metadata: Record<string, string>;
  header_length: number;
  tensors: Record<string, { dtype: string; shape: number[]; values: (string | number | boolean)[] }>;
}

/** A Python float repr ('0.1', 'nan', '-inf', '-0.0') as a JS number, exactly. */
export function pyFloat(s: string): number {
  if (s === 'nan') return Number.NaN;
  if (s === 'inf') return Number.POSITIVE_INFINITY;
  if (s === '-inf') return Number.NEGATIVE_INFINITY;
  return Number(s);
}

/** Runs the independent reader on `bytes`; throws with its message when it rejects the file. */
export function pythonRead(bytes: Uint8Array): PythonRead {
  const dir = tempDir();
  try {
    const file = join(dir, 'x.safetensors');
    writeFileSync(file, bytes);
    const out = execFileSync('python3', [join(FIXTURES, 'io_read_safetensors.py'), file], {
      encoding: 'utf8',
    });
    return JSON.parse(out) as PythonRead;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the independent writer; returns the path of the file it wrote (in `dir`). */
export function pythonWrite(dir: string): string {
  const file = join(dir, 'python.safetensors');
  execFileSync('python3', [join(FIXTURES, 'io_write_safetensors.py'), file]);
  return file;
}

/** A fresh temporary folder. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'scratchnet-io-'));
}

/** Bytes of a float64 or float32 array, to compare bit for bit (NaN payloads and -0 included). */
export function bitsOf(
  a: ArrayLike<number> & { buffer: ArrayBufferLike; byteOffset: number; byteLength: number },
): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');
}

/** Each net kind (float64 and float32), trained a few steps so batch norm has running statistics. */
export function netZoo(): [string, SerializableNet][] {
  const rng = () => new RandomState(1);
  return [
    ['two-layer', new TwoLayerNet(12, 7, 4, { rng: rng() })],
    ['two-layer float32', new TwoLayerNet(12, 7, 4, { rng: rng(), dtype: 'float32' })],
    ['two-layer-sigmoid', new TwoLayerNetSigmoid(12, 7, 4, { rng: rng() })],
    ['mlp relu', new MultiLayerNet(12, [9, 8, 6], 4, { rng: rng(), weightDecayLambda: 0.1 })],
    [
      'mlp sigmoid float32',
      new MultiLayerNet(12, [5], 4, { rng: rng(), activation: 'sigmoid', dtype: 'float32' }),
    ],
    ['mlp no hidden', new MultiLayerNet(12, [], 4, { rng: rng() })],
    [
      'mlp-extend bn + dropout',
      new MultiLayerNetExtend(12, [9, 6], 4, {
        rng: rng(),
        useBatchnorm: true,
        useDropout: true,
        dropoutRatio: 0.3,
      }),
    ],
    [
      'mlp-extend bn float32 eps',
      new MultiLayerNetExtend(12, [9, 6], 4, {
        rng: rng(),
        useBatchnorm: true,
        dtype: 'float32',
        batchnormOptions: { momentum: 0.8, eps: 1e-5, initRunningVar: 'zeros' },
      }),
    ],
    [
      'mlp-extend inverted dropout',
      new MultiLayerNetExtend(12, [9], 4, {
        rng: rng(),
        useDropout: true,
        dropoutMode: 'inverted',
        activation: 'sigmoid',
      }),
    ],
  ];
}

/** A batch of 10 inputs (12 features) and labels. */
export function batch(dtype: 'float64' | 'float32' = 'float64') {
  const rs = new RandomState(5);
  return { x: rs.randn(10, 12).astype(dtype), t: [0, 1, 2, 3, 0, 1, 2, 3, 0, 1] };
}

/** A few SGD steps (training-mode forward: batch norm updates its running statistics). */
export function trainSome(net: SerializableNet, steps = 3): void {
  const opt = new SGD({ lr: 0.1 });
  const { x, t } = batch(net.params.W1.dtype as 'float64' | 'float32');
  for (let i = 0; i < steps; i++) opt.update(net.params, net.gradient(x, t));
}
