/**
 * Chapter 6: random search of the learning rate and the weight decay on a validation set.
 * Mirrors the book's `ch06/hyperparameter_optimization.py`: the first 500 training digits, shuffled
 * (`shuffleDataset`), the first 20 % (100) as the validation set and the other 400 for training;
 * each trial draws `weight_decay = 10 ** uniform(-4, -8)` then `lr = 10 ** uniform(-2, -6)`, trains a
 * `MultiLayerNet(784, [100, 100, 100, 100, 100, 100], 10, { weightDecayLambda })` with the Trainer
 * (50 epochs, mini-batches of 100, SGD with that lr, quiet) and prints
 * `val acc:X | lr:Y, weight decay:Z`; then `=========== Hyper-Parameter Optimization Result ===========`
 * and the best trials, `Best-k(val acc:X) | lr:Y, weight decay:Z`, by final validation accuracy.
 *
 * What differs from the book:
 * - the data are the embedded digits (the first 500 of its 8,000 training digits);
 * - parameters are float32 (the book's are float64; `--float64`); seeded (`random.seed(0)`,
 *   `--seed`): the shuffle, the hyperparameters and the mini-batches all come from the global
 *   `random`, as in the book;
 * - the best trials are listed (up to the book's 20) without the book's plots.
 * The book's 100 trials take about two minutes here; `--trials` for fewer.
 *
 * Run: npx tsx examples/ch6-hyperparameter-optimization.ts [--trials 100] [--epochs 50] [--seed 0] [--float64]
 */
import { parseArgs } from 'node:util';
import { MultiLayerNet, pyFloat, random, shuffleDataset, Trainer } from '../src/index.js';
import { dtypeOf, isMain, loadMnistAs, num } from './common.js';

/** Options of {@link main}. */
export interface HyperparameterOptions {
  /** Number of random trials (the book's `optimization_trial`); default 100, as the book. */
  trials?: number;
  /** Epochs per trial (the book's `epocs`); default 50. */
  epochs?: number;
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

/** One trial: its hyperparameters and per-epoch accuracies. */
export interface Trial {
  lr: number;
  weightDecay: number;
  valAccList: number[];
  trainAccList: number[];
}

/** The trials, best first (by final validation accuracy; ties keep the order they ran in). */
export type HyperparameterResult = Trial[];

export async function main(options: HyperparameterOptions = {}): Promise<HyperparameterResult> {
  const {
    trials = 100,
    epochs = 50,
    seed = 0,
    hiddenSizeList = [100, 100, 100, 100, 100, 100],
    dtype = 'float32',
    log = console.log,
  } = options;
  random.seed(seed);
  const data = await loadMnistAs(dtype);

  // fewer training samples, for speed
  let xTrain = data.xTrain.slice(':500');
  let tTrain = data.tTrain.slice(':500');

  // the validation set
  const validationRate = 0.2;
  const validationNum = Math.trunc(xTrain.shape[0] * validationRate);
  [xTrain, tTrain] = shuffleDataset(xTrain, tTrain);
  const xVal = xTrain.slice(`:${validationNum}`);
  const tVal = tTrain.slice(`:${validationNum}`);
  xTrain = xTrain.slice(`${validationNum}:`);
  tTrain = tTrain.slice(`${validationNum}:`);

  function train(lr: number, weightDecay: number): [number[], number[]] {
    const network = new MultiLayerNet(784, hiddenSizeList, 10, {
      weightDecayLambda: weightDecay,
      dtype,
    });
    const trainer = new Trainer(network, xTrain, tTrain, xVal, tVal, {
      epochs,
      miniBatchSize: 100,
      optimizer: 'sgd',
      optimizerParam: { lr },
      verbose: false,
    });
    trainer.train();
    return [[...trainer.testAccList], [...trainer.trainAccList]];
  }

  // random search ==========
  const results: Trial[] = [];
  for (let k = 0; k < trials; k++) {
    // the search ranges ==========
    const weightDecay = 10 ** (random.uniform(-4, -8) as number);
    const lr = 10 ** (random.uniform(-2, -6) as number);
    // ==========

    const [valAccList, trainAccList] = train(lr, weightDecay);
    log(
      `val acc:${pyFloat(valAccList[valAccList.length - 1])} | lr:${pyFloat(lr)}, weight decay:${pyFloat(weightDecay)}`,
    );
    results.push({ lr, weightDecay, valAccList, trainAccList });
  }

  log('=========== Hyper-Parameter Optimization Result ===========');
  const graphDrawNum = 20;
  const sorted = [...results].sort(
    (a, b) => b.valAccList[b.valAccList.length - 1] - a.valAccList[a.valAccList.length - 1],
  );
  sorted.slice(0, graphDrawNum).forEach((r, i) => {
    log(
      `Best-${i + 1}(val acc:${pyFloat(r.valAccList[r.valAccList.length - 1])}) | lr:${pyFloat(r.lr)}, weight decay:${pyFloat(r.weightDecay)}`,
    );
  });
  return sorted;
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      float64: { type: 'boolean', default: false },
      trials: { type: 'string' },
      epochs: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  await main({
    trials: num(values.trials),
    epochs: num(values.epochs),
    seed: num(values.seed),
    dtype: dtypeOf(values.float64),
  });
}
