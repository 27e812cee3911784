/**
 * The chapter 7 and 8 examples (examples/ch7-*.ts, examples/ch8-*.ts) on tiny runs: the gradient
 * check, saving and loading conv nets, the PNG grids, float16 rounding against numpy.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pngjs from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { main as gradientCheck } from '../../examples/ch7-gradient-check.js';
import { loadConvNet, saveConvNet, main as trainConvNet } from '../../examples/ch7-train-convnet.js';
import { main as visualize } from '../../examples/ch7-visualize-filter.js';
import { f16round, main as halfFloat } from '../../examples/ch8-half-float.js';
import { main as misclassified } from '../../examples/ch8-misclassified.js';
import { loadFixture } from '../../test/helpers/fixtures.js';
import { RandomState } from '../random/random-state.js';
import { DeepConvNet } from './deep-conv-net.js';

const dir = mkdtempSync(join(tmpdir(), 'scratchnet-conv-examples-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const quiet = (): void => {};

describe('float16 rounding (ch8-half-float)', () => {
  it("equals numpy's astype(np.float16) on random magnitudes, ties and subnormals", () => {
    const { float16 } = loadFixture<{ float16: { x: number[]; y: number[] } }>('conv_fixtures.json');
    const got = float16.x.map(f16round);
    expect(got).toEqual(float16.y);
  });

  it('overflows to infinity from half a step above 65504, keeps NaN, zeros and signs', () => {
    expect(f16round(65519.99)).toBe(65504);
    expect(f16round(65520)).toBe(Number.POSITIVE_INFINITY);
    expect(f16round(-1e6)).toBe(Number.NEGATIVE_INFINITY);
    expect(f16round(Number.NaN)).toBeNaN();
    expect(Object.is(f16round(-0), -0)).toBe(true);
    expect(f16round(2 ** -25)).toBe(0);
    expect(f16round(0.1)).toBe(0.0999755859375);
  });
});

describe('examples', () => {
  it('ch7-gradient-check: largest |diff| below 1e-6', async () => {
    const { maxAbsDiff, meanAbsDiff } = await gradientCheck({ log: quiet });
    expect(maxAbsDiff).toBeLessThan(1e-6);
    expect(Object.keys(meanAbsDiff)).toEqual(['W1', 'b1', 'W2', 'b2', 'W3', 'b3']);
  });

  it('saveConvNet / loadConvNet round-trip both nets', () => {
    const deep = new DeepConvNet({ inputDim: [1, 12, 12], rng: new RandomState(0), dtype: 'float32' });
    const path = join(dir, 'deep.safetensors');
    saveConvNet(deep, path);
    const back = loadConvNet(path);
    expect(back).toBeInstanceOf(DeepConvNet);
    expect((back as DeepConvNet).architecture).toEqual(deep.architecture);
    for (const key of Object.keys(deep.params))
      expect(back.params[key].toArray()).toEqual(deep.params[key].toArray());
  });

  it('ch7-train-convnet, ch7-visualize-filter, ch8-misclassified, ch8-half-float on a tiny run', async () => {
    const params = join(dir, 'simple.safetensors');
    const lines: string[] = [];
    const trained = await trainConvNet({
      epochs: 1,
      trainSize: 200,
      evaluateSampleNumPerEpoch: 100,
      out: params,
      log: (l) => lines.push(l),
    });
    expect(trained.steps).toBe(2);
    expect(lines.some((l) => l.startsWith('=== epoch:1, train acc:'))).toBe(true);

    const { initial, trained: after } = await visualize({ params, outDir: dir, log: quiet });
    for (const file of [initial, after]) {
      const png = pngjs.PNG.sync.read(readFileSync(file));
      expect([png.width, png.height]).toEqual([8 * 53 + 3, 4 * 53 + 3]); // 30 filters of 5x5 at scale 10
    }

    const mis = await misclassified({ params, out: join(dir, 'mis.png'), log: quiet });
    expect(mis.misclassified.length).toBe(20);
    expect(mis.accuracy).toBeGreaterThan(0.1);
    expect(pngjs.PNG.sync.read(readFileSync(mis.out)).width).toBe(5 * (28 * 3 + 4) + 4);

    const half = await halfFloat({ params, log: quiet });
    expect(Math.abs(half.accuracy - half.accuracyFloat16)).toBeLessThan(0.01);
    expect(half.maxRelativeChange).toBeLessThanOrEqual(2 ** -11);
  });
});
