/**
 * Chapter 5: gradient check — backpropagation against numerical differences.
 * Mirrors the book's `ch05/gradient_check.py`: `TwoLayerNet(784, 50, 10)` (Affine → ReLU → Affine →
 * SoftmaxWithLoss), the first 3 training samples with one-hot labels, `numericalGradient` (central
 * differences, h = 1e-4, each parameter perturbed in place) and `gradient` (backprop), then for each
 * parameter the line `key:mean|diff|`.
 *
 * What differs from the book:
 * - the data are the embedded digits (its first 3 training samples are other digits than the book's);
 * - none in the arithmetic: float64 parameters, and the book's float32 pixels promoted to float64
 *   (as numpy computes float32 images against float64 weights);
 * - seeded (`random.seed(0)`, `--seed`); the book is not seeded;
 * - a last line with the largest of the four differences.
 * The numerical gradient takes 2 loss evaluations per parameter (79,520 here): a few seconds.
 *
 * Run: npx tsx examples/ch5-gradient-check.ts [--seed 0]
 */
import { parseArgs } from 'node:util';
import { loadMnist, pyFloat, random, TwoLayerNet } from '../src/index.js';
import { isMain, num } from './common.js';

/** Options of {@link main}. */
export interface GradientCheckOptions {
  /** Seed of the global `random` (initial weights); default 0. */
  seed?: number;
  /** Hidden units (the book: 50). Smaller is faster, for tests. */
  hiddenSize?: number;
  /** Where lines go; default `console.log`. */
  log?: (line: string) => void;
}

/** Mean absolute difference between backprop and numerical gradient, per parameter. */
export type GradientCheckResult = Record<string, number>;

export async function main(options: GradientCheckOptions = {}): Promise<GradientCheckResult> {
  const { seed = 0, hiddenSize = 50, log = console.log } = options;
  random.seed(seed);
  // the book's float32 pixels (and one-hot labels), in float64 arithmetic as numpy promotes them
  const data = await loadMnist({ normalize: true, oneHotLabel: true });
  const xTrain = data.xTrain.astype('float64');
  const tTrain = data.tTrain.astype('float64');

  const network = new TwoLayerNet(784, hiddenSize, 10); // float64 parameters (the default)

  const xBatch = xTrain.slice(':3');
  const tBatch = tTrain.slice(':3');

  const gradNumerical = network.numericalGradient(xBatch, tBatch);
  const gradBackprop = network.gradient(xBatch, tBatch);

  const result: GradientCheckResult = {};
  for (const key of Object.keys(gradNumerical)) {
    const diff = gradBackprop[key].sub(gradNumerical[key]).abs().mean().item();
    result[key] = diff;
    log(`${key}:${pyFloat(diff)}`);
  }
  log(`largest mean |diff|: ${pyFloat(Math.max(...Object.values(result)))}`);
  return result;
}

if (isMain(import.meta.url)) {
  // --float64 is accepted for uniformity with the other examples: this one is always float64
  const { values } = parseArgs({
    options: { seed: { type: 'string' }, float64: { type: 'boolean', default: false } },
  });
  await main({ seed: num(values.seed) });
}
