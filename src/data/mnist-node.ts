/**
 * The full MNIST (60,000 + 10,000 digits) from its four standard IDX files, Node only:
 * `downloadMnist` fetches them (SHA-256 checked, cached, resumable, written atomically) and
 * `loadMnistFromDir` reads them into the book's tensors.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Tensor } from '../tensor/tensor.js';
import { type ReadIdxFileOptions, readIdxFile } from './idx-node.js';
import {
  type LoadMnistOptions,
  type MnistBytes,
  type MnistData,
  mnistTensors,
  resolveMnistOptions,
} from './mnist.js';

/** The four standard MNIST file names (without `.gz`). */
export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/**
 * SHA-256 and size of the four original gzip files, as every MNIST mirror serves them (the same
 * sums are published by TensorFlow Datasets, torchvision and others).
 */
export const MNIST_SHA256: Readonly<Record<string, string>> = {
  'train-images-idx3-ubyte.gz': '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609',
  'train-labels-idx1-ubyte.gz': '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c',
  't10k-images-idx3-ubyte.gz': '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6',
  't10k-labels-idx1-ubyte.gz': 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
};

/** Sizes in bytes of the four original gzip files. */
export const MNIST_GZ_BYTES: Readonly<Record<string, number>> = {
  'train-images-idx3-ubyte.gz': 9912422,
  'train-labels-idx1-ubyte.gz': 28881,
  't10k-images-idx3-ubyte.gz': 1648877,
  't10k-labels-idx1-ubyte.gz': 4542,
};

/** The default mirror (the one the book's repository and torchvision use). Any base URL serving the four `.gz` files works. */
export const DEFAULT_MNIST_MIRROR = 'https://ossci-datasets.s3.amazonaws.com/mnist/';

/** Where `downloadMnist` puts the files unless told: `~/.cache/scratchnet/mnist`. */
export function defaultMnistDir(): string {
  return join(homedir(), '.cache', 'scratchnet', 'mnist');
}

// ---------------------------------------------------------------- loading from a directory

/** Options of `loadMnistFromDir`: those of `loadMnist` plus the IDX reader's size cap. */
export interface LoadMnistFromDirOptions extends LoadMnistOptions, ReadIdxFileOptions {}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function findIdx(dir: string, name: string): Promise<string> {
  const candidates = [join(dir, name), join(dir, `${name}.gz`)];
  for (const path of candidates) if (await exists(path)) return path;
  throw new Error(
    `loadMnistFromDir: ${name}: expected ${candidates.join(' or ')}, found neither (downloadMnist({ dir }) fetches the four files)`,
  );
}

async function readSet(
  dir: string,
  imagesName: string,
  labelsName: string,
  options: ReadIdxFileOptions,
): Promise<MnistBytes> {
  const imagesPath = await findIdx(dir, imagesName);
  const labelsPath = await findIdx(dir, labelsName);
  const images = await readIdxFile(imagesPath, options);
  const labels = await readIdxFile(labelsPath, options);
  const fail = (path: string, what: string, expected: string, t: Tensor): never => {
    throw new Error(
      `loadMnistFromDir(${path}): ${what}: expected ${expected}, got ${t.dtype} (${t.shape.join(', ')})`,
    );
  };
  if (images.dtype !== 'uint8' || images.ndim !== 3)
    fail(imagesPath, 'images', 'ubyte (N, rows, cols)', images);
  if (labels.dtype !== 'uint8' || labels.ndim !== 1) fail(labelsPath, 'labels', 'ubyte (N,)', labels);
  if (labels.shape[0] !== images.shape[0]) {
    throw new Error(
      `loadMnistFromDir: ${labelsPath} has ${labels.shape[0]} labels but ${imagesPath} has ${images.shape[0]} images; expected the same number`,
    );
  }
  return {
    images: images.data as Uint8Array,
    labels: labels.data as Uint8Array,
    count: images.shape[0],
    rows: images.shape[1],
    cols: images.shape[2],
  };
}

/**
 * The full MNIST from the four standard IDX files in `dir` (`train-images-idx3-ubyte`, ...;
 * each either plain or `.gz`), with the options of `loadMnist`: by default xTrain (60000, 784)
 * float32 in [0, 1], tTrain int32 (60000,), xTest (10000, 784), tTest (10000,).
 * The same loader reads Fashion-MNIST, whose files have the same names and format.
 * @example
 * await downloadMnist({ dir: 'data/mnist' });
 * const { xTrain, tTrain } = await loadMnistFromDir('data/mnist', { oneHotLabel: true });
 */
export async function loadMnistFromDir(
  dir: string,
  options: LoadMnistFromDirOptions = {},
): Promise<MnistData> {
  const resolved = resolveMnistOptions(options, 'loadMnistFromDir');
  const readOptions = { maxOutputLength: options.maxOutputLength };
  const train = await readSet(dir, MNIST_FILES.trainImages, MNIST_FILES.trainLabels, readOptions);
  const test = await readSet(dir, MNIST_FILES.testImages, MNIST_FILES.testLabels, readOptions);
  const a = mnistTensors(train, 0, train.count, resolved, 'loadMnistFromDir');
  const b = mnistTensors(test, 0, test.count, resolved, 'loadMnistFromDir');
  return { xTrain: a.x, tTrain: a.t, xTest: b.x, tTest: b.t };
}

// ---------------------------------------------------------------- downloading

/** What `downloadMnist` reports to `onProgress`. */
export interface DownloadProgress {
  /** File name, e.g. `'train-images-idx3-ubyte.gz'`. */
  file: string;
  /**
   * `'cached'`: the file was already there with the right hash (no request made);
   * `'download'`: bytes arrived; `'verify'`: hashing the finished download; `'done'`: in place.
   */
  phase: 'cached' | 'download' | 'verify' | 'done';
  /** Bytes of the file on disk so far (including any resumed part). */
  receivedBytes: number;
  /** Size of the whole file when the server said it, else null. */
  totalBytes: number | null;
  /** Where this request resumed (0 for a fresh download). */
  resumedFrom: number;
}

/** Options of `downloadMnist`. */
export interface DownloadMnistOptions {
  /** Base URL the file names are appended to. Default `DEFAULT_MNIST_MIRROR`. */
  mirror?: string;
  /** Directory for the files (created if missing). Default `defaultMnistDir()`. */
  dir?: string;
  /** File names to fetch. Default: the four standard `.gz` files. */
  files?: readonly string[];
  /**
   * Expected SHA-256 (hex) per file name. Default `MNIST_SHA256`. A file with no entry is refused
   * (no unchecked download by accident); map it to `null` to skip its check on purpose.
   */
  sha256?: Readonly<Record<string, string | null>>;
  /** Called as bytes arrive and as each file is found cached, verified and put in place. */
  onProgress?: (progress: DownloadProgress) => void;
  /** The fetch to use (default: the global `fetch`), e.g. to add a proxy or for tests. */
  fetch?: typeof fetch;
  /** How many times a cut connection is resumed (HTTP Range) before giving up. Default 3. */
  retries?: number;
  /** Aborts the download; the `.part` file stays, so a later call resumes it. */
  signal?: AbortSignal;
}

/** What `downloadMnist` did for one file. */
export interface DownloadedFile {
  file: string;
  path: string;
  /** Its SHA-256 (hex). */
  sha256: string;
  bytes: number;
  /** True if it was already present with the right hash and nothing was requested. */
  cached: boolean;
}

/** SHA-256 (hex) of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function removeIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOENT') throw err;
  }
}

/** An HTTP status that makes the download fail at once (not a cut connection). */
class HttpError extends Error {}

/**
 * One request: appends to (or restarts) `part`; returns when the body is complete. Throws on a cut
 * connection (the bytes received so far stay in `part`) and HttpError on a bad status.
 */
async function fetchInto(
  url: string,
  part: string,
  file: string,
  options: { fetch: typeof fetch; signal?: AbortSignal; onProgress?: (p: DownloadProgress) => void },
): Promise<void> {
  const offset = await sizeOf(part);
  const headers: Record<string, string> = { 'accept-encoding': 'identity' };
  if (offset > 0) headers.range = `bytes=${offset}-`;
  const res = await options.fetch(url, { headers, signal: options.signal });
  let start: number;
  let total: number | null = null;
  const length = res.headers.get('content-length');
  if (res.status === 206 && offset > 0) {
    const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '');
    if (!m || Number(m[1]) !== offset) {
      await res.body?.cancel();
      await removeIfPresent(part);
      throw new Error(
        `${file}: the server answered the range request from ${offset} with Content-Range '${res.headers.get('content-range')}'`,
      );
    }
    start = offset;
    if (m[3] !== '*') total = Number(m[3]);
  } else if (res.status === 416 && offset > 0) {
    // The part already holds the whole file (or more): let the checksum decide.
    await res.body?.cancel();
    return;
  } else if (res.status === 200) {
    start = 0;
    if (length !== null) total = Number(length);
  } else {
    await res.body?.cancel();
    throw new HttpError(`downloadMnist: GET ${url}: HTTP ${res.status} ${res.statusText}`.trim());
  }
  if (!res.body) throw new Error(`${file}: the response has no body`);
  const fh = await open(part, start === 0 ? 'w' : 'a');
  let received = start;
  try {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      await fh.write(value);
      received += value.length;
      options.onProgress?.({
        file,
        phase: 'download',
        receivedBytes: received,
        totalBytes: total,
        resumedFrom: start,
      });
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
  if (total !== null && received !== total) {
    throw new Error(`${file}: the connection closed after ${received} of ${total} bytes`);
  }
}

async function downloadOne(
  url: string,
  dir: string,
  file: string,
  expected: string | null,
  options: Required<Pick<DownloadMnistOptions, 'retries' | 'fetch'>> &
    Pick<DownloadMnistOptions, 'signal' | 'onProgress'>,
): Promise<DownloadedFile> {
  const path = join(dir, file);
  const part = `${path}.part`;
  if (await exists(path)) {
    const hash = await sha256File(path);
    if (expected === null || hash === expected) {
      const bytes = await sizeOf(path);
      options.onProgress?.({
        file,
        phase: 'cached',
        receivedBytes: bytes,
        totalBytes: bytes,
        resumedFrom: 0,
      });
      return { file, path, sha256: hash, bytes, cached: true };
    }
    // A damaged or different file: download again; the rename below replaces it atomically.
  }
  let freshRetryUsed = false;
  for (;;) {
    const resumed = (await sizeOf(part)) > 0;
    let lastError: unknown = null;
    for (let attempt = 0; attempt <= options.retries; attempt++) {
      try {
        await fetchInto(url, part, file, options);
        lastError = null;
        break;
      } catch (err) {
        lastError = err;
        if (err instanceof HttpError || options.signal?.aborted) throw err;
      }
    }
    if (lastError !== null) {
      const have = await sizeOf(part);
      throw new Error(
        `downloadMnist: ${file}: the download failed ${options.retries + 1} times (last: ${(lastError as Error).message}); ${have} bytes are kept in ${part}, and running downloadMnist again resumes from there`,
        { cause: lastError },
      );
    }
    const bytes = await sizeOf(part);
    options.onProgress?.({ file, phase: 'verify', receivedBytes: bytes, totalBytes: bytes, resumedFrom: 0 });
    const hash = await sha256File(part);
    if (expected !== null && hash !== expected) {
      await removeIfPresent(part);
      if (resumed && !freshRetryUsed) {
        // The part may have come from another version of the file: start once from zero.
        freshRetryUsed = true;
        continue;
      }
      throw new Error(
        `downloadMnist: ${file}: SHA-256 mismatch: expected ${expected}, got ${hash} (${bytes} bytes from ${url}); the download was deleted`,
      );
    }
    await rename(part, path);
    options.onProgress?.({ file, phase: 'done', receivedBytes: bytes, totalBytes: bytes, resumedFrom: 0 });
    return { file, path, sha256: hash, bytes, cached: false };
  }
}

/**
 * Downloads the four MNIST files (or `files`) from `mirror` into `dir`, one after the other:
 * - a file already in `dir` with the expected SHA-256 is kept and nothing is requested;
 * - bytes are written to `<file>.part`; a cut connection is resumed with an HTTP Range request
 *   (up to `retries` times, and again by the next call, even after the process died);
 * - the finished `.part` is hashed: on a mismatch it is deleted and the call throws, naming both
 *   hashes; on a match it is renamed to its final name, so a file under its final name is always
 *   complete and verified (the rename is atomic).
 * Resolves with what was done for each file. Needs the network only for files not yet cached.
 * @example
 * await downloadMnist({ dir: 'data/mnist', onProgress: (p) => console.log(p.file, p.receivedBytes) });
 * const data = await loadMnistFromDir('data/mnist');
 */
export async function downloadMnist(options: DownloadMnistOptions = {}): Promise<DownloadedFile[]> {
  const mirror = options.mirror ?? DEFAULT_MNIST_MIRROR;
  const base = new URL(mirror.endsWith('/') ? mirror : `${mirror}/`);
  const dir = options.dir ?? defaultMnistDir();
  const files = options.files ?? Object.keys(MNIST_SHA256);
  const sums = options.sha256 ?? MNIST_SHA256;
  const retries = options.retries ?? 3;
  if (!Number.isInteger(retries) || retries < 0) {
    throw new RangeError(`downloadMnist: retries: expected a non-negative integer, got ${retries}`);
  }
  const fetchFn = options.fetch ?? globalThis.fetch;
  if (typeof fetchFn !== 'function')
    throw new TypeError('downloadMnist: fetch: no global fetch here; pass options.fetch');
  for (const file of files) {
    if (!/^[\w.-]+$/.test(file) || file.startsWith('.')) {
      throw new RangeError(`downloadMnist: files: expected plain file names, got '${file}'`);
    }
    const sum = sums[file];
    if (sum === undefined) {
      throw new Error(
        `downloadMnist: sha256: no checksum for '${file}'; pass sha256: { '${file}': '<hex>' }, or null to skip the check`,
      );
    }
    if (sum !== null && !/^[0-9a-f]{64}$/.test(sum)) {
      throw new RangeError(
        `downloadMnist: sha256['${file}']: expected 64 lowercase hex digits, got '${sum}'`,
      );
    }
  }
  await mkdir(dir, { recursive: true });
  const out: DownloadedFile[] = [];
  for (const file of files) {
    const url = new URL(file, base).href;
    out.push(
      await downloadOne(url, dir, file, sums[file] ?? null, {
        retries,
        fetch: fetchFn,
        signal: options.signal,
        onProgress: options.onProgress,
      }),
    );
  }
  return out;
}
