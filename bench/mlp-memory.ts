/**
 * `npx tsx bench/mlp-memory.ts`: memory over a long training run, the goal of issue 6 being a
 * resident set after 20,000 steps within 10% of the one after 1,000.
 *
 * Trains the 784-50-10 sigmoid network of `bench/mlp.ts` (float32, batch 100, SGD lr 0.1, the
 * embedded MNIST) with the book's Trainer, which also evaluates the accuracy on the whole training
 * and test sets at every epoch boundary (every 80 steps: batches of 8000 and 2000 rows besides the
 * training batches of 100), and prints `process.memoryUsage()` at checkpoints: rss, the V8 heap,
 * external memory and array buffers, and the WebAssembly memory with the kernels' allocated bytes.
 * No forced garbage collection: the figures are what a user's process holds.
 *
 * Options: --steps N (default 20000), --quick (5000 steps), --json, --backend wasm|ref (default wasm).
 */
import { loadMnist } from '../src/data/index.js';
import { getKernels, setBackend } from '../src/kernels/select.js';
import { WasmKernels } from '../src/kernels/wasm/kernels.js';
import { MultiLayerNet } from '../src/nets/multi-layer-net.js';
import { SGD } from '../src/optim/sgd.js';
import { RandomState } from '../src/random/random-state.js';
import { Trainer } from '../src/train/trainer.js';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const asJson = args.includes('--json');
const steps = Number(option('--steps') ?? (quick ? 5000 : 20000));
const backend = (option('--backend') ?? 'wasm') as 'wasm' | 'ref';
const BASE = Math.min(1000, steps);
const checkpoints = [...new Set([BASE, 2000, 5000, 10000, steps])]
  .filter((s) => s <= steps)
  .sort((a, b) => a - b);

setBackend(backend);
const { xTrain, tTrain, xTest, tTest } = await loadMnist();
const net = new MultiLayerNet(784, [50], 10, {
  activation: 'sigmoid',
  weightInitStd: 0.01,
  dtype: 'float32',
  rng: new RandomState(0),
});
const trainer = new Trainer(net, xTrain, tTrain, xTest, tTest, {
  epochs: 1e9,
  miniBatchSize: 100,
  optimizer: new SGD({ lr: 0.1 }),
  verbose: false,
  rng: new RandomState(0),
});

interface Sample {
  step: number;
  seconds: number;
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  wasmMemory: number;
  kernelBytes: number;
  loss: number;
  testAcc: number;
}

const samples: Sample[] = [];
const t0 = performance.now();
const MiB = 1024 * 1024;
const k = getKernels();
for (let s = 1; s <= steps; s++) {
  const { loss } = trainer.step();
  if (checkpoints.includes(s)) {
    const m = process.memoryUsage();
    samples.push({
      step: s,
      seconds: (performance.now() - t0) / 1000,
      rss: m.rss,
      heapUsed: m.heapUsed,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
      wasmMemory: k instanceof WasmKernels ? k.mem.byteLength : 0,
      kernelBytes: k instanceof WasmKernels ? k.mem.heap.allocatedBytes : 0,
      loss,
      testAcc: trainer.history.testAccList.at(-1) ?? Number.NaN,
    });
    if (!asJson) process.stderr.write(`step ${s} ...\n`);
  }
}
const base = samples[0];
const last = samples[samples.length - 1];
const ratio = last.rss / base.rss;
if (asJson) {
  console.log(
    JSON.stringify(
      { date: new Date().toISOString(), node: process.version, backend, samples, ratio },
      null,
      1,
    ),
  );
} else {
  console.log(
    `memory over ${steps} training steps, 784-50-10 sigmoid float32, batch 100, Trainer with full-set evaluation every 80 steps, backend ${getKernels().name}, Node ${process.version}`,
  );
  const head = `${'step'.padStart(6)} ${'time s'.padStart(7)} ${'rss MiB'.padStart(8)} ${'heap MiB'.padStart(9)} ${'external'.padStart(9)} ${'buffers'.padStart(8)} ${'wasm MiB'.padStart(9)} ${'kernel MiB'.padStart(11)} ${'loss'.padStart(8)} ${'test acc'.padStart(9)}`;
  console.log(head);
  console.log('-'.repeat(head.length));
  for (const r of samples) {
    console.log(
      `${String(r.step).padStart(6)} ${r.seconds.toFixed(1).padStart(7)} ${(r.rss / MiB).toFixed(1).padStart(8)} ${(r.heapUsed / MiB).toFixed(1).padStart(9)} ${(r.external / MiB).toFixed(1).padStart(9)} ${(r.arrayBuffers / MiB).toFixed(1).padStart(8)} ${(r.wasmMemory / MiB).toFixed(1).padStart(9)} ${(r.kernelBytes / MiB).toFixed(2).padStart(11)} ${r.loss.toFixed(4).padStart(8)} ${r.testAcc.toFixed(4).padStart(9)}`,
    );
  }
  console.log(
    `\nrss after ${last.step} steps / after ${base.step}: ${ratio.toFixed(3)} (goal of issue 6: <= 1.10 for 20,000 / 1,000): ${ratio <= 1.1 ? 'met' : 'MISSED'}${steps < 20000 ? ` (short run: ${steps} steps)` : ''}`,
  );
}
