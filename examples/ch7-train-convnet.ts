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
import { readFileSync, writeFileSync } from 'node:fs';
import { DeepConvNet, loadMnist, random, SimpleConvNet, Trainer, zeros } from '../src/index.js';
import { decodeSafetensors, encodeSafetensors } from '../src/io/safetensors.js';
import { isMain, parseConvTrainArgs } from './common.js';

/** Either conv net. */
export type ConvNet = SimpleConvNet | DeepConvNet;

const META_KEY = 'scratchnet.convnet';

/**
 * Saves a conv net's parameters and architecture as a safetensors file (metadata
 * `scratchnet.convnet`: `{ model: 'convnet' | 'deep-convnet', architecture }`).
 * @example saveConvNet(net, 'simple-convnet.safetensors')
 */
export function saveConvNet(net: ConvNet, path: string): void {
  const model = net instanceof DeepConvNet ? 'deep-convnet' : 'convnet';
  const meta = { [META_KEY]: JSON.stringify({ model, architecture: net.architecture }) };
  writeFileSync(path, encodeSafetensors({ ...net.params }, meta));
}

/**
 * Reads a file written by {@link saveConvNet}: rebuilds the net (drawing nothing from any random
 * source) and sets its parameters.
 * @example const net = loadConvNet('simple-convnet.safetensors');
 */
export function loadConvNet(path: string): ConvNet {
  const { tensors, metadata } = decodeSafetensors(new Uint8Array(readFileSync(path)));
  const json = metadata[META_KEY];
  if (json === undefined) throw new Error(`${path}: not a conv net file (no '${META_KEY}' metadata)`);
  const { model, architecture } = JSON.parse(json);
  const rng = {
    randn: (...shape: number[]) => zeros(shape),
    rand: (...shape: number[]) => random.rand(...(shape as [number])),
  };
  const options = { ...architecture, rng } as never;
  const net: ConvNet = model === 'deep-convnet' ? new DeepConvNet(options) : new SimpleConvNet(options);
  for (const key of Object.keys(net.params)) {
    const t = tensors[key];
    if (t === undefined) throw new Error(`${path}: tensor '${key}' is missing`);
    const p = net.params[key];
    if (t.shape.join() !== p.shape.join())
      throw new Error(`${path}: tensor '${key}' has shape (${t.shape}), the net's is (${p.shape})`);
    p.assign(t); // in place: the layers keep their (kernel-resident) storage; casts to the net's dtype
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
export interface TrainConvNetResult {
  trainAccList: number[];
  testAccList: number[];
  testAcc: number;
  seconds: number;
  steps: number;
  network: SimpleConvNet;
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
  const data = await loadMnist({ flatten: false });
  const n = options.trainSize ?? data.xTrain.shape[0];
  const xTrain = data.xTrain.slice({ stop: n });
  const tTrain = data.tTrain.slice({ stop: n });
  const { xTest, tTest } = data;

  const network = new SimpleConvNet({
    inputDim: [1, 28, 28],
    convParam: { filterNum: 30, filterSize: 5, pad: 0, stride: 1 },
    hiddenSize: 100,
    outputSize: 10,
    weightInitStd: 0.01,
    dtype,
  });
  const trainer = new Trainer(network, xTrain, tTrain, xTest, tTest, {
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
