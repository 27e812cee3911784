/**
 * Chapter 7: gradient check of the SimpleConvNet — backpropagation against numerical differences.
 * Mirrors the book's `ch07/gradient_check.py`: `SimpleConvNet({ inputDim: [1, 10, 10], convParam:
 * { filterNum: 10, filterSize: 3, pad: 0, stride: 1 }, hiddenSize: 10, outputSize: 10,
 * weightInitStd: 0.01 })`, one random 10x10 image `random.rand(100).reshape(1, 1, 10, 10)` with label
 * 1, `numericalGradient` and `gradient`, then for each parameter the line `key mean|diff|`.
 *
 * What differs from the book:
 * - the label is given as `[1]` (the book's `np.array([1]).reshape((1,1))` is read as label 1 by its
 *   cross_entropy_error; scratchnet wants labels (N,) or one-hot (N, 10));
 * - seeded (`random.seed(0)`, `--seed`); the book is not seeded;
 * - the numerical gradient uses central differences with h = 1e-4 as the book's (`numericalGradient`),
 *   and then `gradcheckNet` (h = 1e-6, PyTorch's tolerances) prints its per-parameter report and the
 *   largest |diff|, which stays below 1e-6.
 *
 * Run: npx tsx examples/ch7-gradient-check.ts [--seed 0]
 */
import { parseArgs } from 'node:util';
import { formatGradcheckReport, gradcheckNet } from '../src/gradient/gradcheck.js';
import { pyFloat, random, SimpleConvNet } from '../src/index.js';
import { isMain, num } from './common.js';

/** Options of {@link main}. */
export interface ConvGradientCheckOptions {
  /** Seed of the global `random` (weights and the image); default 0. */
  seed?: number;
  /** Where lines go; default `console.log`. */
  log?: (line: string) => void;
}

/** Mean |diff| per parameter (the book's lines), and the gradcheck's largest |diff|. */
export interface ConvGradientCheckResult {
  meanAbsDiff: Record<string, number>;
  maxAbsDiff: number;
}

export async function main(options: ConvGradientCheckOptions = {}): Promise<ConvGradientCheckResult> {
  const { seed = 0, log = console.log } = options;
  random.seed(seed);
  const network = new SimpleConvNet({
    inputDim: [1, 10, 10],
    convParam: { filterNum: 10, filterSize: 3, pad: 0, stride: 1 },
    hiddenSize: 10,
    outputSize: 10,
    weightInitStd: 0.01,
  });
  const X = random.rand(100).reshape(1, 1, 10, 10);
  const T = [1];

  const gradNum = network.numericalGradient(X, T);
  const grad = network.gradient(X, T);

  const meanAbsDiff: Record<string, number> = {};
  for (const key of Object.keys(gradNum)) {
    meanAbsDiff[key] = gradNum[key].sub(grad[key]).abs().mean().item();
    log(`${key} ${pyFloat(meanAbsDiff[key])}`);
  }

  const report = gradcheckNet(network, X, T);
  log(formatGradcheckReport(report));
  log(
    `largest |diff| over all parameters: ${report.maxAbsDiff.toExponential(2)} (${report.passed ? 'passed' : 'FAILED'})`,
  );
  return { meanAbsDiff, maxAbsDiff: report.maxAbsDiff };
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: { seed: { type: 'string' } } });
  await main({ seed: num(values.seed) });
}
