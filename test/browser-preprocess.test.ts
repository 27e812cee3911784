/**
 * The web demo's drawing → MNIST digit step (web/src/preprocess.ts): crop to the ink, longer side to
 * 20 pixels with area averaging, centre of mass at the centre of 28 × 28. Checked on shapes with
 * known answers and on real MNIST digits, which were made the same way: a digit blown up 10 times
 * (as if drawn on a 280-pixel pad) comes back as itself.
 */
import { describe, expect, it } from 'vitest';
import { loadMnist } from '../src/index.js';
import { centerOfMass, type Gray, inkBounds, inkFromRgba, toMnist } from '../web/src/preprocess.js';

function blank(width: number, height: number): Gray {
  return { width, height, data: new Float32Array(width * height) };
}

function fillRect(img: Gray, x0: number, y0: number, w: number, h: number, v = 1): void {
  for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) img.data[y * img.width + x] = v;
}

const field = (pixels: Float32Array): Gray => ({ width: 28, height: 28, data: pixels });

describe('toMnist', () => {
  it('returns null for an empty drawing', () => {
    expect(toMnist(blank(280, 280))).toBeNull();
    expect(inkBounds(blank(5, 5))).toBeNull();
  });

  it('reads the ink from the alpha channel', () => {
    const rgba = new Uint8ClampedArray([10, 20, 30, 0, 10, 20, 30, 255, 0, 0, 0, 51]);
    expect([...inkFromRgba(rgba, 3, 1).data]).toEqual([0, 1, Math.fround(0.2)]);
  });

  it('scales the longer side to 20 pixels and centres the mass', () => {
    const img = blank(280, 280);
    fillRect(img, 10, 20, 40, 100); // a bar in the top-left corner, 2:5
    const out = toMnist(img)!;
    const b = inkBounds(field(out))!;
    expect(b.y1 - b.y0).toBe(20);
    expect(b.x1 - b.x0).toBe(8);
    const c = centerOfMass(field(out)); // pixel i's centre at i + 0.5: (14.5, 14.5) is pixel (14, 14)
    expect(Math.abs(c.x - 14.5)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(c.y - 14.5)).toBeLessThanOrEqual(0.5);
    // Area averaging keeps the total ink in proportion: 40 x 100 pixels scaled by 1/5 is 8 x 20.
    expect(out.reduce((a, v) => a + v, 0)).toBeCloseTo(160, 3);
  });

  it('makes gray edges when the box does not fall on whole pixels', () => {
    const img = blank(100, 100);
    fillRect(img, 0, 0, 30, 50); // 30 x 50 -> 12 x 20
    fillRect(img, 30, 0, 1, 50, 0.5);
    const out = toMnist(img)!;
    const values = new Set([...out].map((v) => Math.round(v * 100)));
    expect([...values].some((v) => v > 0 && v < 100)).toBe(true);
  });

  it('scales up a small drawing, a dot included', () => {
    const img = blank(280, 280);
    fillRect(img, 100, 100, 5, 10);
    const b = inkBounds(field(toMnist(img)!))!;
    expect([b.x1 - b.x0, b.y1 - b.y0]).toEqual([10, 20]);
    const dot = blank(50, 50);
    fillRect(dot, 3, 40, 1, 1);
    expect(toMnist(dot)!.reduce((a, v) => a + v, 0)).toBeCloseTo(400, 3);
  });

  it('gives back real MNIST digits drawn 10 times larger', async () => {
    // MNIST's digits were framed this very way, so most come back exactly; the others are a pixel off
    // (their centre of mass sits half-way between two pixels).
    const { xTest } = await loadMnist({ trainSize: 9900 });
    let exact = 0;
    for (let i = 0; i < 100; i++) {
      const digit = xTest.slice(i).toFlatArray();
      const big = blank(280, 280);
      for (let y = 0; y < 280; y++)
        for (let x = 0; x < 280; x++)
          big.data[y * 280 + x] = digit[Math.floor(y / 10) * 28 + Math.floor(x / 10)];
      const out = toMnist(big)!;
      const worst = Math.max(...digit.map((v, k) => Math.abs(v - out[k])));
      if (worst < 1e-4) exact++; // float32 sums of 100 parts
      // Always the same shape, at worst shifted by one pixel.
      const b0 = inkBounds(field(Float32Array.from(digit)))!;
      const b1 = inkBounds(field(out))!;
      expect(b1.x1 - b1.x0, `test digit ${i}`).toBe(b0.x1 - b0.x0);
      expect(b1.y1 - b1.y0, `test digit ${i}`).toBe(b0.y1 - b0.y0);
      expect(Math.abs(b1.x0 - b0.x0) + Math.abs(b1.y0 - b0.y0), `test digit ${i}`).toBeLessThanOrEqual(1);
    }
    expect(exact).toBeGreaterThanOrEqual(90);
  });
});
