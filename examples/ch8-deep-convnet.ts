/**
 * Chapter 8: training the DeepConvNet.
 * Mirrors the book's `ch08/train_deepnet.py`: `DeepConvNet()` (six 3x3 convolutions with 16, 16, 32,
 * 32, 64, 64 filters, the fourth padded by 2, ReLU, three 2x2 max pools, Affine 50, ReLU, Dropout
 * 0.5, Affine 10, Dropout 0.5, He initialisation), images (N, 1, 28, 28), and `Trainer(..., { epochs:
 * 20, miniBatchSize: 100, optimizer: 'Adam', optimizerParam: { lr: 0.001 },
 * evaluateSampleNumPerEpoch: 1000 })`; then the parameters are saved (`--out`).
 *
 * What differs from the book:
 * - the data are the embedded digits: 8,000 training / 2,000 test (the book: 60,000 / 10,000), an
 *   epoch is 80 steps;
 * - float32 parameters (`--dtype float64` for the book's); seeded (`random.seed(0)`, `--seed`: weights,
 *   mini-batches and dropout masks come from the global `random`, as the book's `np.random`);
 * - `--epochs` (default 20, as the book; an epoch takes about 30 s on a quiet 2-core machine and
 *   several times that on a busy one, see docs/convnets.md), `--train-size` for quick runs;
 * - parameters go to a safetensors file (`--out`, default none; the book: `deep_convnet_params.pkl`),
 *   which `ch8-misclassified.ts` and `ch8-half-float.ts` read with `--params`;
 * - a last line with the wall-clock time.
 *
 * Run: npx tsx examples/ch8-deep-convnet.ts [--epochs 20] [--seed 0] [--out deep-convnet.safetensors]
 */
import { DeepConvNet, loadMnist, random, Trainer } from '../src/index.js';
import { saveConvNet } from './ch7-train-convnet.js';
import { isMain, parseConvTrainArgs } from './common.js';

/** Options of {@link main}. */
export interface DeepConvNetOptions {
  /** Trainer epochs (the book: 20). */
  epochs?: number;
  /** Seed of the global `random`; default 0. */
  seed?: number;
  /** Parameter dtype; default 'float32'. */
  dtype?: 'float32' | 'float64';
  /** Use only the first this-many training digits (default all 8,000). */
  trainSize?: number;
  /** The Trainer's `evaluateSampleNumPerEpoch`; default 1000, as the book. */
  evaluateSampleNumPerEpoch?: number;
  /** Where to save the parameters (default: not saved). */
  out?: string;
  /** Where lines go; default `console.log`. */
  log?: (line: string) => void;
}

/** The Trainer's per-epoch accuracies, the final test accuracy, the time, and the trained net. */
export interface DeepConvNetResult {
  trainAccList: number[];
  testAccList: number[];
  testAcc: number;
  seconds: number;
  steps: number;
  network: DeepConvNet;
}

export async function main(options: DeepConvNetOptions = {}): Promise<DeepConvNetResult> {
  const {
    epochs = 20,
    seed = 0,
    dtype = 'float32',
    evaluateSampleNumPerEpoch = 1000,
    log = console.log,
  } = options;
  random.seed(seed);
  const data = await loadMnist({ flatten: false });
  const n = options.trainSize ?? data.xTrain.shape[0];
  const xTrain = data.xTrain.slice({ stop: n });
  const tTrain = data.tTrain.slice({ stop: n });

  const network = new DeepConvNet({ dtype });
  const trainer = new Trainer(network, xTrain, tTrain, data.xTest, data.tTest, {
    epochs,
    miniBatchSize: 100,
    optimizer: 'Adam',
    optimizerParam: { lr: 0.001 },
    evaluateSampleNumPerEpoch,
    logger: log,
  });
  const t0 = performance.now();
  const { testAcc } = trainer.train();
  const seconds = (performance.now() - t0) / 1000;
  log(
    `${trainer.maxIter} steps in ${seconds.toFixed(1)} s (${((1000 * seconds) / trainer.maxIter).toFixed(0)} ms per step with the evaluations)`,
  );
  if (options.out) {
    saveConvNet(network, options.out);
    log(`Saved Network Parameters to ${options.out}`);
  }
  return {
    trainAccList: [...trainer.trainAccList],
    testAccList: [...trainer.testAccList],
    testAcc,
    seconds,
    steps: trainer.maxIter,
    network,
  };
}

if (isMain(import.meta.url)) {
  await main(parseConvTrainArgs());
}
