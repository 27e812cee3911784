/**
 * Chapter 6: training with and without batch normalization, for several initial weight scales.
 * Mirrors the book's `ch06/batch_norm_test.py`: the first 1,000 training digits, for each weight
 * scale W two `MultiLayerNetExtend(784, [100, 100, 100, 100, 100], 10, { weightInitStd: W })`, one with
 * `useBatchnorm: true`; both updated by SGD lr 0.01 on the same mini-batches of 100 for 20 epochs;
 * at each epoch the line `epoch:N | accuracy without BN - accuracy with BN` (training-set accuracy,
 * test mode), under a header `============== i/16 ==============`.
 *
 * What differs from the book:
 * - the header also gives W (the book puts it in each plot's title); all 16 scales
 *   `np.logspace(0, -4, 16)` as the book take about a minute here, `--scales 1,6,11,16` picks some
 *   (W = 1, 0.0464, 0.00215, 0.0001);
 * - the data are the embedded digits (the first 1,000 of its 8,000 training digits);
 * - parameters are float32 (the book's are float64; `--float64`); seeded (`random.seed(0)`, `--seed`);
 * - the batch-norm layers start their running variance at 0, as the book
 *   (`batchnormOptions: { initRunningVar: 'zeros' }`; scratchnet's default is 1, see
 *   `src/layers/batch-normalization.ts`): only the first epochs' test-mode numbers depend on it;
 * - a summary line per scale with the last accuracies, instead of the book's 4x4 plots.
 *
 * Run: npx tsx examples/ch6-batch-norm-test.ts [--scales all | 1,6,11,16] [--seed 0] [--float64]
 */
import { parseArgs } from 'node:util';
import { linspace, MultiLayerNetExtend, pyFloat, random, SGD, take } from '../src/index.js';
import { dtypeOf, isMain, loadMnistAs, num } from './common.js';

/** Options of {@link main}. */
export interface BatchNormOptions {
  /** Which of the book's 16 weight scales to run, numbered 1..16 as its headers; default all 16. */
  scales?: number[];
  /** Epochs per scale (the book's `max_epochs`); default 20. */
  maxEpochs?: number;
  /** Seed of the global `random`; default 0. */
  seed?: number;
  /**
   * Parameter precision: 'float32' (default) or 'float64', the book's (with the book's float32 pixels
   * promoted, as numpy does), whose lines bench/book/examples_reference.py reproduces with numpy.
   */
  dtype?: 'float32' | 'float64';
  /** Hidden layers (the book: five of 100); smaller is faster, for tests. */
  hiddenSizeList?: number[];
  /** Where lines go; default `console.log`. */
  log?: (line: string) => void;
}

/** Per weight scale: the per-epoch training accuracies without and with batch norm. */
export type BatchNormResult = { weightScale: number; trainAccList: number[]; bnTrainAccList: number[] }[];

export async function main(options: BatchNormOptions = {}): Promise<BatchNormResult> {
  const {
    scales = Array.from({ length: 16 }, (_, i) => i + 1),
    maxEpochs = 20,
    seed = 0,
    hiddenSizeList = [100, 100, 100, 100, 100],
    dtype = 'float32',
    log = console.log,
  } = options;
  random.seed(seed);
  const data = await loadMnistAs(dtype);

  // reduce the training data
  const xTrain = data.xTrain.slice(':1000');
  const tTrain = data.tTrain.slice(':1000');

  const trainSize = xTrain.shape[0];
  const batchSize = 100;
  const learningRate = 0.01;

  function train(weightInitStd: number): [number[], number[]] {
    const netOptions = { weightInitStd, dtype };
    const bnNetwork = new MultiLayerNetExtend(784, hiddenSizeList, 10, {
      ...netOptions,
      useBatchnorm: true,
      batchnormOptions: { initRunningVar: 'zeros' },
    });
    const network = new MultiLayerNetExtend(784, hiddenSizeList, 10, netOptions);
    const optimizer = new SGD({ lr: learningRate });

    const trainAccList: number[] = [];
    const bnTrainAccList: number[] = [];

    const iterPerEpoch = Math.max(trainSize / batchSize, 1);
    let epochCnt = 0;

    for (let i = 0; ; i++) {
      const batchMask = random.choice(trainSize, batchSize);
      const xBatch = take(xTrain, batchMask, { axis: 0 });
      const tBatch = take(tTrain, batchMask, { axis: 0 });

      for (const net of [bnNetwork, network]) {
        const grads = net.gradient(xBatch, tBatch);
        optimizer.update(net.params, grads);
      }

      if (i % iterPerEpoch === 0) {
        const trainAcc = network.accuracy(xTrain, tTrain);
        const bnTrainAcc = bnNetwork.accuracy(xTrain, tTrain);
        trainAccList.push(trainAcc);
        bnTrainAccList.push(bnTrainAcc);

        log(`epoch:${epochCnt} | ${pyFloat(trainAcc)} - ${pyFloat(bnTrainAcc)}`);

        epochCnt += 1;
        if (epochCnt >= maxEpochs) break;
      }
    }
    return [trainAccList, bnTrainAccList];
  }

  const weightScaleList = linspace(0, -4, 16)
    .toFlatArray()
    .map((e) => 10 ** e);
  const result: BatchNormResult = [];
  for (const k of scales) {
    if (!Number.isInteger(k) || k < 1 || k > 16)
      throw new RangeError(`scales: expected numbers 1..16, got ${k}`);
    const w = weightScaleList[k - 1];
    log(`============== ${k}/16 (W:${pyFloat(w)}) ==============`);
    const [trainAccList, bnTrainAccList] = train(w);
    result.push({ weightScale: w, trainAccList, bnTrainAccList });
    log(
      `W:${pyFloat(w)}: after ${maxEpochs} epochs, without batch norm ${pyFloat(trainAccList[trainAccList.length - 1])}, ` +
        `with batch norm ${pyFloat(bnTrainAccList[bnTrainAccList.length - 1])}`,
    );
  }
  return result;
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      float64: { type: 'boolean', default: false },
      scales: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const scales =
    values.scales === undefined
      ? undefined
      : values.scales === 'all'
        ? Array.from({ length: 16 }, (_, i) => i + 1)
        : values.scales.split(',').map(Number);
  await main({
    scales,
    seed: num(values.seed),
    dtype: dtypeOf(values.float64),
  });
}
