/**
 * scratchnet against the book's own numpy code (bench/book/*.py), trained on the same digits with the
 * same seed and hyperparameters, in one run:
 *   a  TwoLayerNet(784, 50, 10), chapter 5 settings: batch 100, SGD lr 0.1 (ch05/train_neuralnet.py)
 *   b  MultiLayerNet(784, [100, 100, 100], 10), ReLU + He, Adam lr 0.001, batch 100, with the Trainer
 *      (evaluateSampleNumPerEpoch 1000)
 * Both run `--iters` steps (default 2000 = 25 epochs of the 8,000 training digits).
 *
 * How the two sides see the same thing:
 * - data: the embedded digits (`loadMnist`, 8,000 train / 2,000 test) are dumped as uint8 `.npy`
 *   files to bench/book/.cache/ (git-ignored) and numpy normalises them as the book's load_mnist
 *   (`astype(float32) / 255.0`); the SHA-256 of both sides' float32 training images is compared;
 * - randomness: numpy runs `np.random.seed(seed)`, scratchnet a `RandomState(seed)` (bit-identical
 *   to numpy's legacy generator) used for the initial weights and then the mini-batches, in the
 *   book's order; the SHA-256 of the initial float64 W1 and the sum of every mini-batch index drawn
 *   are compared;
 * - precision: scratchnet trains in float32 (its default; its initial weights are numpy's float64
 *   weights rounded once), numpy in float64 (the book's weights are float64). The trajectories
 *   therefore drift apart slightly; the goal is final test accuracies within 1 percentage point.
 *   `--float64` adds a scratchnet run in float64, whose trajectory should follow numpy's closely.
 *
 * Time per step: (a) the training steps only (draw, gather, gradient, update, loss), excluding the
 * per-epoch accuracy on the full sets; (b) the Trainer's whole `train()` divided by its steps
 * (including its per-epoch evaluation on 1,000 + 1,000 samples). Both CPU time (user + system of the
 * process: what the ratio uses, as it barely depends on how busy the machine is) and wall time. The two sides run one after the
 * other, never at the same time. numpy's BLAS runs on one thread (OPENBLAS_NUM_THREADS=1 and the like),
 * as scratchnet does: on a shared, loaded machine a multi-threaded OpenBLAS was 5 to 10 times slower
 * on these small matrices (threads waiting for busy cores); `--numpy-threads N` sets another count,
 * `--numpy-threads default` leaves the environment untouched.
 *
 * Run: npx tsx bench/book/compare.ts [--iters 2000] [--seed 0] [--float64] [--experiments a,b]
 *      [--numpy-threads 1]
 * Exit status 1 if a scratchnet float32 test accuracy is more than 1 point from numpy's.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type ChoiceOptions,
  loadMnist,
  MultiLayerNet,
  pyFloat,
  RandomState,
  SGD,
  type Size,
  type Tensor,
  Trainer,
  TwoLayerNet,
  take,
} from '../../src/index.js';

/** Where the dumped digits go (git-ignored through bench/book/.gitignore). */
export const CACHE_DIR = fileURLToPath(new URL('./.cache/', import.meta.url));

/** A `.npy` file (format 1.0) holding uint8 `data` of `shape`, C order. */
export function npyUint8(data: Uint8Array, shape: readonly number[]): Buffer {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '|u1', 'fortran_order': False, 'shape': (${dims}), }`;
  const unpadded = 10 + header.length + 1;
  header += `${' '.repeat((64 - (unpadded % 64)) % 64)}\n`;
  const preamble = Buffer.alloc(10);
  preamble.write('\x93NUMPY', 0, 'latin1');
  preamble[6] = 1;
  preamble[7] = 0;
  preamble.writeUInt16LE(header.length, 8);
  return Buffer.concat([
    preamble,
    Buffer.from(header, 'latin1'),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength),
  ]);
}

/**
 * Writes the embedded split (`loadMnist({ normalize: false })`) as `x_train.npy` (8000, 784) uint8,
 * `t_train.npy` (8000,) uint8, `x_test.npy`, `t_test.npy` into `dir`.
 */
export async function dumpEmbeddedDigits(dir = CACHE_DIR): Promise<void> {
  const d = await loadMnist({ normalize: false });
  mkdirSync(dir, { recursive: true });
  const files: [string, Tensor][] = [
    ['x_train', d.xTrain],
    ['t_train', d.tTrain],
    ['x_test', d.xTest],
    ['t_test', d.tTest],
  ];
  for (const [name, t] of files) {
    const bytes = t.dtype === 'uint8' ? (t.data as Uint8Array) : Uint8Array.from(t.toFlatArray());
    writeFileSync(`${dir}/${name}.npy`, npyUint8(bytes, t.shape));
  }
}

function sha256(t: Tensor): string {
  const a = t.copy().data;
  return createHash('sha256')
    .update(Buffer.from(a.buffer, a.byteOffset, a.byteLength))
    .digest('hex');
}

/** A RandomState that adds up every index `choice` draws (the fingerprint of the batch stream). */
class RecordingRandomState extends RandomState {
  indexSum = 0;
  first: number[] | null = null;
  override choice(a: number | ArrayLike<number> | Tensor, size?: undefined, options?: ChoiceOptions): number;
  override choice(a: number | ArrayLike<number> | Tensor, size: Size, options?: ChoiceOptions): Tensor;
  override choice(
    a: number | ArrayLike<number> | Tensor,
    size?: Size,
    options?: ChoiceOptions,
  ): number | Tensor;
  override choice(
    a: number | ArrayLike<number> | Tensor,
    size?: Size,
    options?: ChoiceOptions,
  ): number | Tensor {
    const r = super.choice(a, size, options);
    const values = typeof r === 'number' ? [r] : r.toFlatArray();
    if (this.first === null) this.first = values.slice(0, 5);
    for (const v of values) this.indexSum += v;
    return r;
  }
}

/** One side's result of one experiment (the JSON train_reference.py prints, and ours). */
export interface RunResult {
  experiment: string;
  steps: number;
  trainAcc: number;
  testAcc: number;
  /** Wall-clock seconds per step. */
  secondsPerStep: number;
  /** CPU seconds (user + system, the whole process) per step: less sensitive to a loaded machine. */
  cpuSecondsPerStep: number;
  trainAccList: number[];
  testAccList: number[];
  lossFirst: number[];
  lossLast: number | null;
  initW1Sha256: string;
  firstBatch: number[] | null;
  batchIndexSum: number;
  xTrainSha256: string;
  numpy?: string;
}

/** CPU seconds used by this process so far (user + system, all threads). */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * The book's load_mnist(normalize=True): float32 pixels (and labels, one-hot or int32). For a float64
 * run they are cast to float64, which is what numpy computes with when it meets float64 weights.
 */
async function bookData(oneHotLabel: boolean, dtype: 'float32' | 'float64') {
  const d = await loadMnist({ oneHotLabel });
  if (dtype === 'float32') return d;
  const cast = (t: Tensor) => (t.dtype === 'float32' ? t.astype('float64') : t);
  return { xTrain: cast(d.xTrain), tTrain: cast(d.tTrain), xTest: cast(d.xTest), tTest: cast(d.tTest) };
}

/** Experiment a in scratchnet: the book's ch05/train_neuralnet.py loop, quietly. */
export async function scratchnetA(
  iters: number,
  seed: number,
  dtype: 'float32' | 'float64',
): Promise<RunResult> {
  const { xTrain, tTrain, xTest, tTest } = await bookData(true, dtype);
  const rng = new RecordingRandomState(seed);
  const initW1Sha256 = sha256(new TwoLayerNet(784, 50, 10, { rng: new RandomState(seed) }).params.W1);
  const network = new TwoLayerNet(784, 50, 10, { rng, dtype });
  const optimizer = new SGD({ lr: 0.1 }); // the book's `params[key] -= learning_rate * grad[key]`
  const trainSize = xTrain.shape[0];
  const batchSize = 100;
  const iterPerEpoch = Math.max(trainSize / batchSize, 1);
  const losses: number[] = [];
  const trainAccList: number[] = [];
  const testAccList: number[] = [];
  let stepMs = 0;
  let stepCpu = 0;
  for (let i = 0; i < iters; i++) {
    const start = performance.now();
    const cpuStart = cpuSeconds();
    const batchMask = rng.choice(trainSize, batchSize);
    const xBatch = take(xTrain, batchMask, { axis: 0 });
    const tBatch = take(tTrain, batchMask, { axis: 0 });
    const grad = network.gradient(xBatch, tBatch);
    optimizer.update(network.params, grad);
    losses.push(network.loss(xBatch, tBatch));
    stepMs += performance.now() - start;
    stepCpu += cpuSeconds() - cpuStart;
    if (i % iterPerEpoch === 0) {
      trainAccList.push(network.accuracy(xTrain, tTrain));
      testAccList.push(network.accuracy(xTest, tTest));
    }
  }
  return {
    experiment: 'a',
    steps: iters,
    trainAcc: network.accuracy(xTrain, tTrain),
    testAcc: network.accuracy(xTest, tTest),
    secondsPerStep: stepMs / 1000 / Math.max(iters, 1),
    cpuSecondsPerStep: stepCpu / Math.max(iters, 1),
    trainAccList,
    testAccList,
    lossFirst: losses.slice(0, 3),
    lossLast: losses.length > 0 ? losses[losses.length - 1] : null,
    initW1Sha256,
    firstBatch: rng.first,
    batchIndexSum: rng.indexSum,
    xTrainSha256: sha256(xTrain.astype('float32')),
  };
}

/** Experiment b in scratchnet: MultiLayerNet + Adam through the Trainer, quietly. */
export async function scratchnetB(
  iters: number,
  seed: number,
  dtype: 'float32' | 'float64',
): Promise<RunResult> {
  const { xTrain, tTrain, xTest, tTest } = await bookData(false, dtype);
  const rng = new RecordingRandomState(seed);
  const sizes = [100, 100, 100];
  const initW1Sha256 = sha256(new MultiLayerNet(784, sizes, 10, { rng: new RandomState(seed) }).params.W1);
  const network = new MultiLayerNet(784, sizes, 10, { rng, dtype });
  const iterPerEpoch = Math.max(xTrain.shape[0] / 100, 1);
  const trainer = new Trainer(network, xTrain, tTrain, xTest, tTest, {
    epochs: iters / iterPerEpoch,
    miniBatchSize: 100,
    optimizer: 'Adam',
    optimizerParam: { lr: 0.001 },
    evaluateSampleNumPerEpoch: 1000,
    verbose: false,
    rng,
  });
  const start = performance.now();
  const cpuStart = cpuSeconds();
  trainer.train();
  const seconds = (performance.now() - start) / 1000;
  const cpu = cpuSeconds() - cpuStart;
  const losses = trainer.trainLossList;
  return {
    experiment: 'b',
    steps: trainer.maxIter,
    trainAcc: network.accuracy(xTrain, tTrain),
    testAcc: network.accuracy(xTest, tTest),
    secondsPerStep: seconds / Math.max(trainer.maxIter, 1),
    cpuSecondsPerStep: cpu / Math.max(trainer.maxIter, 1),
    trainAccList: [...trainer.trainAccList],
    testAccList: [...trainer.testAccList],
    lossFirst: losses.slice(0, 3),
    lossLast: losses.length > 0 ? losses[losses.length - 1] : null,
    initW1Sha256,
    firstBatch: rng.first,
    batchIndexSum: rng.indexSum,
    xTrainSha256: sha256(xTrain.astype('float32')),
  };
}

/** Runs train_reference.py (the book's code) and returns its results by experiment. */
export function runNumpy(
  iters: number,
  seed: number,
  experiments: string[],
  threads: number | 'default' = 1,
): Record<string, RunResult> {
  const script = fileURLToPath(new URL('./train_reference.py', import.meta.url));
  const env = { ...process.env };
  if (threads !== 'default') {
    for (const k of ['OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS']) env[k] = String(threads);
  }
  const r = spawnSync(
    'python3',
    [
      script,
      '--iters',
      String(iters),
      '--seed',
      String(seed),
      '--experiments',
      experiments.join(','),
      '--data',
      CACHE_DIR,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20, env },
  );
  if (r.error) throw new Error(`could not run python3: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`train_reference.py failed with status ${r.status}`);
  const out: Record<string, RunResult> = {};
  for (const line of r.stdout.split('\n')) {
    if (line.trim().startsWith('{')) {
      const res = JSON.parse(line) as RunResult;
      out[res.experiment] = res;
    }
  }
  return out;
}

const NAMES: Record<string, string> = {
  a: 'TwoLayerNet 784-50-10, SGD lr 0.1 (ch. 5)',
  b: 'MultiLayerNet 784-[100,100,100]-10, Adam lr 0.001 (Trainer)',
};

const ms = (s: number) => `${(s * 1000).toFixed(2)} ms`;
const pct = (a: number) => `${(a * 100).toFixed(2)} %`;

function maxCurveDiff(a: number[], b: number[]): number {
  let m = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function cli(): Promise<void> {
  const { values } = parseArgs({
    options: {
      iters: { type: 'string', default: '2000' },
      seed: { type: 'string', default: '0' },
      experiments: { type: 'string', default: 'a,b' },
      float64: { type: 'boolean', default: false },
      'numpy-threads': { type: 'string', default: '1' },
    },
  });
  const threadsArg = values['numpy-threads'];
  const threads = threadsArg === 'default' ? 'default' : Number(threadsArg);
  if (threads !== 'default' && (!Number.isInteger(threads) || threads < 1)) {
    throw new RangeError(`--numpy-threads: expected an integer >= 1 or 'default', got ${threadsArg}`);
  }
  const iters = Number(values.iters);
  const seed = Number(values.seed);
  if (!Number.isInteger(iters) || iters < 1)
    throw new RangeError(`--iters: expected an integer >= 1, got ${values.iters}`);
  if (!Number.isInteger(seed) || seed < 0)
    throw new RangeError(`--seed: expected an integer >= 0, got ${values.seed}`);
  const experiments = values.experiments.split(',').map((e) => e.trim());
  for (const e of experiments)
    if (!(e in NAMES)) throw new RangeError(`--experiments: unknown '${e}', expected a and/or b`);

  await dumpEmbeddedDigits();
  console.error(`numpy (the book's code): ${iters} steps per experiment ...`);
  const np = runNumpy(iters, seed, experiments, threads);
  const ours: Record<string, RunResult> = {};
  const ours64: Record<string, RunResult> = {};
  for (const e of experiments) {
    console.error(`scratchnet float32: experiment ${e} ...`);
    ours[e] =
      e === 'a' ? await scratchnetA(iters, seed, 'float32') : await scratchnetB(iters, seed, 'float32');
    if (values.float64) {
      console.error(`scratchnet float64: experiment ${e} ...`);
      ours64[e] =
        e === 'a' ? await scratchnetA(iters, seed, 'float64') : await scratchnetB(iters, seed, 'float64');
    }
  }

  const date = new Date().toISOString().slice(0, 10);
  console.log(
    `scratchnet vs numpy (the book's code), ${date}, node ${process.version}, numpy ${np[experiments[0]]?.numpy ?? '?'}, ` +
      `BLAS threads ${threads}, ${iters} steps, seed ${seed}, embedded digits 8000 train / 2000 test`,
  );
  console.log(
    `load average at the end: ${loadavg()
      .map((v) => v.toFixed(2))
      .join(', ')} (${cpus().length} cores)`,
  );
  console.log('');
  console.log(
    '| experiment | side | test acc | train acc | diff vs numpy (pp) | max diff, per-epoch test acc (pp) | CPU time per step | vs numpy (CPU) | wall time per step |',
  );
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  let failed = false;
  for (const e of experiments) {
    const ref = np[e];
    const rows: [string, RunResult][] = [
      ['numpy float64', ref],
      ['scratchnet float32', ours[e]],
    ];
    if (ours64[e]) rows.push(['scratchnet float64', ours64[e]]);
    for (const [side, r] of rows) {
      const isRef = r === ref;
      const diff = (r.testAcc - ref.testAcc) * 100;
      if (side === 'scratchnet float32' && Math.abs(diff) > 1) failed = true;
      const cells = [
        `${e}: ${NAMES[e]}`,
        side,
        pct(r.testAcc),
        pct(r.trainAcc),
        isRef ? '' : `${diff >= 0 ? '+' : ''}${diff.toFixed(2)}`,
        isRef ? '' : (maxCurveDiff(r.testAccList, ref.testAccList) * 100).toFixed(2),
        ms(r.cpuSecondsPerStep),
        isRef ? '1x' : `${(r.cpuSecondsPerStep / ref.cpuSecondsPerStep).toFixed(2)}x`,
        ms(r.secondsPerStep),
      ];
      console.log(`| ${cells.join(' | ')} |`);
    }
  }
  console.log('');
  for (const e of experiments) {
    const ref = np[e];
    const same = (k: 'xTrainSha256' | 'initW1Sha256' | 'batchIndexSum') =>
      [ours[e], ours64[e]].filter(Boolean).every((r) => r[k] === ref[k]) ? 'identical' : 'DIFFERENT';
    console.log(
      `${e}: training images ${same('xTrainSha256')}, initial W1 ${same('initW1Sha256')}, ` +
        `mini-batch indices ${same('batchIndexSum')} (first batch starts ${JSON.stringify(ref.firstBatch)}); ` +
        `first losses numpy ${ref.lossFirst.map(pyFloat).join(', ')} / scratchnet float32 ${ours[e].lossFirst.map(pyFloat).join(', ')}`,
    );
  }
  if (failed) {
    console.log('\nFAIL: a scratchnet float32 test accuracy is more than 1 percentage point from numpy');
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await cli();
