/**
 * `npx tsx bench/conv-kernels.ts`: the convolution kernels (im2col, col2im, maxPool,
 * maxPoolBackward) of scratchnet's ref (TypeScript) and WASM backends, in turns in one process, on
 * the book's shapes: SimpleConvNet's Conv1 im2col (100 images 1x28x28, 5x5, one image per call as the
 * layer does) and Pool1 (100x30x24x24, 2x2 stride 2), DeepConvNet's Conv2 im2col and col2im (100
 * images 16x28x28, 3x3 pad 1, one per call). Resident arrays (no copies), float32 and float64.
 * Prints the median ms per batch of 100 images and ref / wasm; the machine may be shared, so the
 * ratios (measured in turns) mean more than the times.
 * Options: --rounds N (default 15), --json.
 */
import { availableParallelism, loadavg } from 'node:os';
import { refKernels } from '../src/kernels/ref/index.js';
import type { ConvGeometry, FloatArray, Kernels } from '../src/kernels/types.js';
import { WasmKernels } from '../src/kernels/wasm/kernels.js';

const args = process.argv.slice(2);
const at = args.indexOf('--rounds');
const rounds = at >= 0 ? Number(args[at + 1]) : 15;
const asJson = args.includes('--json');

const wasm = new WasmKernels();
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

/** One benchmark case: a name and, per kernels, a function doing one batch. */
interface Case {
  name: string;
  run: (k: Kernels) => void;
}

function cases(dtype: 'float32' | 'float64'): Case[] {
  const array = (n: number, fill: () => number): FloatArray => {
    const a = wasm.alloc(dtype, n) as FloatArray;
    for (let i = 0; i < n; i++) a[i] = fill();
    return a;
  };
  const rnd = (): number => Math.random() - 0.5;
  const conv1: ConvGeometry = { n: 1, c: 1, h: 28, w: 28, fh: 5, fw: 5, stride: 1, pad: 0, oh: 24, ow: 24 };
  const x1 = array(100 * 784, rnd);
  const col1 = array(100 * 576 * 25, () => 0);
  const conv2: ConvGeometry = { n: 1, c: 16, h: 28, w: 28, fh: 3, fw: 3, stride: 1, pad: 1, oh: 28, ow: 28 };
  const x2 = array(100 * 16 * 784, rnd);
  const col2 = array(784 * 144, rnd);
  const pool: ConvGeometry = { n: 100, c: 30, h: 24, w: 24, fh: 2, fw: 2, stride: 2, pad: 0, oh: 12, ow: 12 };
  const xp = array(100 * 30 * 576, rnd);
  const op = array(100 * 30 * 144, () => 0);
  const dxp = array(100 * 30 * 576, () => 0);
  const arg = wasm.alloc('int32', 100 * 30 * 144);
  refKernels.maxPool(pool, xp, op, arg);
  return [
    {
      name: 'SimpleConvNet Conv1 im2col (100 x 1x28x28, 5x5)',
      run: (k) => {
        for (let n = 0; n < 100; n++)
          k.im2col(conv1, x1.subarray(n * 784, (n + 1) * 784), col1.subarray(n * 14400, (n + 1) * 14400));
      },
    },
    {
      name: 'DeepConvNet Conv2 im2col (100 x 16x28x28, 3x3 pad 1)',
      run: (k) => {
        for (let n = 0; n < 100; n++) k.im2col(conv2, x2.subarray(n * 12544, (n + 1) * 12544), col2);
      },
    },
    {
      name: 'DeepConvNet Conv2 col2im (100 x 16x28x28, 3x3 pad 1)',
      run: (k) => {
        for (let n = 0; n < 100; n++) k.col2im(conv2, col2, x2.subarray(n * 12544, (n + 1) * 12544));
      },
    },
    {
      name: 'SimpleConvNet Pool1 maxPool (100x30x24x24, 2x2 stride 2)',
      run: (k) => k.maxPool(pool, xp, op, arg),
    },
    { name: 'SimpleConvNet Pool1 maxPoolBackward', run: (k) => k.maxPoolBackward(pool, arg, op, dxp) },
  ];
}

const results: { dtype: string; name: string; refMs: number; wasmMs: number; ratio: number }[] = [];
for (const dtype of ['float32', 'float64'] as const) {
  for (const c of cases(dtype)) {
    const t: Record<'ref' | 'wasm', number[]> = { ref: [], wasm: [] };
    for (let r = 0; r < rounds + 2; r++) {
      for (const [name, k] of [
        ['ref', refKernels],
        ['wasm', wasm],
      ] as const) {
        const t0 = performance.now();
        c.run(k);
        if (r >= 2) t[name].push(performance.now() - t0); // two warm-up rounds
      }
    }
    const [refMs, wasmMs] = [median(t.ref), median(t.wasm)];
    results.push({ dtype, name: c.name, refMs, wasmMs, ratio: refMs / wasmMs });
  }
}

if (asJson) {
  console.log(JSON.stringify({ rounds, loadavg: loadavg()[0], results }));
} else {
  console.log(
    `convolution kernels, ms per batch of 100 images (medians of ${rounds} rounds in turns); load average ` +
      `${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores; ${new Date().toISOString().slice(0, 10)}\n`,
  );
  console.log(
    '| kernel | dtype | ref (TypeScript) | wasm | ref / wasm |\n| --- | --- | ---: | ---: | ---: |',
  );
  for (const r of results) {
    console.log(
      `| ${r.name} | ${r.dtype} | ${r.refMs.toFixed(2)} | ${r.wasmMs.toFixed(2)} | ${r.ratio.toFixed(1)}x |`,
    );
  }
}
