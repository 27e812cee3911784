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
import { DeepConvNet, random } from '../src/index.js';
import { type TrainConvNetOptions, type TrainConvNetResult, trainConvNet } from './ch7-train-convnet.js';
import { isMain, parseConvTrainArgs } from './common.js';

/** Options of {@link main} (those of the chapter 7 run). */
export type DeepConvNetOptions = TrainConvNetOptions;

/** The Trainer's per-epoch accuracies, the final test accuracy, the time, and the trained net. */
export type DeepConvNetResult = TrainConvNetResult<DeepConvNet>;

export async function main(options: DeepConvNetOptions = {}): Promise<DeepConvNetResult> {
  const {
    epochs = 20,
    seed = 0,
    dtype = 'float32',
    evaluateSampleNumPerEpoch = 1000,
    log = console.log,
  } = options;
  random.seed(seed);
  return trainConvNet(new DeepConvNet({ dtype }), { ...options, epochs, evaluateSampleNumPerEpoch, log });
}

if (isMain(import.meta.url)) {
  await main(parseConvTrainArgs());
}
