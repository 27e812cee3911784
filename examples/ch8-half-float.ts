/**
 * Chapter 8: half precision is enough for inference.
 * Mirrors the book's `ch08/half_float_network.py`: the trained `DeepConvNet`'s test accuracy in full
 * precision, then with the test images and every parameter converted to float16
 * (`x_test.astype(np.float16)`, `param[...] = param.astype(np.float16)`): about the same.
 *
 * What differs from the book:
 * - JavaScript has no float16 arrays (and Node 20 no `Math.f16round`): {@link f16round} rounds a
 *   number to the nearest float16 value (round half to even, subnormals, overflow to ±Infinity, as
 *   numpy's `astype(np.float16)`), and the rounded values are stored in float64. So the weights and
 *   inputs are exactly the book's float16 values, but the arithmetic stays float64 (numpy computes
 *   in float16 there, rounding every intermediate result too);
 * - the net comes from `--params` (a file of `ch8-deep-convnet.ts --out`); without it a DeepConvNet
 *   is trained here for `--epochs` (default 1) epochs;
 * - both accuracies are printed (the book comments the float64 one out), on the 2,000 embedded test
 *   digits, plus the largest relative change of a weight (within float16's normal range, |w| >= 2^-14)
 *   and how many weights fall below that range.
 *
 * Run: npx tsx examples/ch8-half-float.ts [--params deep-convnet.safetensors] [--epochs 1]
 */
import { parseArgs } from 'node:util';
import { loadMnist, random, type Tensor } from '../src/index.js';
import { netFromArgs } from './ch7-train-convnet.js';
import { main as trainDeep } from './ch8-deep-convnet.js';
import { isMain, num } from './common.js';

const F16_MIN_NORMAL = 2 ** -14;
const F16_SUBNORMAL_STEP = 2 ** -24;

/** Rounds to an integer, ties to even. */
function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * The float16 value nearest to `x` (IEEE 754 binary16: 11 significant bits, exponents -14..15,
 * subnormals down to 2^-24), ties to even; beyond the largest float16 (65504) by half a step or more,
 * ±Infinity; NaN, ±0 and ±Infinity unchanged. Equals numpy's `np.float16(x)` read back as a float.
 * @example f16round(0.1)     // 0.0999755859375
 * @example f16round(65520)   // Infinity
 * @example f16round(2 ** -25) // 0 (a tie, to even)
 */
export function f16round(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const a = Math.abs(x);
  let q: number;
  if (a < F16_MIN_NORMAL) {
    q = roundHalfEven(a / F16_SUBNORMAL_STEP) * F16_SUBNORMAL_STEP;
  } else {
    let e = Math.floor(Math.log2(a));
    if (2 ** e > a) e--;
    else if (2 ** (e + 1) <= a) e++;
    const step = 2 ** (e - 10); // 10 fraction bits
    q = roundHalfEven(a / step) * step;
    if (q > 65504) q = Number.POSITIVE_INFINITY;
  }
  return x < 0 ? -q : q;
}

/**
 * `t` rounded elementwise to float16 values, in place (through views too); returns `t`.
 * @example roundToFloat16InPlace(net.params.W1)
 */
export function roundToFloat16InPlace(t: Tensor): Tensor {
  return t.assign(mapFloat16(t));
}

/** A float64 copy of `t` with every element rounded to float16. */
function mapFloat16(t: Tensor): Tensor {
  const c = t.copy('float64');
  const d = c.data;
  for (let i = 0; i < d.length; i++) d[i] = f16round(d[i]);
  return c;
}

/** Options of {@link main}. */
export interface HalfFloatOptions {
  /** A parameter file of a conv net; default: train a DeepConvNet here. */
  params?: string;
  /** Epochs to train when there is no `params`; default 1. */
  epochs?: number;
  /** Training digits when training here (default all 8,000); for tests. */
  trainSize?: number;
  /** Seed of the global `random`; default 0. */
  seed?: number;
  /** Where lines go; default `console.log`. */
  log?: (line: string) => void;
}

/** Both accuracies, the largest relative change of a weight in float16's normal range, the weights below it. */
export interface HalfFloatResult {
  accuracy: number;
  accuracyFloat16: number;
  maxRelativeChange: number;
  subnormalWeights: number;
}

export async function main(options: HalfFloatOptions = {}): Promise<HalfFloatResult> {
  const { epochs = 1, seed = 0, log = console.log } = options;
  random.seed(seed);
  const network = await netFromArgs(
    options.params,
    async () =>
      (await trainDeep({ epochs, seed, trainSize: options.trainSize, dtype: 'float64', log })).network,
    log,
  );
  const { xTest, tTest } = await loadMnist({ flatten: false, dtype: 'float64' });
  // float64 parameters, so that the float16 values are held exactly
  for (const key of Object.keys(network.params)) network.params[key] = network.params[key].astype('float64');

  log('calculate accuracy (float64) ... ');
  const accuracy = network.accuracy(xTest, tTest);
  log(String(accuracy));

  // to float16 values
  let maxRelativeChange = 0;
  let tiny = 0;
  let total = 0;
  const x16 = mapFloat16(xTest);
  for (const param of Object.values(network.params)) {
    const before = param.copy().data;
    roundToFloat16InPlace(param);
    const after = param.data;
    total += before.length;
    for (let i = 0; i < before.length; i++) {
      const a = Math.abs(before[i]);
      if (a < F16_MIN_NORMAL) tiny++;
      else maxRelativeChange = Math.max(maxRelativeChange, Math.abs(after[i] - before[i]) / a);
    }
  }
  log('calculate accuracy (float16) ... ');
  const accuracyFloat16 = network.accuracy(x16, tTest);
  log(String(accuracyFloat16));
  log(
    `largest relative change of a weight: ${maxRelativeChange.toExponential(2)} (float16 keeps 11 significant bits); ` +
      `${tiny} of ${total} weights are below 2^-14 and lost precision (float16 subnormals) or became 0`,
  );
  return { accuracy, accuracyFloat16, maxRelativeChange, subnormalWeights: tiny };
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: { params: { type: 'string' }, epochs: { type: 'string' }, seed: { type: 'string' } },
  });
  await main({ params: values.params, epochs: num(values.epochs), seed: num(values.seed) });
}
