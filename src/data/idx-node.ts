/**
 * Reading IDX files from disk (Node only): plain or gzip-compressed, recognised by their first bytes
 * (`1f 8b` is gzip) rather than by the file name.
 *
 * @module
 */
import { open, readFile, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { Tensor } from '../tensor/tensor.js';
import { IdxFormatError, isGzip, readIdx } from './idx.js';

const gunzipAsync = promisify(gunzip);

/** The default cap on the bytes of IDX data read from one file (after decompression): 1 GiB. */
export const DEFAULT_MAX_IDX_BYTES = 1024 * 1024 * 1024;

/** Options of `readIdxFile`. */
export interface ReadIdxFileOptions {
  /**
   * The most bytes of IDX data to accept, after decompression (zlib's `maxOutputLength`); a larger
   * file, or a gzip stream that inflates beyond it (a "zip bomb"), is an error before the memory is
   * spent. 1 GiB by default; MNIST's largest file is 47,040,016 bytes uncompressed.
   */
  maxOutputLength?: number;
}

/** The first two bytes of a file (enough to tell gzip). */
async function readHead(path: string): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const head = new Uint8Array(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * The bytes of an IDX file, gunzipped if they are gzip data (detected by the magic `1f 8b`).
 * Errors name the file.
 * @example const bytes = await readIdxBytes('data/train-labels-idx1-ubyte.gz')
 */
export async function readIdxBytes(path: string, options: ReadIdxFileOptions = {}): Promise<Uint8Array> {
  const max = options.maxOutputLength ?? DEFAULT_MAX_IDX_BYTES;
  if (!Number.isInteger(max) || max < 1) {
    throw new RangeError(`readIdxFile: maxOutputLength: expected a positive integer, got ${max}`);
  }
  const size = (await stat(path)).size;
  if (size > max && !isGzip(await readHead(path))) {
    throw new RangeError(
      `readIdxFile(${path}): the file has ${size} bytes, more than maxOutputLength (${max})`,
    );
  }
  const raw = await readFile(path);
  if (!isGzip(raw)) return raw;
  try {
    return await gunzipAsync(raw, { maxOutputLength: max });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw new RangeError(
        `readIdxFile(${path}): the gzip data inflates to more than maxOutputLength (${max} bytes); pass a larger maxOutputLength if the file is trusted`,
        { cause: err },
      );
    }
    throw new IdxFormatError(
      'gzip',
      'a complete, valid gzip stream',
      `damaged gzip data (${(err as Error).message})`,
      {
        cause: err,
        prefix: `readIdxFile(${path})`,
      },
    );
  }
}

/**
 * Reads an IDX file (`train-images-idx3-ubyte`, or its `.gz`) into a new Tensor, as `readIdx` does:
 * gzip data is decompressed with a cap on its size (`maxOutputLength`), and every kind of damage is
 * an error naming the file, the field, what was expected and what was found.
 * @example const images = await readIdxFile('data/train-images-idx3-ubyte.gz') // (60000, 28, 28) uint8
 */
export async function readIdxFile(path: string, options: ReadIdxFileOptions = {}): Promise<Tensor> {
  const bytes = await readIdxBytes(path, options);
  try {
    return readIdx(bytes);
  } catch (err) {
    if (err instanceof IdxFormatError) {
      throw new IdxFormatError(err.field, err.expected, err.actual, {
        cause: err,
        prefix: `readIdxFile(${path})`,
      });
    }
    throw err;
  }
}
