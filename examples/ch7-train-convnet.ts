/**
 * Chapter 7: training the SimpleConvNet.
 * Mirrors the book's `ch07/train_convnet.py`: `SimpleConvNet({ inputDim: [1, 28, 28], convParam:
 * { filterNum: 30, filterSize: 5, pad: 0, stride: 1 }, hiddenSize: 100, outputSize: 10,
 * weightInitStd: 0.01 })` (conv - relu - pool - affine - relu - affine - softmax), images kept as
 * (N, 1, 28, 28) (`loadMnist({ flatten: false })`), and `Trainer(..., { epochs: 20, miniBatchSize: 100,
 * optimizer: 'Adam', optimizerParam: { lr: 0.001 }, evaluateSampleNumPerEpoch: 1000 })`, which prints
 * `=== epoch:N, train acc:X, test acc:Y ===` at each epoch and the final test accuracy; then the
 * parameters are saved (`--out`).
 *
 * What differs from the book:
 * - the data are the embedded digits: 8,000 training / 2,000 test (the book: 60,000 / 10,000), so an
 *   epoch is 80 steps (the book: 600);
 * - float32 parameters (`--dtype float64` for the book's precision); seeded (`random.seed(0)`,
 *   `--seed`: initial weights and mini-batches come from the global `random`, as the book's `np.random`);
 * - the final accuracy counts all 2,000 test digits (the book's `accuracy` drops the last
 *   `N % batch_size` samples, none here);
 * - parameters go to a safetensors file (`--out`, default none; the book: `params.pkl`), which
 *   `ch7-visualize-filter.ts`, `ch8-misclassified.ts` and `ch8-half-float.ts` read with `--params`;
 * - a last line with the wall-clock time; no plot.
 * An epoch (80 steps and the evaluations) takes about 5 s on a quiet 2-core machine (docs/convnets.md).
 *
 * Run: npx tsx examples/ch7-train-convnet.ts [--epochs 20] [--seed 0] [--dtype float32] [--out simple-convnet.safetensors]
 */
import { DeepConvNet, loadMnist, random, SimpleConvNet, Trainer } from '../src/index.js';
import { loadParams, saveParams } from '../src/node.js';
import { isMain, parseConvTrainArgs } from './common.js';

/** Either conv net. */
export type ConvNet = SimpleConvNet | DeepConvNet;

/**
 * Saves a conv net as a scratchnet model file (safetensors; `scratchnet info/eval` read it too).
 * @example saveConvNet(net, 'simple-convnet.safetensors')
 */
export function saveConvNet(net: ConvNet, path: string): void {
  saveParams(net, path);
}

/**
 * Reads a file written by {@link saveConvNet} (or `scratchnet train --model convnet`): the net,
 * rebuilt from the file alone.
 * @example const net = loadConvNet('simple-convnet.safetensors');
 */
export function loadConvNet(path: string): ConvNet {
  const net = loadParams(path);
  if (!(net instanceof SimpleConvNet || net instanceof DeepConvNet)) {
    throw new Error(`${path}: not a conv net file (it holds another kind of network)`);
  }
  return net;
}

/** Options of {@link main}. */
export interface TrainConvNetOptions {
  /** Trainer epochs (the book: 20). */
  epochs?: number;
  /** Seed of the global `random`; default 0. */
  seed?: number;
  /** Parameter dtype; default 'float32'. */
  dtype?: 'float32' | 'float64';
  /** Use only the first this-many training digits (default all 8,000); for quick runs and tests. */
  trainSize?: number;
  /** The Trainer's `evaluateSampleNumPerEpoch`; default 1000, as the book. */
  evaluateSampleNumPerEpoch?: number;
  /** Where to save the parameters (default: not saved). */
  out?: string;
  /** Where lines go; default `console.log`. */
  log?: (line: string) => void;
}

/** The Trainer's per-epoch accuracies, the final test accuracy, the time, and the trained net. */
export interface TrainConvNetResult<N extends ConvNet = SimpleConvNet> {
  trainAccList: number[];
  testAccList: number[];
  testAcc: number;
  seconds: number;
  steps: number;
  network: N;
}

export async function main(options: TrainConvNetOptions = {}): Promise<TrainConvNetResult> {
  const {
    epochs = 20,
    seed = 0,
    dtype = 'float32',
    evaluateSampleNumPerEpoch = 1000,
    log = console.log,
  } = options;
  random.seed(seed);
  const network = new SimpleConvNet({
    inputDim: [1, 28, 28],
    convParam: { filterNum: 30, filterSize: 5, pad: 0, stride: 1 },
    hiddenSize: 100,
    outputSize: 10,
    weightInitStd: 0.01,
    dtype,
  });
  return trainConvNet(network, { ...options, epochs, evaluateSampleNumPerEpoch, log });
}

/**
 * The chapter 7 and 8 training run: the embedded digits as (N, 1, 28, 28), the book's Trainer
 * settings (Adam lr 0.001, batch 100), a timing line, and the parameters saved to `out`.
 */
export async function trainConvNet<N extends ConvNet>(
  network: N,
  options: TrainConvNetOptions & {
    epochs: number;
    evaluateSampleNumPerEpoch: number;
    log: (line: string) => void;
  },
): Promise<TrainConvNetResult<N>> {
  const { epochs, evaluateSampleNumPerEpoch, log } = options;
  const data = await loadMnist({ flatten: false });
  const n = options.trainSize ?? data.xTrain.shape[0];
  const xTrain = data.xTrain.slice({ stop: n });
  const tTrain = data.tTrain.slice({ stop: n });
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

/** A net from `--params`, or one trained here for `epochs` (a helper of the chapter 7 and 8 examples). */
export async function netFromArgs(
  params: string | undefined,
  train: () => Promise<ConvNet>,
  log: (line: string) => void,
): Promise<ConvNet> {
  if (params !== undefined) {
    const net = loadConvNet(params);
    log(`loaded ${params}`);
    return net;
  }
  return train();
}

if (isMain(import.meta.url)) {
  await main(parseConvTrainArgs());
}
