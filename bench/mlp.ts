/**
 * `npx tsx bench/mlp.ts`: training steps per second of the same network on the same data, in one run:
 * scratchnet (WASM SIMD and TypeScript reference kernels), the book's numpy code
 * (`bench/mlp_numpy.py`, numpy as installed, environment untouched), and TensorFlow.js 4.22 with its
 * WASM backend (XNNPACK, SIMD, 1 thread) and its pure-JS CPU backend; then f32 GEMM 512³ on one and two threads,
 * scratchnet WASM against TensorFlow.js WASM. Prints a table with ratios and the goals of issue 6.
 *
 * The network: 784-50-10, Affine → Sigmoid → Affine → softmax with cross-entropy, float32, weights
 * `0.01 * randn` from RandomState(seed) (W1 then W2, as the book), SGD with lr 0.1, batch 100, on the
 * 8000 training digits of the embedded MNIST (`loadMnist()`, labels as class indices). One step is the
 * book's loop body: draw the batch (`choice(8000, 100)` from RandomState(seed): the same indices in
 * every implementation), gather its rows, gradient, update, loss after the update (read as a number).
 * scratchnet runs it as `Trainer.step()` (which also evaluates accuracy on 100 + 100 samples every 80
 * steps, an epoch boundary: about 1% more work than the others do). Its WASM GEMM skips the zeros of
 * the input batch (MNIST is ~80% zeros; the results are the dense product's bit for bit, see
 * src/kernels/README.md): a second row times it with that sparse path off.
 *
 * Timing: rounds of steps after untimed warm-up steps; each figure is the median of the rounds'
 * steps/s (the best round in parentheses). The JavaScript implementations run in turns (one round of
 * each per turn) so that load from other processes falls on all of them alike; numpy runs in its own
 * process before and after them, and its rounds are pooled. The machine may be shared: the load
 * average is printed, and ratios are of medians from the same run.
 *
 * Options: --quick (fewer and shorter rounds), --json, --seed N (default 0), --no-numpy, --no-tfjs,
 * --no-relaxed (skip the child process that runs scratchnet with relaxed SIMD).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { loadMnist } from '../src/data/index.js';
import { getKernels, setBackend } from '../src/kernels/select.js';
import { WasmKernels } from '../src/kernels/wasm/kernels.js';
import { detectFeatures } from '../src/kernels/wasm/module.js';
import { MultiLayerNet } from '../src/nets/multi-layer-net.js';
import { SGD } from '../src/optim/sgd.js';
import { RandomState } from '../src/random/random-state.js';
import { Trainer } from '../src/train/trainer.js';

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(name);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const quick = flag('--quick');
const asJson = flag('--json');
const seed = option('--seed', 0);
const child = flag('--child');
const BATCH = 100;
const LR = 0.1;
const HIDDEN = 50;
/** Seconds per round, rounds per implementation, and the losses compared after this many steps. */
const ROUND_SECONDS = quick ? 0.25 : 0.6;
const ROUNDS = quick ? 5 : 11;
const CHECK_STEPS = 3;

/** Steps/s of each round, the loss after each round, and the losses of the first CHECK_STEPS steps. */
interface Runs {
  rates: number[];
  losses: number[];
  firstLosses: number[];
}

/** A training loop to time: `step()` runs one step and returns its loss. */
interface Contender {
  name: string;
  step: () => number;
  /** Called before each of this contender's rounds (to switch backends). */
  enter?: () => void | Promise<void>;
  runs: Runs;
  perRound: number;
}

const { xTrain, tTrain, xTest, tTest } = await loadMnist();
const trainSize = xTrain.shape[0];

// ------------------------------------------------------------------ scratchnet

/**
 * The network and trainer of one scratchnet contender (same seed: same weights and batches).
 * `sparse`: whether the WASM GEMM may skip the zeros of the input batch (its default; false times
 * the dense products only, for comparison; the results are the same bits).
 */
function scratchnetContender(name: string, backend: 'wasm' | 'ref', sparse = true): Contender {
  setBackend(backend);
  const net = new MultiLayerNet(784, [HIDDEN], 10, {
    activation: 'sigmoid',
    weightInitStd: 0.01,
    dtype: 'float32',
    rng: new RandomState(seed),
  });
  const trainer = new Trainer(net, xTrain, tTrain, xTest, tTest, {
    epochs: 1e9,
    miniBatchSize: BATCH,
    optimizer: new SGD({ lr: LR }),
    evaluateSampleNumPerEpoch: 100,
    verbose: false,
    rng: new RandomState(seed),
  });
  return {
    name,
    step: () => trainer.step().loss,
    enter: () => {
      const k = setBackend(backend);
      if (k instanceof WasmKernels) k.sparse = sparse;
    },
    runs: { rates: [], losses: [], firstLosses: [] },
    perRound: 1,
  };
}

// ------------------------------------------------------------------ TensorFlow.js

/**
 * The same network in TensorFlow.js's core API, with the book's backward pass written out in tf ops
 * (`tf.variableGrads` needs the gradient registrations of the `@tensorflow/tfjs` union package, which
 * is not installed; the hand-written pass is also the one with the fewest ops). Each step draws the
 * same batch indices, gathers rows with `tf.gather`, updates the variables with `assign`, and reads
 * the loss after the update with `dataSync()`, all inside `tf.tidy`.
 */
function tfContender(name: string): Contender {
  const init = new RandomState(seed);
  const w1 = init.randn(784, HIDDEN).mul(0.01).astype('float32');
  const w2 = init.randn(HIDDEN, 10).mul(0.01).astype('float32');
  const W1 = tf.variable(tf.tensor2d(w1.data as Float32Array, [784, HIDDEN]), true, `${name}W1`);
  const b1 = tf.variable(tf.zeros([HIDDEN]), true, `${name}b1`);
  const W2 = tf.variable(tf.tensor2d(w2.data as Float32Array, [HIDDEN, 10]), true, `${name}W2`);
  const b2 = tf.variable(tf.zeros([10]), true, `${name}b2`);
  const X = tf.tensor2d(xTrain.data as Float32Array, [trainSize, 784]);
  const T = tf.cast(tf.oneHot(tf.tensor1d(tTrain.data as Int32Array, 'int32'), 10), 'float32');
  const rng = new RandomState(seed);
  const scores = (x: tf.Tensor2D): tf.Tensor2D =>
    tf.add(tf.matMul(tf.sigmoid(tf.add(tf.matMul(x, W1), b1)), W2), b2);
  /** The book's loss: -mean(log(softmax(s)[label] + 1e-7)). */
  const lossOf = (s: tf.Tensor2D, t: tf.Tensor2D): tf.Scalar =>
    tf.neg(tf.mean(tf.log(tf.add(tf.sum(tf.mul(tf.softmax(s), t), 1), 1e-7)))) as tf.Scalar;
  const step = (): number => {
    const idx = rng.choice(trainSize, BATCH);
    return tf.tidy(() => {
      const i = tf.tensor1d(idx.data as Int32Array, 'int32');
      const x = tf.gather(X, i) as tf.Tensor2D;
      const t = tf.gather(T, i) as tf.Tensor2D;
      const z1 = tf.sigmoid(tf.add(tf.matMul(x, W1), b1));
      const y = tf.softmax(tf.add(tf.matMul(z1, W2), b2));
      const dy = tf.div(tf.sub(y, t), BATCH);
      const dW2 = tf.matMul(z1, dy, true, false);
      const db2 = tf.sum(dy, 0);
      const dz1 = tf.matMul(dy, W2, false, true);
      const da1 = tf.mul(tf.mul(dz1, tf.sub(1, z1)), z1);
      const dW1 = tf.matMul(x, da1, true, false);
      const db1 = tf.sum(da1, 0);
      W1.assign(tf.sub(W1, tf.mul(dW1, LR)));
      b1.assign(tf.sub(b1, tf.mul(db1, LR)));
      W2.assign(tf.sub(W2, tf.mul(dW2, LR)));
      b2.assign(tf.sub(b2, tf.mul(db2, LR)));
      return lossOf(scores(x), t).dataSync()[0];
    });
  };
  return { name, step, runs: { rates: [], losses: [], firstLosses: [] }, perRound: 1 };
}

// ------------------------------------------------------------------ timing

/** Runs CHECK_STEPS steps (recording their losses), warms up, and sizes a round. */
async function prepare(c: Contender): Promise<void> {
  await c.enter?.();
  for (let i = 0; i < CHECK_STEPS; i++) c.runs.firstLosses.push(c.step());
  const warm = performance.now() + (quick ? 300 : 1000);
  let n = 0;
  const t0 = performance.now();
  while (n < 3 || (performance.now() < warm && n < 5000)) {
    c.step();
    n++;
  }
  const perStep = (performance.now() - t0) / n / 1000;
  c.perRound = Math.max(2, Math.round(ROUND_SECONDS / perStep));
}

/** One round of `c`: steps/s, and the last loss. */
async function round(c: Contender): Promise<void> {
  await c.enter?.();
  let loss = 0;
  const t0 = performance.now();
  for (let i = 0; i < c.perRound; i++) loss = c.step();
  c.runs.rates.push(c.perRound / ((performance.now() - t0) / 1000));
  c.runs.losses.push(loss);
}

/** Rounds of all contenders in turns. */
async function turns(contenders: Contender[], rounds: number): Promise<void> {
  for (const c of contenders) await prepare(c);
  for (let r = 0; r < rounds; r++) for (const c of contenders) await round(c);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.floor(s.length / 2)];
}

// ------------------------------------------------------------------ child mode (relaxed SIMD)

if (child) {
  const c = scratchnetContender('child', 'wasm');
  await turns([c], ROUNDS);
  console.log(JSON.stringify({ runs: c.runs, relaxed: detectFeatures().relaxedSimd }));
  process.exit(0);
}

// ------------------------------------------------------------------ numpy

interface NumpyResult {
  numpy: string;
  threads: number | null;
  default: { rates: number[]; losses: number[]; first_losses: number[] };
  one_thread?: { rates: number[]; losses: number[]; first_losses: number[] };
}

const dir = mkdtempSync(join(tmpdir(), 'scratchnet-mlp-'));
const xFile = join(dir, 'x.f32');
const tFile = join(dir, 't.i32');
const x32 = xTrain.data as Float32Array;
const t32 = tTrain.data as Int32Array;
writeFileSync(xFile, new Uint8Array(x32.buffer, x32.byteOffset, x32.byteLength));
writeFileSync(tFile, new Uint8Array(t32.buffer, t32.byteOffset, t32.byteLength));

/** One session of the numpy benchmark (a separate process), or an error message. */
function numpySession(rounds: number): NumpyResult | string {
  const script = fileURLToPath(new URL('./mlp_numpy.py', import.meta.url));
  const cfg = {
    x: xFile,
    t: tFile,
    n: trainSize,
    seed,
    lr: LR,
    batch: BATCH,
    warmup: quick ? 100 : 300,
    rounds,
    steps: quick ? 150 : 400,
    check_steps: CHECK_STEPS,
    one_thread: true,
  };
  const r = spawnSync('python3', [script, JSON.stringify(cfg)], { encoding: 'utf8' });
  if (r.status !== 0)
    return `python3 failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`;
  return JSON.parse(r.stdout) as NumpyResult;
}

// ------------------------------------------------------------------ GEMM 512³

/**
 * scratchnet WASM on 1 and on 2 threads (resident arrays, separate kernels instances) against
 * TensorFlow.js WASM matMul (1 thread), f32 512³, in turns: seconds per call.
 */
function gemm512(): { scratchnet: number[]; scratchnet2: number[]; tfjs: number[] } {
  const N = 512;
  const fill = (a: Float32Array, s: number): Float32Array => {
    for (let i = 0; i < a.length; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      a[i] = s / 2 ** 32 - 0.5;
    }
    return a;
  };
  const product = (k: WasmKernels): (() => void) => {
    const [a, b, c] = [k.alloc('float32', N * N), k.alloc('float32', N * N), k.alloc('float32', N * N)];
    fill(a, 1);
    fill(b, 2);
    return () => k.gemm(false, false, N, N, N, 1, a, N, b, N, 0, c, N);
  };
  const ta = tf.tensor2d(fill(new Float32Array(N * N), 1), [N, N]);
  const tb = tf.tensor2d(fill(new Float32Array(N * N), 2), [N, N]);
  const fns = [
    product(new WasmKernels({ threads: 1 })),
    product(new WasmKernels({ threads: 2 })),
    () => tf.matMul(ta, tb).dataSync(),
  ];
  for (const f of fns) for (let i = 0; i < (quick ? 5 : 15); i++) f();
  const times: number[][] = [[], [], []];
  for (let r = 0; r < (quick ? 7 : 21); r++) {
    fns.forEach((f, i) => {
      const t0 = performance.now();
      for (let j = 0; j < 3; j++) f();
      times[i].push((performance.now() - t0) / 3000);
    });
  }
  return { scratchnet: times[0], scratchnet2: times[1], tfjs: times[2] };
}

// ------------------------------------------------------------------ run

const startLoad = loadavg().map((v) => v.toFixed(2));
const features = detectFeatures();
const log = console.log;
const warn = console.warn;
const progress = (s: string): void => {
  if (!asJson) process.stderr.write(`${s}\n`);
};

progress('numpy (first session) ...');
const np1 = flag('--no-numpy') ? 'skipped (--no-numpy)' : numpySession(Math.ceil(ROUNDS / 2));

const wasm = scratchnetContender('scratchnet wasm SIMD (Trainer.step)', 'wasm');
const wasmDense = scratchnetContender(
  'scratchnet wasm SIMD, dense GEMM only (sparse path off)',
  'wasm',
  false,
);
const ref = scratchnetContender('scratchnet ref TypeScript (Trainer.step)', 'ref');
const contenders: Contender[] = [wasm, wasmDense, ref];
let tfWasm: Contender | null = null;
let tfCpu: Contender | null = null;
let gemm: { scratchnet: number[]; scratchnet2: number[]; tfjs: number[] } | null = null;
if (!flag('--no-tfjs')) {
  const require = createRequire(import.meta.url);
  setWasmPaths(`${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  console.log = console.warn = () => {}; // tfjs advertises tfjs-node
  await tf.setBackend('wasm');
  [console.log, console.warn] = [log, warn];
  tfWasm = tfContender('TensorFlow.js wasm (XNNPACK, SIMD), core API');
  contenders.push(tfWasm);
}
setBackend('wasm');
progress('scratchnet and TensorFlow.js wasm, in turns ...');
await turns(contenders, ROUNDS);
if (!flag('--no-tfjs')) {
  progress('f32 GEMM 512³ ...');
  setBackend('wasm');
  gemm = gemm512();
  progress('TensorFlow.js cpu ...');
  console.log = console.warn = () => {}; // tfjs advertises tfjs-node again on the cpu backend
  await tf.setBackend('cpu');
  tfCpu = tfContender('TensorFlow.js cpu (JavaScript), core API');
  await turns([tfCpu], quick ? 3 : 5);
  [console.log, console.warn] = [log, warn];
}
progress('numpy (second session) ...');
const np2 = flag('--no-numpy') ? np1 : numpySession(Math.floor(ROUNDS / 2) + 1);

let relaxed: { runs: Runs; relaxed: boolean } | string | null = null;
if (!flag('--no-relaxed') && !features.relaxedSimd) {
  progress('scratchnet wasm relaxed SIMD (child process) ...');
  const script = fileURLToPath(import.meta.url);
  const r = spawnSync(
    process.execPath,
    [
      '--experimental-wasm-relaxed-simd',
      '--import',
      'tsx',
      script,
      '--child',
      '--seed',
      String(seed),
      ...(quick ? ['--quick'] : []),
    ],
    { encoding: 'utf8' },
  );
  relaxed =
    r.status === 0
      ? (JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { runs: Runs; relaxed: boolean })
      : `failed: ${r.stderr.trim().split('\n')[0]}`;
}
rmSync(dir, { recursive: true, force: true });

// ------------------------------------------------------------------ report

interface Row {
  name: string;
  rates: number[];
  firstLosses: number[];
  losses: number[];
  note?: string;
}
const rows: Row[] = [];
const add = (c: Contender | null, note?: string): void => {
  if (c)
    rows.push({
      name: c.name,
      rates: c.runs.rates,
      firstLosses: c.runs.firstLosses,
      losses: c.runs.losses,
      note,
    });
};
add(wasm, `Node ${process.version}, plain SIMD`);
add(
  wasmDense,
  wasmDense.runs.firstLosses.every((l, i) => Object.is(l, wasm.runs.firstLosses[i]))
    ? `first ${CHECK_STEPS} losses bit-identical to the sparse path's`
    : 'losses DIFFER from the sparse path',
);
if (relaxed !== null && typeof relaxed !== 'string' && relaxed.relaxed) {
  rows.push({
    name: 'scratchnet wasm relaxed SIMD (FMA)',
    rates: relaxed.runs.rates,
    firstLosses: relaxed.runs.firstLosses,
    losses: relaxed.runs.losses,
    note: 'child process: node --experimental-wasm-relaxed-simd (separate timing)',
  });
}
add(ref);
const npErrors: string[] = [];
const pool = (key: 'default' | 'one_thread'): Row | null => {
  const sessions = [np1, np2].filter((s): s is NumpyResult => typeof s !== 'string');
  for (const s of [np1, np2]) if (typeof s === 'string' && !npErrors.includes(s)) npErrors.push(s);
  const parts = sessions.map((s) => s[key]).filter((p) => p !== undefined);
  if (parts.length === 0) return null;
  const first = sessions[0];
  return {
    name:
      key === 'default'
        ? `numpy ${first.numpy}, the book's code (OpenBLAS ${first.threads ?? '?'} threads, as installed)`
        : 'numpy, the same, OpenBLAS limited to 1 thread',
    rates: parts.flatMap((p) => p!.rates),
    firstLosses: parts[0]!.first_losses,
    losses: parts.flatMap((p) => p!.losses),
    note: key === 'one_thread' ? 'openblas_set_num_threads(1) in-process' : undefined,
  };
};
const npDefault = pool('default');
const npOne = pool('one_thread');
if (npDefault) rows.push(npDefault);
if (npOne) rows.push(npOne);
add(tfWasm, '1 thread');
add(tfCpu);

const rate = (r: Row | null | undefined): number => (r ? median(r.rates) : Number.NaN);
const tfWasmRate = tfWasm ? median(tfWasm.runs.rates) : Number.NaN;
const ours = rate(rows[0]);
const npRate = rate(npDefault);
const npOneRate = rate(npOne);
const gemmScratch = gemm ? median(gemm.scratchnet) : Number.NaN;
const gemmTf = gemm ? median(gemm.tfjs) : Number.NaN;
const gemmScratch2 = gemm ? median(gemm.scratchnet2) : Number.NaN;
const gflops = (s: number): number => (2 * 512 ** 3) / s / 1e9;
const endLoad = loadavg().map((v) => v.toFixed(2));

const goals = [
  {
    goal: 'MLP training steps/s >= 1.0x numpy (as installed)',
    ratio: ours / npRate,
    target: 1,
  },
  { goal: 'MLP training steps/s >= 8x TensorFlow.js wasm', ratio: ours / tfWasmRate, target: 8 },
  { goal: 'f32 GEMM 512³, 1 thread >= 1.0x TensorFlow.js wasm', ratio: gemmTf / gemmScratch, target: 1 },
  {
    goal: 'f32 GEMM 512³, 2 threads > the 1-thread ratio',
    ratio: gemmTf / gemmScratch2,
    target: gemmTf / gemmScratch,
  },
];

if (asJson) {
  log(
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        cpu: cpus()[0]?.model,
        cores: availableParallelism(),
        features,
        loadStart: startLoad,
        loadEnd: endLoad,
        rows: rows.map((r) => ({ ...r, median: rate(r) })),
        numpyErrors: npErrors,
        relaxed: typeof relaxed === 'string' ? relaxed : undefined,
        gemm512: gemm && {
          scratchnetSeconds: gemm.scratchnet,
          scratchnet2ThreadsSeconds: gemm.scratchnet2,
          tfjsSeconds: gemm.tfjs,
        },
        goals,
      },
      null,
      1,
    ),
  );
} else {
  log(
    `MLP 784-${HIDDEN}-10 sigmoid, batch ${BATCH}, SGD lr ${LR}, float32, embedded MNIST (${trainSize} digits), seed ${seed}`,
  );
  log(
    `${new Date().toISOString().slice(0, 10)}, ${cpus()[0]?.model ?? '?'} (${availableParallelism()} cores), Node ${process.version}, TensorFlow.js ${tf.version_core}`,
  );
  log(
    `runtime: SIMD ${features.simd}, relaxed SIMD ${features.relaxedSimd}, shared memory ${features.sharedMemory}; load average ${startLoad.join(' ')} at the start, ${endLoad.join(' ')} at the end\n`,
  );
  const head = `${'implementation'.padEnd(72)} ${'steps/s'.padStart(8)} ${'(best)'.padStart(8)} ${'x numpy'.padStart(8)} ${'x numpy 1t'.padStart(10)} ${'x tfjs-wasm'.padStart(11)}  loss@${CHECK_STEPS}`;
  log(head);
  log('-'.repeat(head.length));
  for (const r of rows) {
    const m = rate(r);
    const best = Math.max(...r.rates);
    const cell = (v: number, w: number): string =>
      (Number.isFinite(v) ? v.toFixed(v < 10 ? 2 : 1) : '-').padStart(w);
    log(
      `${r.name.padEnd(72)} ${cell(m, 8)} ${cell(best, 8)} ${cell(m / npRate, 8)} ${cell(m / npOneRate, 10)} ${cell(m / tfWasmRate, 11)}  ${r.firstLosses.at(-1)?.toFixed(6) ?? '-'}${r.note ? `   (${r.note})` : ''}`,
    );
  }
  for (const e of npErrors) log(`numpy: ${e}`);
  if (typeof relaxed === 'string') log(`relaxed SIMD child: ${relaxed}`);
  if (gemm) {
    log(
      `\nf32 GEMM 512³ (median of turns): scratchnet wasm 1 thread ${gflops(gemmScratch).toFixed(1)} GFLOP/s (${(gemmTf / gemmScratch).toFixed(2)}x), ` +
        `2 threads ${gflops(gemmScratch2).toFixed(1)} GFLOP/s (${(gemmTf / gemmScratch2).toFixed(2)}x), TensorFlow.js wasm (1 thread) ${gflops(gemmTf).toFixed(1)} GFLOP/s`,
    );
  }
  log('\ngoals of issue 6 (ratios of medians in this run):');
  for (const g of goals) {
    const ok = Number.isFinite(g.ratio) ? (g.ratio >= g.target ? 'met' : 'MISSED') : 'not measured';
    log(`  ${g.goal.padEnd(68)} ${Number.isFinite(g.ratio) ? `${g.ratio.toFixed(2)}x` : '-'}  ${ok}`);
  }
  log(
    `\nloss@${CHECK_STEPS}: the loss after ${CHECK_STEPS} steps from the same weights on the same batches (float32: equal to ~1e-6 across implementations).`,
  );
}
