/**
 * Chapter 7: the first layer's filters as images, before and after training.
 * Mirrors the book's `ch07/visualize_filter.py`: `filter_show(network.params['W1'])` draws the 30
 * filters (30, 1, 5, 5) of a freshly initialised `SimpleConvNet` in a grid of 8 per row, grey
 * (`cmap=gray_r`: large weights dark), and again after loading the trained parameters.
 *
 * What differs from the book:
 * - the grids are written as PNG files (`filters-initial.png`, `filters-trained.png` in `--out-dir`,
 *   default the current directory) instead of matplotlib windows, with pngjs; each filter is scaled to
 *   its own min..max as `imshow` does, and each weight is drawn as a `scale` x `scale` block;
 * - the trained parameters come from `--params` (a file of `ch7-train-convnet.ts --out`), or, without
 *   it, from training here for `--epochs` (default 1) epochs;
 * - seeded (`random.seed(0)`, `--seed`).
 *
 * Run: npx tsx examples/ch7-visualize-filter.ts [--params simple-convnet.safetensors] [--epochs 1] [--out-dir .]
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pngjs from 'pngjs';
import { random, SimpleConvNet, type Tensor } from '../src/index.js';
import { netFromArgs, main as train } from './ch7-train-convnet.js';
import { isMain, num } from './common.js';

/** Options of {@link greyGridPng}. */
export interface GridOptions {
  /** Images per row (the book's `nx`); default 8. */
  nx?: number;
  /** Pixels between images; default 3. */
  margin?: number;
  /** Each image pixel becomes a `scale` x `scale` block; default 10. */
  scale?: number;
  /** Large values dark (matplotlib's `gray_r`, the book's choice); default true. */
  reversed?: boolean;
  /** Scale each image to its own min..max (imshow's default); false: values are in [0, 1]. Default true. */
  autoscale?: boolean;
}

/**
 * A PNG (grey, 8 bits) of images `(K, H, W)` in a grid, on a white background.
 * @example writeFileSync('filters.png', greyGridPng(net.params.W1.slice(':', 0)))
 */
export function greyGridPng(images: Tensor, options: GridOptions = {}): Uint8Array {
  const { nx = 8, margin = 3, scale = 10, reversed = true, autoscale = true } = options;
  if (images.ndim !== 3)
    throw new RangeError(`greyGridPng: images: expected (K, H, W), got (${images.shape})`);
  const [k, h, w] = images.shape;
  const cols = Math.min(nx, k);
  const rows = Math.ceil(k / nx);
  const width = cols * (w * scale + margin) + margin;
  const height = rows * (h * scale + margin) + margin;
  const rgba = new Uint8Array(width * height * 4).fill(255);
  const v = images.copy('float64').data;
  for (let i = 0; i < k; i++) {
    let lo = 0;
    let hi = 1;
    if (autoscale) {
      lo = Number.POSITIVE_INFINITY;
      hi = Number.NEGATIVE_INFINITY;
      for (let p = i * h * w; p < (i + 1) * h * w; p++) {
        lo = Math.min(lo, v[p]);
        hi = Math.max(hi, v[p]);
      }
    }
    const x0 = margin + (i % nx) * (w * scale + margin);
    const y0 = margin + Math.floor(i / nx) * (h * scale + margin);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const t = hi > lo ? (v[i * h * w + y * w + x] - lo) / (hi - lo) : 0.5;
        const grey = Math.round(255 * (reversed ? 1 - t : t));
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) {
            const o = ((y0 + y * scale + dy) * width + x0 + x * scale + dx) * 4;
            rgba[o] = rgba[o + 1] = rgba[o + 2] = grey;
          }
        }
      }
    }
  }
  return pngjs.PNG.sync.write({ width, height, data: rgba }, { colorType: 0 });
}

/** Options of {@link main}. */
export interface VisualizeFilterOptions {
  /** A parameter file from `ch7-train-convnet.ts --out`; default: train here. */
  params?: string;
  /** Epochs to train when there is no `params`; default 1. */
  epochs?: number;
  /** Training digits when training here (default all 8,000); for tests. */
  trainSize?: number;
  /** Directory of the two PNG files; default '.'. */
  outDir?: string;
  /** Seed of the global `random`; default 0. */
  seed?: number;
  /** Where lines go; default `console.log`. */
  log?: (line: string) => void;
}

/** The paths written. */
export interface VisualizeFilterResult {
  initial: string;
  trained: string;
}

export async function main(options: VisualizeFilterOptions = {}): Promise<VisualizeFilterResult> {
  const { epochs = 1, outDir = '.', seed = 0, log = console.log } = options;
  random.seed(seed);
  const network = new SimpleConvNet();
  // random initial weights
  const initial = join(outDir, 'filters-initial.png');
  writeFileSync(initial, greyGridPng(network.params.W1.slice(':', 0)));
  log(`wrote ${initial} (${network.params.W1.shape[0]} filters, random initial weights)`);

  // trained weights
  const trainedNet = await netFromArgs(
    options.params,
    async () =>
      (await train({ epochs, seed, trainSize: options.trainSize, evaluateSampleNumPerEpoch: 1000, log }))
        .network,
    log,
  );
  const trained = join(outDir, 'filters-trained.png');
  writeFileSync(trained, greyGridPng(trainedNet.params.W1.slice(':', 0)));
  log(`wrote ${trained} (after training)`);
  return { initial, trained };
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      params: { type: 'string' },
      epochs: { type: 'string' },
      'out-dir': { type: 'string' },
      seed: { type: 'string' },
    },
  });
  await main({
    params: values.params,
    epochs: num(values.epochs),
    outDir: values['out-dir'],
    seed: num(values.seed),
  });
}
