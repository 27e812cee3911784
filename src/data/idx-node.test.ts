import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tensor } from '../tensor/tensor.js';
import { IdxFormatError, writeIdx } from './idx.js';
import { readIdxBytes, readIdxFile } from './idx-node.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scratchnet-idx-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const images = new Tensor(
  Uint8Array.from({ length: 3 * 4 * 5 }, (_, i) => (i * 37) % 256),
  [3, 4, 5],
);

describe('readIdxFile', () => {
  it('reads a plain IDX file', async () => {
    const path = join(dir, 'plain-idx3-ubyte');
    await writeFile(path, writeIdx(images));
    const x = await readIdxFile(path);
    expect(x.dtype).toBe('uint8');
    expect(x.shape).toEqual([3, 4, 5]);
    expect(x.toFlatArray()).toEqual(images.toFlatArray());
  });

  it('gunzips a .gz file (recognised by its bytes, whatever its name)', async () => {
    const gz = gzipSync(writeIdx(images));
    for (const name of ['images-idx3-ubyte.gz', 'no-extension']) {
      const path = join(dir, name);
      await writeFile(path, gz);
      const x = await readIdxFile(path);
      expect(x.shape).toEqual([3, 4, 5]);
      expect(x.toFlatArray()).toEqual(images.toFlatArray());
    }
    const f64 = new Tensor(new Float64Array([0.25, -1, 1e10]), [3]);
    await writeFile(join(dir, 'd.gz'), gzipSync(writeIdx(f64)));
    expect((await readIdxFile(join(dir, 'd.gz'))).toFlatArray()).toEqual([0.25, -1, 1e10]);
  });

  it('caps the decompressed size (maxOutputLength)', async () => {
    const big = new Tensor(new Uint8Array(200_000), [200_000]);
    const path = join(dir, 'bomb.gz');
    const gz = gzipSync(writeIdx(big));
    expect(gz.length).toBeLessThan(1000);
    await writeFile(path, gz);
    await expect(readIdxFile(path, { maxOutputLength: 100_000 })).rejects.toThrow(
      /inflates to more than maxOutputLength \(100000 bytes\)/,
    );
    expect((await readIdxFile(path, { maxOutputLength: 200_008 })).shape).toEqual([200_000]);
    // and a raw file larger than the cap is refused before it is read
    const raw = join(dir, 'raw-big');
    await writeFile(raw, writeIdx(big));
    await expect(readIdxFile(raw, { maxOutputLength: 1000 })).rejects.toThrow(
      /200008 bytes, more than maxOutputLength \(1000\)/,
    );
    await expect(readIdxFile(raw, { maxOutputLength: 0 })).rejects.toThrow(/positive integer/);
  });

  it('damaged gzip data: an IdxFormatError naming the file', async () => {
    const gz = gzipSync(writeIdx(images));
    const path = join(dir, 'cut.gz');
    await writeFile(path, gz.subarray(0, gz.length - 10));
    const err = await readIdxFile(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IdxFormatError);
    expect((err as IdxFormatError).field).toBe('gzip');
    expect((err as Error).message).toContain(path);
    const flipped = Buffer.from(gz);
    flipped[20] ^= 0xff;
    await writeFile(path, flipped);
    await expect(readIdxFile(path)).rejects.toThrow(/gzip/);
  });

  it('a damaged IDX inside the gzip: the field error, prefixed with the path', async () => {
    const bytes = writeIdx(images);
    const path = join(dir, 'short.gz');
    await writeFile(path, gzipSync(bytes.subarray(0, bytes.length - 1)));
    const err = (await readIdxFile(path).catch((e: unknown) => e)) as IdxFormatError;
    expect(err).toBeInstanceOf(IdxFormatError);
    expect(err.field).toBe('data');
    expect(err.message).toMatch(
      new RegExp(`^readIdxFile\\(${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\): data: expected`),
    );
  });

  it('a missing file rejects with the system error', async () => {
    await expect(readIdxFile(join(dir, 'nope'))).rejects.toThrow(/ENOENT/);
  });

  it('readIdxBytes returns the decompressed bytes', async () => {
    const path = join(dir, 'b.gz');
    await writeFile(path, gzipSync(new Uint8Array([1, 2, 3])));
    expect([...(await readIdxBytes(path))]).toEqual([1, 2, 3]);
  });
});
