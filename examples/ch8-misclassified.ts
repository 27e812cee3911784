/**
 * Chapter 8: the test digits the DeepConvNet gets wrong.
 * Mirrors the book's `ch08/misclassified_mnist.py`: the trained `DeepConvNet` predicts the test set
 * in batches of 100 (test mode), prints `test accuracy:X`, then shows the first 20 misclassified
 * digits in a 4 x 5 grid (`cmap=gray_r`) and prints `{view index: (label, inference), ...}`.
 *
 * What differs from the book:
 * - the grid is written as a PNG file (`--out`, default `misclassified.png`) with pngjs;
 * - the net comes from `--params` (a file of `ch8-deep-convnet.ts --out` or `ch7-train-convnet.ts
 *   --out`); without it a DeepConvNet is trained here for `--epochs` (default 1) epochs
 *   (`--model simple` for the faster SimpleConvNet);
 * - the test set is the embedded digits' 2,000, all counted (the book's loop drops the last
 *   `N % 100`, none for its 10,000);
 * - seeded (`random.seed(0)`, `--seed`).
 *
 * Run: npx tsx examples/ch8-misclassified.ts [--params deep-convnet.safetensors] [--epochs 1] [--out misclassified.png]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadMnist, random, stack, type Tensor } from '../src/index.js';
import { netFromArgs, main as trainSimple } from './ch7-train-convnet.js';
import { greyGridPng } from './ch7-visualize-filter.js';
import { main as trainDeep } from './ch8-deep-convnet.js';
import { isMain, num } from './common.js';

/** Options of {@link main}. */
export interface MisclassifiedOptions {
  /** A parameter file of a conv net; default: train here. */
  params?: string;
  /** Which net to train when there is no `params`; default 'deep'. */
  model?: 'deep' | 'simple';
  /** Epochs to train when there is no `params`; default 1. */
  epochs?: number;
  /** Training digits when training here (default all 8,000); for tests. */
  trainSize?: number;
  /** Path of the PNG; default 'misclassified.png'. */
  out?: string;
  /** How many misclassified digits to draw (the book's `max_view`); default 20. */
  maxView?: number;
  /** Seed of the global `random`; default 0. */
  seed?: number;
  /** Where lines go; default `console.log`. */
  log?: (line: string) => void;
}

/** The test accuracy and, per drawn digit (1-based view index), its label and the inference. */
export interface MisclassifiedResult {
  accuracy: number;
  misclassified: { index: number; label: number; inference: number }[];
  out: string;
}

export async function main(options: MisclassifiedOptions = {}): Promise<MisclassifiedResult> {
  const {
    model = 'deep',
    epochs = 1,
    out = 'misclassified.png',
    maxView = 20,
    seed = 0,
    log = console.log,
  } = options;
  random.seed(seed);
  const network = await netFromArgs(
    options.params,
    async () => {
      const common = { epochs, seed, trainSize: options.trainSize, log };
      return model === 'simple' ? (await trainSimple(common)).network : (await trainDeep(common)).network;
    },
    log,
  );
  const { xTest, tTest } = await loadMnist({ flatten: false });

  log('calculating test accuracy ... ');
  const batchSize = 100;
  const n = xTest.shape[0];
  const classified: number[] = [];
  for (let i = 0; i < n; i += batchSize) {
    const tx = xTest.slice({ start: i, stop: Math.min(i + batchSize, n) });
    classified.push(...network.predict(tx, false).argmax({ axis: 1 }).toFlatArray());
  }
  const labels = tTest.toFlatArray();
  const accuracy = classified.filter((y, i) => y === labels[i]).length / n;
  log(`test accuracy:${accuracy}`);

  const misclassified: MisclassifiedResult['misclassified'] = [];
  const images: Tensor[] = [];
  for (let i = 0; i < n && misclassified.length < maxView; i++) {
    if (classified[i] !== labels[i]) {
      misclassified.push({ index: i, label: labels[i], inference: classified[i] });
      images.push(xTest.slice(i, 0));
    }
  }
  log('======= misclassified result =======');
  log('{view index: (label, inference), ...}');
  log(`{${misclassified.map((m, v) => `${v + 1}: (${m.label}, ${m.inference})`).join(', ')}}`);
  if (images.length > 0) {
    writeFileSync(out, greyGridPng(stack(images), { nx: 5, margin: 4, scale: 3, autoscale: false }));
    log(`wrote ${out} (${images.length} digits, ${Math.ceil(images.length / 5)} rows of 5)`);
  }
  return { accuracy, misclassified, out };
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      params: { type: 'string' },
      model: { type: 'string' },
      epochs: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  await main({
    params: values.params,
    model: values.model as 'deep' | 'simple' | undefined,
    epochs: num(values.epochs),
    out: values.out,
    seed: num(values.seed),
  });
}
