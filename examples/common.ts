/**
 * Small helpers shared by the chapter examples: "run main when executed directly", the command-line
 * flags several examples take (`--iters`, `--seed`, `--float64`, the conv nets' `--epochs` ...), and
 * the MNIST loading of chapter 6 (float32 pixels promoted to float64 on request, as numpy does).
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadMnist, type MnistData } from '../src/index.js';

/** Parameter precision of the examples. */
export type Dtype = 'float32' | 'float64';

/**
 * True when the module at `moduleUrl` (pass `import.meta.url`) is the script node was started with,
 * i.e. `npx tsx examples/<name>.ts`, not an import by a test or another example.
 */
export function isMain(moduleUrl: string): boolean {
  return Boolean(process.argv[1]) && moduleUrl === pathToFileURL(process.argv[1]).href;
}

/** `--name VALUE` as an integer >= 0 (undefined when absent); a RangeError otherwise. */
export function intArg(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`${name}: expected an integer >= 0, got '${value}'`);
  return n;
}

/** An optional flag's value as a number, unchecked (`Number(v)`; undefined when absent). */
export function num(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}

/** The dtype a `--float64` flag selects. */
export function dtypeOf(float64: boolean | undefined): Dtype {
  return float64 ? 'float64' : 'float32';
}

/** `--iters N --seed N --float64`, checked (the flags of chapters 4, 5 and 6's comparisons). */
export function parseItersSeedArgs(): { iters?: number; seed?: number; dtype: Dtype } {
  const { values } = parseArgs({
    options: {
      float64: { type: 'boolean', default: false },
      iters: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  return {
    iters: intArg('--iters', values.iters),
    seed: intArg('--seed', values.seed),
    dtype: dtypeOf(values.float64),
  };
}

/** `--epochs N --seed N --dtype float32|float64 --train-size N --out FILE` (the conv nets' training). */
export function parseConvTrainArgs(): {
  epochs?: number;
  seed?: number;
  dtype?: Dtype;
  trainSize?: number;
  out?: string;
} {
  const { values } = parseArgs({
    options: {
      epochs: { type: 'string' },
      seed: { type: 'string' },
      dtype: { type: 'string' },
      'train-size': { type: 'string' },
      out: { type: 'string' },
    },
  });
  return {
    epochs: num(values.epochs),
    seed: num(values.seed),
    dtype: values.dtype as Dtype | undefined,
    trainSize: num(values['train-size']),
    out: values.out,
  };
}

/**
 * The embedded MNIST, normalized, with integer labels; for 'float64' the book's float32 pixels in
 * float64 arithmetic, as numpy promotes them.
 */
export async function loadMnistAs(dtype: Dtype): Promise<MnistData> {
  const raw = await loadMnist({ normalize: true });
  return dtype === 'float64'
    ? { ...raw, xTrain: raw.xTrain.astype('float64'), xTest: raw.xTest.astype('float64') }
    : raw;
}
