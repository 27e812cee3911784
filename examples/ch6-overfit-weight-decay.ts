/**
 * Chapter 6: overfitting, and weight decay against it.
 * Mirrors the book's `ch06/overfit_weight_decay.py`: only 300 training digits, a 7-layer
 * `MultiLayerNet(784, [100, 100, 100, 100, 100, 100], 10)` (ReLU, He init) with `weightDecayLambda` 0.1,
 * SGD lr 0.01, mini-batches of 100 for 201 epochs, and at each epoch the line
 * `epoch:N, train acc:X, test acc:Y`.
 *
 * What differs from the book:
 * - the data are the embedded digits: the first 300 of its 8,000 training digits, and its 2,000 test
 *   digits (the book: 10,000);
 * - parameters are float32 (the book's are float64; `--float64`); seeded (`random.seed(0)`, `--seed`);
 * - `--lambda 0` runs without weight decay (the book: edit `weight_decay_lambda = 0`), `--epochs`;
 * - a last line with the final accuracies and their gap, instead of the book's plot.
 *
 * Run: npx tsx examples/ch6-overfit-weight-decay.ts [--lambda 0.1] [--epochs 201] [--seed 0] [--float64]
 */
import { parseArgs } from 'node:util';
import { MultiLayerNet, pyFloat, random, SGD, take } from '../src/index.js';
import { dtypeOf, isMain, loadMnistAs, num } from './common.js';

/** Options of {@link main}. */
export interface WeightDecayOptions {
  /** The book's `weight_decay_lambda`; default 0.1 (0: no weight decay). */
  weightDecayLambda?: number;
  /** The book's `max_epochs`; default 201. */
  maxEpochs?: number;
  /** Seed of the global `random`; default 0. */
  seed?: number;
  /**
   * Parameter precision: 'float32' (default) or 'float64', the book's (with the book's float32 pixels
   * promoted, as numpy does), whose lines bench/book/examples_reference.py reproduces with numpy.
   */
  dtype?: 'float32' | 'float64';
  /** Hidden layers (the book: six of 100); smaller is faster, for tests. */
  hiddenSizeList?: number[];
  /** Where lines go; default `console.log`. */
  log?: (line: string) => void;
}

/** The per-epoch accuracies. */
export interface WeightDecayResult {
  trainAccList: number[];
  testAccList: number[];
}

export async function main(options: WeightDecayOptions = {}): Promise<WeightDecayResult> {
  const {
    weightDecayLambda = 0.1,
    maxEpochs = 201,
    seed = 0,
    hiddenSizeList = [100, 100, 100, 100, 100, 100],
    dtype = 'float32',
    log = console.log,
  } = options;
  random.seed(seed);
  const data = await loadMnistAs(dtype);
  const { xTest, tTest } = data;

  // fewer training samples, to overfit
  const xTrain = data.xTrain.slice(':300');
  const tTrain = data.tTrain.slice(':300');

  const network = new MultiLayerNet(784, hiddenSizeList, 10, { weightDecayLambda, dtype });
  const optimizer = new SGD({ lr: 0.01 });

  const trainSize = xTrain.shape[0];
  const batchSize = 100;

  const trainAccList: number[] = [];
  const testAccList: number[] = [];

  const iterPerEpoch = Math.max(trainSize / batchSize, 1);
  let epochCnt = 0;

  for (let i = 0; maxEpochs > 0; i++) {
    const batchMask = random.choice(trainSize, batchSize);
    const xBatch = take(xTrain, batchMask, { axis: 0 });
    const tBatch = take(tTrain, batchMask, { axis: 0 });

    const grads = network.gradient(xBatch, tBatch);
    optimizer.update(network.params, grads);

    if (i % iterPerEpoch === 0) {
      const trainAcc = network.accuracy(xTrain, tTrain);
      const testAcc = network.accuracy(xTest, tTest);
      trainAccList.push(trainAcc);
      testAccList.push(testAcc);

      log(`epoch:${epochCnt}, train acc:${pyFloat(trainAcc)}, test acc:${pyFloat(testAcc)}`);

      epochCnt += 1;
      if (epochCnt >= maxEpochs) break;
    }
  }

  const train = trainAccList[trainAccList.length - 1];
  const test = testAccList[testAccList.length - 1];
  log(
    `weight decay lambda ${pyFloat(weightDecayLambda)}: final train acc ${pyFloat(train)}, test acc ${pyFloat(test)}, ` +
      `gap ${(train - test).toFixed(3)}`,
  );
  return { trainAccList, testAccList };
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      float64: { type: 'boolean', default: false },
      lambda: { type: 'string' },
      epochs: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  await main({
    weightDecayLambda: num(values.lambda),
    maxEpochs: num(values.epochs),
    seed: num(values.seed),
    dtype: dtypeOf(values.float64),
  });
}
