/**
 * Chapter 6: initial weight scales — the activations they produce, and how training starts.
 * Mirrors two scripts of the book:
 * 1. `ch06/weight_init_activation_histogram.py`: 1,000 random inputs (randn) through 5 layers of 100
 *    units with weights `randn(100, 100) * scale` and no bias. The book draws histograms of each
 *    layer's activations on (0, 1) for sigmoid with std 1, std 0.01 and Xavier (`sqrt(1 / n)`), and
 *    for ReLU with std 0.01, Xavier and He (`sqrt(2 / n)`) (the script shows one of them, with the
 *    others left as comments to try). Here all six, each layer as a 20-bin text histogram over [0, 1]
 *    (bar heights relative to that layer's tallest bin; values outside [0, 1] are not counted, as
 *    `plt.hist(..., range=(0, 1))`), with the mean and standard deviation of the activations. ReLU's
 *    exact zeros (about half of its outputs) are left out of the bars and given as a share, the way
 *    the book's `ylim(0, 7000)` cuts that spike off its plots.
 * 2. `ch06/weight_init_compare.py`: three `MultiLayerNet(784, [100, 100, 100, 100], 10)` (ReLU) with
 *    `weightInitStd` 0.01, 'sigmoid' (Xavier) and 'relu' (He), SGD lr 0.01, shared mini-batches of
 *    128, and every 100 iterations `===========iteration:N===========` then `std=0.01:loss`,
 *    `Xavier:loss`, `He:loss`.
 *
 * What differs from the book: the embedded digits (8,000 train / 2,000 test); float32 training
 * (`--float64`; the histograms are float64, as the book's); seeded (`random.seed(0)`, `--seed`);
 * text histograms instead of plots; a last block with each net's mean loss over the last 100
 * iterations and its test accuracy. The book's 2,000 iterations take about a minute here (`--iters`).
 *
 * Run: npx tsx examples/ch6-weight-init-compare.ts [--iters 2000] [--seed 0] [--float64]
 */
import {
  loadMnist,
  MultiLayerNet,
  pyFloat,
  random,
  relu,
  SGD,
  sigmoid,
  type Tensor,
  take,
  type WeightInitStd,
} from '../src/index.js';
import { isMain, parseItersSeedArgs } from './common.js';

/** Options of {@link main}. */
export interface WeightInitOptions {
  /** Training iterations (the book's `max_iterations`); default 2000, as the book. */
  iters?: number;
  /** Seed of the global `random`; default 0. */
  seed?: number;
  /**
   * Parameter precision: 'float32' (default) or 'float64', the book's (with the book's float32 pixels
   * promoted, as numpy does), whose lines bench/book/examples_reference.py reproduces with numpy.
   */
  dtype?: 'float32' | 'float64';
  /** Hidden layers of the trained nets (the book: [100, 100, 100, 100]); smaller is faster, for tests. */
  hiddenSizeList?: number[];
  /** Where lines go; default `console.log`. */
  log?: (line: string) => void;
}

/** Per activation/scale: each layer's activation mean and std; per init: losses and test accuracy. */
export interface WeightInitResult {
  activations: Record<string, { mean: number; std: number }[]>;
  training: Record<string, { trainLoss: number[]; testAcc: number }>;
}

const BARS = ' ▁▂▃▄▅▆▇█';

/**
 * A 20-bin histogram of the nonzero values of `a` in [0, 1] as a bar string (heights relative to the
 * tallest bin), and the share of exact zeros.
 */
function textHistogram(a: Tensor, bins = 20): { bars: string; zeros: number } {
  const counts = new Array<number>(bins).fill(0);
  const values = a.toFlatArray();
  let zeros = 0;
  for (const v of values) {
    if (v === 0) zeros++;
    else if (v > 0 && v <= 1) counts[Math.min(Math.floor(v * bins), bins - 1)]++;
  }
  const top = Math.max(...counts, 1);
  const bars = counts.map((c) => (c === 0 ? ' ' : BARS[Math.max(1, Math.round((c / top) * 8))])).join('');
  return { bars, zeros: zeros / values.length };
}

/** The book's weight_init_activation_histogram.py for one activation and weight scale. */
function activationHistograms(
  activation: 'sigmoid' | 'relu',
  scale: number,
  log: (line: string) => void,
): { mean: number; std: number }[] {
  const inputData = random.randn(1000, 100) as Tensor;
  const nodeNum = 100;
  const hiddenLayerSize = 5;
  const out: { mean: number; std: number }[] = [];
  let x = inputData;
  for (let i = 0; i < hiddenLayerSize; i++) {
    const w = (random.randn(nodeNum, nodeNum) as Tensor).mul(scale);
    const a = x.dot(w);
    const z = activation === 'sigmoid' ? sigmoid(a) : relu(a);
    x = z;
    const stats = { mean: z.mean().item(), std: z.std().item() };
    out.push(stats);
    const { bars, zeros } = textHistogram(z);
    const zeroShare = activation === 'relu' ? `, zeros ${(zeros * 100).toFixed(0)} %` : '';
    log(`  ${i + 1}-layer |${bars}| mean ${stats.mean.toFixed(3)}, std ${stats.std.toFixed(3)}${zeroShare}`);
  }
  return out;
}

export async function main(options: WeightInitOptions = {}): Promise<WeightInitResult> {
  const {
    iters = 2000,
    seed = 0,
    hiddenSizeList = [100, 100, 100, 100],
    dtype = 'float32',
    log = console.log,
  } = options;
  random.seed(seed);

  // 1. weight_init_activation_histogram.py ==========
  const activations: WeightInitResult['activations'] = {};
  const n = 100;
  const cases: [string, 'sigmoid' | 'relu', number][] = [
    ['sigmoid, std=1', 'sigmoid', 1],
    ['sigmoid, std=0.01', 'sigmoid', 0.01],
    ['sigmoid, Xavier', 'sigmoid', Math.sqrt(1.0 / n)],
    ['ReLU, std=0.01', 'relu', 0.01],
    ['ReLU, Xavier', 'relu', Math.sqrt(1.0 / n)],
    ['ReLU, He', 'relu', Math.sqrt(2.0 / n)],
  ];
  for (const [name, activation, scale] of cases) {
    log(`=== activations on [0, 1], ${name} ===`);
    activations[name] = activationHistograms(activation, scale, log);
  }

  // 2. weight_init_compare.py ==========
  const raw = await loadMnist({ normalize: true });
  // float64: the book's float32 pixels in float64 arithmetic, as numpy promotes them
  const [xTrain, tTrain, xTest, tTest] = [raw.xTrain, raw.tTrain, raw.xTest, raw.tTest].map((t) =>
    dtype === 'float64' && t.dtype === 'float32' ? t.astype('float64') : t,
  );
  const trainSize = xTrain.shape[0];
  const batchSize = 128;
  const maxIterations = iters;

  const weightInitTypes: Record<string, WeightInitStd> = { 'std=0.01': 0.01, Xavier: 'sigmoid', He: 'relu' };
  const optimizer = new SGD({ lr: 0.01 });

  const networks: Record<string, MultiLayerNet> = {};
  const trainLoss: Record<string, number[]> = {};
  for (const [key, weightType] of Object.entries(weightInitTypes)) {
    networks[key] = new MultiLayerNet(784, hiddenSizeList, 10, {
      weightInitStd: weightType,
      dtype,
    });
    trainLoss[key] = [];
  }

  for (let i = 0; i < maxIterations; i++) {
    const batchMask = random.choice(trainSize, batchSize);
    const xBatch = take(xTrain, batchMask, { axis: 0 });
    const tBatch = take(tTrain, batchMask, { axis: 0 });

    for (const key of Object.keys(weightInitTypes)) {
      const grads = networks[key].gradient(xBatch, tBatch);
      optimizer.update(networks[key].params, grads);
      trainLoss[key].push(networks[key].loss(xBatch, tBatch));
    }

    if (i % 100 === 0) {
      log(`===========iteration:${i}===========`);
      for (const key of Object.keys(weightInitTypes)) log(`${key}:${pyFloat(trainLoss[key][i])}`);
    }
  }

  const training: WeightInitResult['training'] = {};
  log(`=========== after ${maxIterations} iterations: mean loss of the last 100, test acc ===========`);
  for (const key of Object.keys(weightInitTypes)) {
    const last = trainLoss[key].slice(-100);
    const mean = last.reduce((a, b) => a + b, 0) / Math.max(last.length, 1);
    const testAcc = networks[key].accuracy(xTest, tTest);
    training[key] = { trainLoss: trainLoss[key], testAcc };
    log(`${key}: loss ${mean.toFixed(4)}, test acc ${pyFloat(testAcc)}`);
  }
  return { activations, training };
}

if (isMain(import.meta.url)) {
  await main(parseItersSeedArgs());
}
