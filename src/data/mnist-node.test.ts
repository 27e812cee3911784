import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Tensor } from '../tensor/tensor.js';
import { writeIdx } from './idx.js';
import {
  type DownloadProgress,
  downloadMnist,
  loadMnistFromDir,
  MNIST_FILES,
  MNIST_GZ_BYTES,
  MNIST_SHA256,
  sha256File,
} from './mnist-node.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'scratchnet-mnist-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let dirCount = 0;
async function freshDir(): Promise<string> {
  const d = join(root, `d${dirCount++}`);
  await mkdir(d, { recursive: true });
  return d;
}

/** A small MNIST-shaped set: n images of 28 x 28 bytes and n labels, deterministic. */
function makeSet(n: number, salt: number): { images: Uint8Array; labels: Uint8Array } {
  const images = new Tensor(
    Uint8Array.from({ length: n * 784 }, (_, i) => (i * 31 + salt * 7 + ((i * i) >> 3)) % 256),
    [n, 28, 28],
  );
  const labels = new Tensor(
    Uint8Array.from({ length: n }, (_, i) => (i * 3 + salt) % 10),
    [n],
  );
  return { images: writeIdx(images), labels: writeIdx(labels) };
}

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('loadMnistFromDir', () => {
  it('reads the four standard files, plain or .gz, with the loadMnist options', async () => {
    const dir = await freshDir();
    const train = makeSet(12, 1);
    const test = makeSet(5, 2);
    await writeFile(join(dir, MNIST_FILES.trainImages), train.images);
    await writeFile(join(dir, `${MNIST_FILES.trainLabels}.gz`), gzipSync(train.labels));
    await writeFile(join(dir, `${MNIST_FILES.testImages}.gz`), gzipSync(test.images));
    await writeFile(join(dir, MNIST_FILES.testLabels), test.labels);
    const d = await loadMnistFromDir(dir);
    expect(d.xTrain.shape).toEqual([12, 784]);
    expect(d.xTrain.dtype).toBe('float32');
    expect(d.tTrain.shape).toEqual([12]);
    expect(d.tTrain.dtype).toBe('int32');
    expect(d.xTest.shape).toEqual([5, 784]);
    expect(d.tTest.toFlatArray()).toEqual([2, 5, 8, 1, 4]);
    expect(d.xTrain.data[1]).toBe(Math.fround(train.images[16 + 1] / 255));
    const raw = await loadMnistFromDir(dir, { normalize: false, flatten: false, oneHotLabel: true });
    expect(raw.xTrain.dtype).toBe('uint8');
    expect(raw.xTrain.shape).toEqual([12, 1, 28, 28]);
    expect([...raw.xTrain.data]).toEqual([...train.images.subarray(16)]);
    expect(raw.tTest.shape).toEqual([5, 10]);
    expect(raw.tTest.get(1, 5)).toBe(1);
  });

  it('missing files, mismatched counts and wrong types: clear errors', async () => {
    const dir = await freshDir();
    await expect(loadMnistFromDir(dir)).rejects.toThrow(
      /train-images-idx3-ubyte\.gz, found neither \(downloadMnist/,
    );
    const train = makeSet(4, 0);
    const test = makeSet(3, 0);
    await writeFile(join(dir, MNIST_FILES.trainImages), train.images);
    await writeFile(join(dir, MNIST_FILES.trainLabels), makeSet(5, 0).labels);
    await writeFile(join(dir, MNIST_FILES.testImages), test.images);
    await writeFile(join(dir, MNIST_FILES.testLabels), test.labels);
    await expect(loadMnistFromDir(dir)).rejects.toThrow(/has 5 labels but .* has 4 images/);
    await writeFile(join(dir, MNIST_FILES.trainLabels), writeIdx(new Tensor(new Int32Array(4), [4])));
    await expect(loadMnistFromDir(dir)).rejects.toThrow(/labels: expected ubyte \(N,\), got int32 \(4\)/);
    await writeFile(
      join(dir, MNIST_FILES.trainLabels),
      writeIdx(new Tensor(new Uint8Array([1, 2, 3, 12]), [4])),
    );
    expect((await loadMnistFromDir(dir)).tTrain.toFlatArray()).toEqual([1, 2, 3, 12]);
    await expect(loadMnistFromDir(dir, { oneHotLabel: true })).rejects.toThrow(
      /label 3 is 12, expected a class 0\.\.9/,
    );
  });
});

// ---------------------------------------------------------------- the downloader against a local server

interface Logged {
  file: string;
  range: string | undefined;
}

const served: Record<string, Uint8Array> = {};
const sums: Record<string, string> = {};
const log: Logged[] = [];
/** File name -> how many more requests of it to cut mid-body. */
const cuts: Record<string, number> = {};
let ignoreRange = false;
let server: Server;
let mirror: string;

function handle(req: IncomingMessage, res: ServerResponse): void {
  const file = decodeURIComponent((req.url ?? '').replace(/^\/mnist\//, ''));
  log.push({ file, range: req.headers.range });
  const body = served[file];
  if (!body) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  let start = 0;
  const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  if (m && !ignoreRange) {
    start = Number(m[1]);
    if (start >= body.length) {
      res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
      return;
    }
    res.writeHead(206, {
      'content-length': body.length - start,
      'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
    });
  } else {
    res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' });
  }
  const rest = body.subarray(start);
  if ((cuts[file] ?? 0) > 0) {
    cuts[file]--;
    // Send half, give the client time to read it (a stream error discards chunks not yet read),
    // then drop the connection.
    res.write(rest.subarray(0, Math.floor(rest.length / 2)), () => {
      setTimeout(() => res.socket?.destroy(), 150);
    });
    return;
  }
  res.end(rest);
}

beforeAll(async () => {
  const train = makeSet(30, 3);
  const test = makeSet(10, 4);
  const gz = (b: Uint8Array, level = 6) => new Uint8Array(gzipSync(b, { level }));
  served['train-images-idx3-ubyte.gz'] = gz(train.images, 0);
  served['train-labels-idx1-ubyte.gz'] = gz(train.labels);
  served['t10k-images-idx3-ubyte.gz'] = gz(test.images, 0);
  served['t10k-labels-idx1-ubyte.gz'] = gz(test.labels);
  for (const [k, v] of Object.entries(served)) sums[k] = sha(v);
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mnist`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  log.length = 0;
  ignoreRange = false;
  for (const k of Object.keys(cuts)) delete cuts[k];
});

describe('downloadMnist', () => {
  it('knows the SHA-256 and sizes of the four original files', () => {
    expect(Object.keys(MNIST_SHA256).sort()).toEqual(Object.keys(MNIST_GZ_BYTES).sort());
    for (const v of Object.values(MNIST_SHA256)) expect(v).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(MNIST_SHA256)).toHaveLength(4);
  });

  it('downloads and verifies the four files, then loadMnistFromDir reads them', async () => {
    const dir = join(await freshDir(), 'nested', 'mnist');
    const events: DownloadProgress[] = [];
    const result = await downloadMnist({ mirror, dir, sha256: sums, onProgress: (p) => events.push(p) });
    expect(result.map((r) => [r.file, r.cached, r.sha256])).toEqual(
      Object.keys(sums).map((k) => [k, false, sums[k]]),
    );
    expect(log.map((l) => l.file)).toEqual(Object.keys(sums));
    expect(log.every((l) => l.range === undefined)).toBe(true);
    for (const [file, bytes] of Object.entries(served)) {
      expect(new Uint8Array(await readFile(join(dir, file)))).toEqual(bytes);
    }
    expect((await readdir(dir)).sort()).toEqual(Object.keys(served).sort());
    expect(events.filter((e) => e.phase === 'done').map((e) => e.file)).toEqual(Object.keys(sums));
    const last = events
      .filter((e) => e.phase === 'download' && e.file === 'train-images-idx3-ubyte.gz')
      .at(-1);
    expect(last?.receivedBytes).toBe(served['train-images-idx3-ubyte.gz'].length);
    expect(last?.totalBytes).toBe(served['train-images-idx3-ubyte.gz'].length);
    const data = await loadMnistFromDir(dir);
    expect(data.xTrain.shape).toEqual([30, 784]);
    expect(data.xTest.shape).toEqual([10, 784]);

    // a second call finds every file cached and makes no request
    log.length = 0;
    const again: DownloadProgress[] = [];
    const second = await downloadMnist({ mirror, dir, sha256: sums, onProgress: (p) => again.push(p) });
    expect(second.every((r) => r.cached)).toBe(true);
    expect(log).toEqual([]);
    expect(again.map((e) => e.phase)).toEqual(['cached', 'cached', 'cached', 'cached']);
  });

  it('a checksum mismatch rejects and leaves no file behind', async () => {
    const dir = await freshDir();
    const file = 't10k-labels-idx1-ubyte.gz';
    const wrong = 'f'.repeat(64);
    await expect(downloadMnist({ mirror, dir, files: [file], sha256: { [file]: wrong } })).rejects.toThrow(
      new RegExp(`${file}: SHA-256 mismatch: expected ${wrong}, got ${sums[file]}.*the download was deleted`),
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('resumes with an HTTP Range request after the server cuts the connection mid-file', async () => {
    const dir = await freshDir();
    const file = 'train-images-idx3-ubyte.gz';
    const size = served[file].length;
    cuts[file] = 1;
    const events: DownloadProgress[] = [];
    const [r] = await downloadMnist({
      mirror,
      dir,
      files: [file],
      sha256: sums,
      onProgress: (p) => events.push(p),
    });
    expect(r.cached).toBe(false);
    expect(new Uint8Array(await readFile(join(dir, file)))).toEqual(served[file]);
    expect(log).toHaveLength(2);
    expect(log[0].range).toBeUndefined();
    expect(log[1].range).toBe(`bytes=${Math.floor(size / 2)}-`);
    expect(events.some((e) => e.phase === 'download' && e.resumedFrom === Math.floor(size / 2))).toBe(true);
    expect(await readdir(dir)).toEqual([file]);
  });

  it('atomic: a download that keeps failing leaves only the .part, and the next call resumes it', async () => {
    const dir = await freshDir();
    const file = 't10k-images-idx3-ubyte.gz';
    const size = served[file].length;
    cuts[file] = 3;
    await expect(downloadMnist({ mirror, dir, files: [file], sha256: sums, retries: 2 })).rejects.toThrow(
      /failed 3 times .* bytes are kept in .*\.part, and running downloadMnist again resumes from there/,
    );
    expect(existsSync(join(dir, file))).toBe(false);
    const partSize = (await stat(join(dir, `${file}.part`))).size;
    expect(partSize).toBeGreaterThan(0);
    expect(partSize).toBeLessThan(size);
    log.length = 0;
    await downloadMnist({ mirror, dir, files: [file], sha256: sums });
    expect(log).toEqual([{ file, range: `bytes=${partSize}-` }]);
    expect(await sha256File(join(dir, file))).toBe(sums[file]);
    expect(await readdir(dir)).toEqual([file]);
  });

  it('a server that ignores Range: the download restarts from zero and still verifies', async () => {
    const dir = await freshDir();
    const file = 'train-labels-idx1-ubyte.gz';
    await writeFile(join(dir, `${file}.part`), served[file].subarray(0, 10));
    ignoreRange = true;
    await downloadMnist({ mirror, dir, files: [file], sha256: sums });
    expect(log).toEqual([{ file, range: 'bytes=10-' }]);
    expect(await sha256File(join(dir, file))).toBe(sums[file]);
  });

  it('a stale .part from another file is discarded after its checksum fails, and the file fetched afresh', async () => {
    const dir = await freshDir();
    const file = 'train-labels-idx1-ubyte.gz';
    await writeFile(join(dir, `${file}.part`), new Uint8Array(50).fill(9));
    await downloadMnist({ mirror, dir, files: [file], sha256: sums });
    expect(log).toEqual([
      { file, range: 'bytes=50-' },
      { file, range: undefined },
    ]);
    expect(await sha256File(join(dir, file))).toBe(sums[file]);
    // a .part longer than the file: 416, then the same recovery
    await rm(join(dir, file));
    await writeFile(join(dir, `${file}.part`), new Uint8Array(served[file].length + 10));
    log.length = 0;
    await downloadMnist({ mirror, dir, files: [file], sha256: sums });
    expect(log.map((l) => l.range)).toEqual([`bytes=${served[file].length + 10}-`, undefined]);
    expect(await readdir(dir)).toEqual([file]);
  });

  it('a file present with the wrong content is downloaded again and replaced', async () => {
    const dir = await freshDir();
    const file = 't10k-labels-idx1-ubyte.gz';
    await writeFile(join(dir, file), 'corrupt');
    const [r] = await downloadMnist({ mirror, dir, files: [file], sha256: sums });
    expect(r.cached).toBe(false);
    expect(await sha256File(join(dir, file))).toBe(sums[file]);
  });

  it('HTTP errors, unknown checksums and bad names are reported without retrying', async () => {
    const dir = await freshDir();
    await expect(
      downloadMnist({ mirror, dir, files: ['missing.gz'], sha256: { 'missing.gz': null } }),
    ).rejects.toThrow(/GET http:\/\/127\.0\.0\.1:\d+\/mnist\/missing\.gz: HTTP 404 Not Found/);
    expect(log).toHaveLength(1);
    log.length = 0;
    await expect(downloadMnist({ mirror, dir, files: ['other.gz'] })).rejects.toThrow(
      /no checksum for 'other\.gz'; pass sha256: \{ 'other\.gz': '<hex>' \}, or null/,
    );
    await expect(
      downloadMnist({ mirror, dir, files: ['../evil'], sha256: { '../evil': null } }),
    ).rejects.toThrow(/plain file names/);
    await expect(downloadMnist({ mirror, dir, files: ['x.gz'], sha256: { 'x.gz': 'ABC' } })).rejects.toThrow(
      /64 lowercase hex/,
    );
    expect(log).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('null checksum skips the check; a custom fetch is used', async () => {
    const dir = await freshDir();
    const file = 't10k-labels-idx1-ubyte.gz';
    const urls: string[] = [];
    const myFetch: typeof fetch = (input, init) => {
      urls.push(String(input));
      return fetch(input, init);
    };
    const [r] = await downloadMnist({
      mirror: `${mirror}/`,
      dir,
      files: [file],
      sha256: { [file]: null },
      fetch: myFetch,
    });
    expect(urls).toEqual([`${mirror}/${file}`]);
    expect(r.sha256).toBe(sums[file]);
  });
});
