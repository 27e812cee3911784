/**
 * Chapter 6: SGD, Momentum, AdaGrad and Adam on the same net and the same mini-batches.
 * Mirrors the book's `ch06/optimizer_compare_mnist.py`: four `MultiLayerNet(784, [100, 100, 100, 100], 10)`
 * (ReLU, He init), each with its optimizer at the book's defaults (SGD lr 0.01, Momentum lr 0.01
 * momentum 0.9, AdaGrad lr 0.01, Adam lr 0.001), mini-batches of 128 shared by the four, and every
 * 100 iterations the block `===========iteration:N===========` with each optimizer's `Name:loss`
 * (the loss on that iteration's mini-batch).
 *
 * What differs from the book:
 * - the data are the embedded digits (8,000 train / 2,000 test; see `src/data/mnist.ts`);
 * - parameters are float32 (the book's are float64; `--float64`);
 * - seeded (`random.seed(0)`, `--seed`); the book is not seeded;
 * - instead of the book's plot of smoothed losses, a last block with each optimizer's mean loss over
 *   the last 100 iterations and its test accuracy.
 *
 * Run: npx tsx examples/ch6-optimizer-compare.ts [--iters 2000] [--seed 0] [--float64]
 */
import {
  AdaGrad,
  Adam,
  loadMnist,
  Momentum,
  MultiLayerNet,
  type Optimizer,
  pyFloat,
  random,
  SGD,
  take,
} from '../src/index.js';
import { isMain, parseItersSeedArgs } from './common.js';

/** Options of {@link main}. */
export interface OptimizerCompareOptions {
  /** Number of iterations (the book's `max_iterations`); default 2000, as the book (about a minute here). */
  iters?: number;
  /** Seed of the global `random` (initial weights and mini-batches); default 0. */
  seed?: number;
  /**
   * Parameter precision: 'float32' (default) or 'float64', the book's (with the book's float32 pixels
   * promoted, as numpy does), whose lines bench/book/examples_reference.py reproduces with numpy.
   */
  dtype?: 'float32' | 'float64';
  /** Hidden layers (the book: [100, 100, 100, 100]); smaller is faster, for tests. */
  hiddenSizeList?: number[];
  /** Where lines go; default `console.log`. */
  log?: (line: string) => void;
}

/** Per optimizer: every iteration's loss, and the test accuracy at the end. */
export type OptimizerCompareResult = Record<string, { trainLoss: number[]; testAcc: number }>;

export async function main(options: OptimizerCompareOptions = {}): Promise<OptimizerCompareResult> {
  const {
    iters = 2000,
    seed = 0,
    hiddenSizeList = [100, 100, 100, 100],
    dtype = 'float32',
    log = console.log,
  } = options;
  random.seed(seed);
  const raw = await loadMnist({ normalize: true });
  // float64: the book's float32 pixels in float64 arithmetic, as numpy promotes them
  const [xTrain, tTrain, xTest, tTest] = [raw.xTrain, raw.tTrain, raw.xTest, raw.tTest].map((t) =>
    dtype === 'float64' && t.dtype === 'float32' ? t.astype('float64') : t,
  );

  const trainSize = xTrain.shape[0];
  const batchSize = 128;
  const maxIterations = iters;

  const optimizers: Record<string, Optimizer> = {
    SGD: new SGD(),
    Momentum: new Momentum(),
    AdaGrad: new AdaGrad(),
    Adam: new Adam(),
    // RMSprop: new RMSprop(),
  };

  const networks: Record<string, MultiLayerNet> = {};
  const trainLoss: Record<string, number[]> = {};
  for (const key of Object.keys(optimizers)) {
    networks[key] = new MultiLayerNet(784, hiddenSizeList, 10, { dtype });
    trainLoss[key] = [];
  }

  for (let i = 0; i < maxIterations; i++) {
    const batchMask = random.choice(trainSize, batchSize);
    const xBatch = take(xTrain, batchMask, { axis: 0 });
    const tBatch = take(tTrain, batchMask, { axis: 0 });

    for (const key of Object.keys(optimizers)) {
      const grads = networks[key].gradient(xBatch, tBatch);
      optimizers[key].update(networks[key].params, grads);
      const loss = networks[key].loss(xBatch, tBatch);
      trainLoss[key].push(loss);
    }

    if (i % 100 === 0) {
      log(`===========iteration:${i}===========`);
      for (const key of Object.keys(optimizers)) {
        // the book computes the loss again here: the same number as the one just recorded
        log(`${key}:${pyFloat(trainLoss[key][i])}`);
      }
    }
  }

  const result: OptimizerCompareResult = {};
  log(`=========== after ${maxIterations} iterations: mean loss of the last 100, test acc ===========`);
  for (const key of Object.keys(optimizers)) {
    const last = trainLoss[key].slice(-100);
    const mean = last.reduce((a, b) => a + b, 0) / Math.max(last.length, 1);
    const testAcc = networks[key].accuracy(xTest, tTest);
    result[key] = { trainLoss: trainLoss[key], testAcc };
    log(`${key}: loss ${mean.toFixed(4)}, test acc ${pyFloat(testAcc)}`);
  }
  return result;
}

if (isMain(import.meta.url)) {
  await main(parseItersSeedArgs());
}
