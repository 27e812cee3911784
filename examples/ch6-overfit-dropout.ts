/**
 * Chapter 6: overfitting, and dropout against it, trained with the Trainer.
 * Mirrors the book's `ch06/overfit_dropout.py`: only 300 training digits, a 7-layer
 * `MultiLayerNetExtend(784, [100, 100, 100, 100, 100, 100], 10, { useDropout: true, dropoutRatio: 0.2 })`
 * (ReLU, He init, the book's dropout: test-time outputs scaled by 1 - ratio), and
 * `Trainer(..., { epochs: 301, miniBatchSize: 100, optimizer: 'sgd', optimizerParam: { lr: 0.01 },
 * verbose: true })`, which prints `=== epoch:N, train acc:X, test acc:Y ===` at each epoch and then
 * `=============== Final Test Accuracy ===============` and `test acc:Z`.
 *
 * What differs from the book:
 * - the data are the embedded digits: the first 300 of its 8,000 training digits, and its 2,000 test
 *   digits (the book: 10,000);
 * - the book's verbose Trainer also prints `train loss:...` after every step (903 lines); here only
 *   with `--loss-lines`;
 * - parameters are float32 (the book's are float64; `--float64`); seeded (`random.seed(0)`,
 *   `--seed`: the initial weights, the mini-batches and the dropout masks all come from the global
 *   `random`, as in the book);
 * - `--no-dropout` runs without dropout (the book: edit `use_dropout = False`), `--epochs`;
 * - a last line with the final training accuracy and the gap, instead of the book's plot.
 * A run of the book's 301 epochs takes a minute or two.
 *
 * Run: npx tsx examples/ch6-overfit-dropout.ts [--epochs 301] [--no-dropout] [--loss-lines] [--seed 0] [--float64]
 */
import { parseArgs } from 'node:util';
import { MultiLayerNetExtend, pyFloat, random, Trainer } from '../src/index.js';
import { dtypeOf, isMain, loadMnistAs, num } from './common.js';

/** Options of {@link main}. */
export interface DropoutOptions {
  /** The book's `use_dropout`; default true. */
  useDropout?: boolean;
  /** The book's `dropout_ratio`; default 0.2. */
  dropoutRatio?: number;
  /** Trainer epochs; default 301. */
  epochs?: number;
  /** Print the book's `train loss:...` line after every step; default false. */
  lossLines?: boolean;
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

/** The Trainer's per-epoch accuracies and the final test accuracy. */
export interface DropoutResult {
  trainAccList: number[];
  testAccList: number[];
  testAcc: number;
}

export async function main(options: DropoutOptions = {}): Promise<DropoutResult> {
  const {
    useDropout = true,
    dropoutRatio = 0.2,
    epochs = 301,
    lossLines = false,
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

  const network = new MultiLayerNetExtend(784, hiddenSizeList, 10, {
    useDropout,
    dropoutRatio,
    dtype,
  });
  // The book prints a step's `train loss:` line before that step's epoch line; the Trainer logs the
  // epoch line before calling onStep, so with --loss-lines the epoch line waits for the loss line.
  let held: string | null = null;
  const trainer = new Trainer(network, xTrain, tTrain, xTest, tTest, {
    epochs,
    miniBatchSize: 100,
    optimizer: 'sgd',
    optimizerParam: { lr: 0.01 },
    verbose: true,
    logger: (line) => {
      if (lossLines && line.startsWith('=== epoch:')) held = line;
      else log(line);
    },
    callbacks: lossLines
      ? {
          onStep: ({ loss }) => {
            log(`train loss:${pyFloat(loss)}`);
            if (held !== null) log(held);
            held = null;
          },
        }
      : [],
  });
  const { testAcc } = trainer.train();

  const { trainAccList, testAccList } = trainer;
  const train = trainAccList[trainAccList.length - 1];
  log(
    `${useDropout ? `dropout ${pyFloat(dropoutRatio)}` : 'no dropout'}: last epoch train acc ${pyFloat(train)}, ` +
      `test acc ${pyFloat(testAccList[testAccList.length - 1])}, gap ${(train - testAccList[testAccList.length - 1]).toFixed(3)}`,
  );
  return { trainAccList: [...trainAccList], testAccList: [...testAccList], testAcc };
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      float64: { type: 'boolean', default: false },
      epochs: { type: 'string' },
      seed: { type: 'string' },
      'no-dropout': { type: 'boolean', default: false },
      'loss-lines': { type: 'boolean', default: false },
    },
  });
  await main({
    epochs: num(values.epochs),
    seed: num(values.seed),
    useDropout: !values['no-dropout'],
    lossLines: values['loss-lines'],
    dtype: dtypeOf(values.float64),
  });
}
