/**
 * The CLI's parts on their own: flag parsing, the MNIST-style image conversion, the progress
 * display, the plots.
 */
import { describe, expect, it } from 'vitest';
import { CliError, intFlag, intListFlag, numberFlag, parseFlags, suggest } from '../src/cli/args.js';
import { confusionMatrix, confusionSvg, matrixAccuracy } from '../src/cli/confusion.js';
import { decodeImage, resize, rgbaToGrey, sniff, toMnist } from '../src/cli/image.js';
import { clock, styleFor, visibleLength } from '../src/cli/io.js';
import { curvesSvg, movingAverage } from '../src/cli/plot.js';
import { bar, Progress } from '../src/cli/progress.js';
import { niceTicks } from '../src/cli/svg.js';
import { loadMnist } from '../src/index.js';

describe('flags', () => {
  const specs = { lr: { type: 'string', help: '' }, batchnorm: { type: 'boolean', help: '' } } as const;
  it('reads --flag value, --flag=value, negative values, switches and positionals', () => {
    const p = parseFlags('x', ['a', '--lr', '-1', '--batchnorm', 'b', '--lr=2'], specs);
    expect(p.values.lr).toBe('2');
    expect(p.switches.has('batchnorm')).toBe(true);
    expect(p.positionals).toEqual(['a', 'b']);
    expect(parseFlags('x', ['--lr', '-0.5'], specs).values.lr).toBe('-0.5');
    expect(parseFlags('x', ['--', '--lr'], specs).positionals).toEqual(['--lr']);
  });
  it('validates numbers strictly', () => {
    expect(numberFlag('x', 'lr', '1e-3', { gt: 0 })).toBe(0.001);
    for (const bad of ['', ' ', '0x10', '1e', 'Infinity', 'NaN', '1,5', '--1']) {
      expect(() => numberFlag('x', 'lr', bad, { gt: 0 }), bad).toThrow(CliError);
    }
    expect(intFlag('x', 'n', '12', 1)).toBe(12);
    expect(() => intFlag('x', 'n', '1.0000001', 1)).toThrow("--n: expected an integer >= 1, got '1.0000001'");
    expect(intListFlag('x', 'hidden', '100, 50')).toEqual([100, 50]);
    expect(() => intListFlag('x', 'hidden', '100,')).toThrow(CliError);
  });
  it('suggests near names, transpositions included', () => {
    expect(suggest('trian', ['train', 'eval'])).toBe('train');
    expect(suggest('--epoch', ['--epochs', '--lr'])).toBe('--epochs');
    expect(suggest('zzz', ['train', 'eval'])).toBeUndefined();
  });
});

describe('MNIST-style image conversion', () => {
  it('leaves MNIST digits as they are (crop, 20 px, centre of mass): the same pixels, nearly', async () => {
    const { xTest } = await loadMnist({ dtype: 'float64' });
    let total = 0;
    for (let i = 0; i < 50; i++) {
      const px = Float64Array.from(xTest.slice(i).toFlatArray());
      const c = toMnist('x', { width: 28, height: 28, data: px });
      expect(c.inverted).toBe(false);
      let diff = 0;
      for (let k = 0; k < 784; k++) diff += Math.abs(c.pixels[k] - px[k]);
      total += diff / px.reduce((a, b) => a + b, 0);
    }
    // Resampling 20-ish px boxes to exactly 20 px blurs a little; the digit stays where it was.
    expect(total / 50).toBeLessThan(0.35);
  });

  it('inverts dark-on-light, crops, keeps the aspect, centres by the centre of mass', () => {
    // A 10x40 dark bar on a light 200x100 page, off centre.
    const w = 200;
    const h = 100;
    const data = new Float64Array(w * h).fill(0.9);
    for (let y = 30; y < 70; y++) for (let x = 20; x < 30; x++) data[y * w + x] = 0.1;
    const c = toMnist('x', { width: w, height: h, data });
    expect(c.inverted).toBe(true);
    expect(c.box).toEqual([20, 30, 10, 40]);
    // 40 px tall -> 20 px; 10 wide -> 5 px; centred at (14, 14).
    let rows = 0;
    let cols = 0;
    let mx = 0;
    let my = 0;
    let m = 0;
    for (let y = 0; y < 28; y++) {
      let any = false;
      for (let x = 0; x < 28; x++) {
        const v = c.pixels[y * 28 + x];
        if (v > 0.5) any = true;
        m += v;
        mx += v * x;
        my += v * y;
      }
      if (any) rows++;
    }
    for (let x = 0; x < 28; x++) if ([...Array(28).keys()].some((y) => c.pixels[y * 28 + x] > 0.5)) cols++;
    expect(rows).toBe(20);
    expect(cols).toBe(5);
    expect(Math.abs(mx / m - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(my / m - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.max(...c.pixels)).toBeCloseTo(1, 6);
    expect(Math.min(...c.pixels)).toBe(0);
  });

  it('composites transparency against the ink: dark strokes on clear become dark on white', () => {
    const rgba = new Uint8Array(4 * 4).fill(0);
    rgba[3] = 255; // one opaque black pixel, three transparent
    expect(Array.from(rgbaToGrey(2, 2, rgba).data)).toEqual([0, 1, 1, 1]);
    const light = new Uint8Array(16).fill(0);
    light.set([255, 255, 255, 255], 0); // one opaque white pixel
    expect(Array.from(rgbaToGrey(2, 2, light).data)).toEqual([1, 0, 0, 0]);
  });

  it('resizes by area when shrinking and bilinearly when enlarging', () => {
    const img = { width: 4, height: 2, data: Float64Array.from([1, 1, 0, 0, 1, 1, 0, 0]) };
    expect(Array.from(resize(img, 2, 1).data)).toEqual([1, 0]);
    const up = resize({ width: 2, height: 1, data: Float64Array.from([0, 1]) }, 4, 1);
    expect(Array.from(up.data)).toEqual([0, 0.25, 0.75, 1]);
  });

  it('recognises file types by their first bytes and refuses the rest', () => {
    expect(sniff(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10]))).toBe('png');
    expect(sniff(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniff(Uint8Array.from([0, 0, 8, 3]))).toBe('idx');
    expect(() => decodeImage('f', new TextEncoder().encode('GIF89a...'))).toThrow(/not an image/);
    expect(() => decodeImage('f', new Uint8Array(0))).toThrow('got an empty file');
    const huge = Uint8Array.from([
      0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 1, 0, 0, 0, 1, 0, 0,
    ]);
    expect(() => decodeImage('f', huge)).toThrow(/65536x65536 pixels; at most 50 megapixels/);
  });

  it('blank pictures have no digit', () => {
    expect(() => toMnist('f', { width: 5, height: 5, data: new Float64Array(25).fill(1) })).toThrow(
      'no digit found',
    );
  });
});

describe('progress', () => {
  const sink = () => {
    const lines: string[] = [];
    return { lines, out: { write: (s: string) => lines.push(s), isTTY: false } };
  };

  it('plain: one line per tenth, with step, epoch, loss, samples/s and ETA', () => {
    let t = 0;
    const { lines, out } = sink();
    const p = new Progress(out, {
      total: 100,
      stepsPerEpoch: 50,
      epochs: 2,
      batchSize: 10,
      live: false,
      style: styleFor(out),
      now: () => t,
    });
    for (let s = 1; s <= 100; s++) {
      t += 10; // 10 ms per step: 1000 samples/s
      p.update(s, 1 / s);
    }
    expect(lines).toHaveLength(10);
    expect(lines[0]).toMatch(
      /^\[ 10%\] step {2}10\/100 {2}epoch 1\/2 {2}loss \d\.\d{4}\s+1,000 samples\/s {2}ETA 0:01\n$/,
    );
    expect(lines[9]).toContain('[100%] step 100/100  epoch 2/2');
    expect(lines[9]).toContain('done 0:01');
  });

  it('live: redraws one line in place and prints rows above it', () => {
    let t = 0;
    const lines: string[] = [];
    const out = { write: (s: string) => lines.push(s), isTTY: true, columns: 100 };
    const p = new Progress(out, {
      total: 10,
      stepsPerEpoch: 10,
      epochs: 1,
      batchSize: 1,
      live: true,
      style: styleFor({ write: () => 0 }),
      now: () => t,
    });
    for (let s = 1; s <= 10; s++) {
      t += 100;
      p.update(s, 0.5);
      if (s === 5) p.log('row');
    }
    p.finish();
    expect(lines.every((l) => l.startsWith('\r\x1b[2K') || l === 'row\n')).toBe(true);
    expect(lines).toContain('row\n');
    expect(lines.filter((l) => l.includes('10/10 100%'))).toHaveLength(1);
    expect(lines.at(-2)).toMatch(/epoch 1\/1 █{20,}/);
    expect(lines.every((l) => visibleLength(l) <= 100)).toBe(true);
  });

  it('bars and clocks', () => {
    expect(bar(0.5, 10)).toBe('█████     ');
    expect(bar(0.5, 1)).toBe('▌');
    expect(bar(1 / 8, 1)).toBe('▏');
    expect(clock(65)).toBe('1:05');
    expect(clock(3725)).toBe('1:02:05');
    expect(clock(Number.NaN)).toBe('--:--');
  });
});

describe('plots', () => {
  it('nice ticks cover the range with round steps', () => {
    expect(niceTicks(0, 2.3, 5)).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
    expect(niceTicks(0, 10, 10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(niceTicks(0.2, 1, 5)).toEqual([0.2, 0.4, 0.6, 0.8, 1]);
  });

  it('moving average is centred', () => {
    expect(movingAverage([0, 0, 3, 0, 0], 3)).toEqual([0, 1, 1, 1, 0]);
  });

  it('curves and confusion matrix are complete SVG documents', () => {
    const svg = curvesSvg({
      title: 'T & <t>',
      subtitle: 's',
      stepsPerEpoch: 10,
      loss: Array.from({ length: 30 }, (_, i) => 2 / (i + 1)),
      evals: [
        { step: 1, trainAcc: 0.1, testAcc: 0.12 },
        { step: 30, trainAcc: 0.9, testAcc: 0.85 },
      ],
    });
    expect(svg).toContain('T &amp; &lt;t&gt;');
    expect(svg).toContain('test 85.00%');
    expect(svg.match(/<polyline/g)).toHaveLength(4);
    const m = confusionMatrix([0, 1, 1, 2], [0, 1, 2, 2], 3);
    expect(m).toEqual([
      [1, 0, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    expect(matrixAccuracy(m)).toBe(0.75);
    const c = confusionSvg(m, 'title', 'sub');
    expect(c.match(/<rect /g)?.length).toBeGreaterThanOrEqual(9);
    expect(c).toContain('75.00% on the diagonal');
  });
});
