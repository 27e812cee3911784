/**
 * Chapter 5: training the two-layer net with backpropagation.
 * Mirrors the book's `ch05/train_neuralnet.py`: `TwoLayerNet(784, 50, 10)` (Affine → ReLU → Affine →
 * SoftmaxWithLoss), one-hot labels, 10,000 iterations of mini-batches of 100, learning rate 0.1,
 * the update written out (`params[key] -= lr * grad[key]`), and at each epoch the line the book
 * prints with `print(train_acc, test_acc)`: the two accuracies separated by a space.
 *
 * What differs from the book:
 * - the data are the 10,000 MNIST digits embedded in scratchnet (8,000 train / 2,000 test, see
 *   `src/data/mnist.ts`), not 60,000 / 10,000: an epoch is 80 iterations instead of 600, so the
 *   book's 10,000 iterations are 125 epochs here (the book's: about 17) and print 125 lines;
 * - parameters are float32 (the book's are float64 weights applied to float32 images; `--float64`);
 * - seeded (`random.seed(0)`, `--seed`), so a run repeats exactly; the book is not seeded;
 * - a last line with the accuracies after the final iteration (the book prints only per epoch).
 * bench/book/compare.ts trains the same net with the book's numpy code on the same digits.
 *
 * Run: npx tsx examples/ch5-train-neuralnet.ts [--iters 10000] [--seed 0] [--float64]
 */
import { loadMnist, pyFloat, random, TwoLayerNet, take } from '../src/index.js';
import { isMain, parseItersSeedArgs } from './common.js';

/** Options of {@link main}. */
export interface Ch5Options {
  /** Number of iterations (the book's `iters_num`); default 10000. */
  iters?: number;
  /** Seed of the global `random` (initial weights and mini-batches); default 0. */
  seed?: number;
  /**
   * Parameter precision: 'float32' (default) or 'float64', the book's (with the book's float32 pixels
   * promoted, as numpy does), whose lines bench/book/examples_reference.py reproduces with numpy.
   */
  dtype?: 'float32' | 'float64';
  /** Where lines go; default `console.log`. */
  log?: (line: string) => void;
}

/** What {@link main} returns: the book's three lists and the accuracies after the last iteration. */
export interface Ch5Result {
  trainLossList: number[];
  trainAccList: number[];
  testAccList: number[];
  finalTrainAcc: number;
  finalTestAcc: number;
}

export async function main(options: Ch5Options = {}): Promise<Ch5Result> {
  const { iters = 10000, seed = 0, dtype = 'float32', log = console.log } = options;
  random.seed(seed);
  const raw = await loadMnist({ normalize: true, oneHotLabel: true });
  // float64: the book's float32 pixels and labels in float64 arithmetic, as numpy promotes them
  const [xTrain, tTrain, xTest, tTest] = [raw.xTrain, raw.tTrain, raw.xTest, raw.tTest].map((t) =>
    dtype === 'float64' ? t.astype('float64') : t,
  );

  const network = new TwoLayerNet(784, 50, 10, { dtype });

  const itersNum = iters;
  const trainSize = xTrain.shape[0];
  const batchSize = 100;
  const learningRate = 0.1;

  const trainLossList: number[] = [];
  const trainAccList: number[] = [];
  const testAccList: number[] = [];

  const iterPerEpoch = Math.max(trainSize / batchSize, 1);

  for (let i = 0; i < itersNum; i++) {
    const batchMask = random.choice(trainSize, batchSize);
    const xBatch = take(xTrain, batchMask, { axis: 0 });
    const tBatch = take(tTrain, batchMask, { axis: 0 });

    // const grad = network.numericalGradient(xBatch, tBatch); // the book's slow alternative
    const grad = network.gradient(xBatch, tBatch);

    for (const key of ['W1', 'b1', 'W2', 'b2']) {
      network.params[key].subInPlace(grad[key].mul(learningRate));
    }

    const loss = network.loss(xBatch, tBatch);
    trainLossList.push(loss);

    if (i % iterPerEpoch === 0) {
      const trainAcc = network.accuracy(xTrain, tTrain);
      const testAcc = network.accuracy(xTest, tTest);
      trainAccList.push(trainAcc);
      testAccList.push(testAcc);
      log(`${pyFloat(trainAcc)} ${pyFloat(testAcc)}`);
    }
  }

  const finalTrainAcc = network.accuracy(xTrain, tTrain);
  const finalTestAcc = network.accuracy(xTest, tTest);
  log(`after ${itersNum} iterations: train acc ${pyFloat(finalTrainAcc)}, test acc ${pyFloat(finalTestAcc)}`);
  return { trainLossList, trainAccList, testAccList, finalTrainAcc, finalTestAcc };
}

if (isMain(import.meta.url)) {
  await main(parseItersSeedArgs());
}
