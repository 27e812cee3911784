/**
 * The `scratchnet` command end to end, in a temporary folder, through `main(argv, io)`: every
 * command with a small, fast configuration, and bad input of every kind (exit code 2, one line).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnist, writeIdx } from '../src/index.js';
import { readSafetensorsRaw, run, TINY, tempDir } from './cli-helpers.js';

const dir = tempDir();
const runDir = join(dir, 'run');
const modelPath = join(runDir, 'model.safetensors');

/** Expects a one-line error on stderr (no stack trace) with exit code 2, containing `needle`. */
function expectUsageError(
  r: { code: number; stdout: string; stderr: string },
  needle: string | RegExp,
): void {
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  if (typeof needle === 'string') expect(r.stderr).toContain(needle);
  else expect(r.stderr).toMatch(needle);
}

/** A PNG of `w x h` RGBA pixels from `f(x, y) -> [r, g, b, a]`. */
function png(w: number, h: number, f: (x: number, y: number) => number[]): Buffer {
  const data = Buffer.alloc(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(f(x, y), (y * w + x) * 4);
  return Buffer.from(pngjs.PNG.sync.write({ width: w, height: h, data }));
}

let digits: { pixels: number[]; label: number }[] = [];

beforeAll(async () => {
  const r = await run(['train', ...TINY, '--out', runDir]);
  expect(r.code, r.stderr).toBe(0);
  const { xTest, tTest } = await loadMnist({ normalize: false });
  digits = [0, 1, 2, 3].map((i) => ({ pixels: xTest.slice(i).toFlatArray(), label: tTest.get(i) }));
});

describe('scratchnet (global)', () => {
  it('prints help with every command, and the version', async () => {
    for (const argv of [[], ['--help'], ['-h'], ['help']]) {
      const r = await run(argv);
      expect(r.code).toBe(0);
      for (const c of ['train', 'eval', 'predict', 'gradcheck', 'seed', 'info', 'export'])
        expect(r.stdout).toContain(c);
    }
    const v = await run(['--version']);
    expect(v.stdout).toMatch(/^scratchnet \d+\.\d+\.\d+/);
  });

  it('rejects an unknown command with a suggestion', async () => {
    expectUsageError(await run(['trian']), "unknown command 'trian' (did you mean 'train'?)");
  });

  it('prints --help for every command (and `help <command>`)', async () => {
    for (const c of ['train', 'eval', 'predict', 'gradcheck', 'seed', 'info', 'export']) {
      const r = await run([c, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: scratchnet ${c}`);
      expect(r.stdout).toContain('--help');
    }
    expect((await run(['help', 'eval'])).stdout).toContain('Usage: scratchnet eval');
  });
});

describe('scratchnet train', () => {
  it('writes the model, the history as CSV and JSON, the curves as SVG and PNG, and the settings', async () => {
    for (const f of [
      'model.safetensors',
      'history.csv',
      'history.json',
      'curves.svg',
      'curves.png',
      'run.json',
    ]) {
      expect(fs.existsSync(join(runDir, f)), f).toBe(true);
    }
    // 8,000 samples / batch 200 = 40 steps.
    const csv = fs.readFileSync(join(runDir, 'history.csv'), 'utf8').trimEnd().split('\n');
    expect(csv[0]).toBe('step,epoch,loss,train_acc,test_acc');
    expect(csv).toHaveLength(41);
    const first = csv[1].split(',');
    expect(first.slice(0, 2)).toEqual(['1', '0.025']); // step 1 of 40: 1/40 of an epoch done
    expect(Number(first[2])).toBeGreaterThan(1.5); // ln 10 ≈ 2.3 at the start
    expect(Number(first[3])).toBeGreaterThanOrEqual(0);
    const last = csv[40].split(',');
    expect(last.slice(0, 2)).toEqual(['40', '1']);
    expect(csv[20].split(',').slice(3)).toEqual(['', '']); // accuracies only where they were measured
    expect(Number(last[2])).toBeLessThan(Number(first[2]));
    expect(Number(last[4])).toBeGreaterThan(0.3); // chance is 0.1

    const h = JSON.parse(fs.readFileSync(join(runDir, 'history.json'), 'utf8'));
    expect(h.steps).toBe(40);
    expect(h.loss).toHaveLength(40);
    expect(h.evaluations[0]).toMatchObject({ step: 1 });
    expect(h.evaluations.at(-1)).toMatchObject({ step: 40, epoch: 1 });
    expect(h.final.testAcc).toBe(Number(last[4]));
    expect(h.model.hidden).toEqual([12]);

    const svg = fs.readFileSync(join(runDir, 'curves.svg'), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    for (const s of ['Training loss', 'Accuracy', 'epoch', 'train accuracy', 'test accuracy', '<polyline'])
      expect(svg).toContain(s);
    const image = pngjs.PNG.sync.read(fs.readFileSync(join(runDir, 'curves.png')));
    expect(image.width).toBeGreaterThan(1000);
    expect(image.height).toBeGreaterThan(400);
    // Not blank: some dark pixels (text, axes) and some white background.
    let dark = 0;
    for (let i = 0; i < image.data.length; i += 4) if (image.data[i] < 100) dark++;
    expect(dark).toBeGreaterThan(1000);

    const file = readSafetensorsRaw(modelPath);
    expect(Object.keys(file.tensors)).toEqual(['W1', 'b1', 'W2', 'b2']);
    expect(file.tensors.W1).toMatchObject({ dtype: 'F32', shape: [784, 12] });
    const training = JSON.parse(file.metadata['scratchnet.training']);
    expect(training).toMatchObject({ optimizer: 'adam', epochs: 1, batchSize: 200, steps: 40 });
  });

  it('prints the header, the epoch rows, a summary and where the files went; plain lines when not a terminal', async () => {
    const out = join(dir, 'plain');
    const r = await run(['train', ...TINY, '--model', 'two-layer', '--optimizer', 'sgd', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('two-layer 784-12-10 ReLU');
    expect(r.stdout).toContain('SGD lr 0.1 · batch 200 · 1 epochs (40 steps)');
    expect(r.stdout).toMatch(/\[ 10%\] step\s+4\/40/);
    expect(r.stdout).toMatch(/\[100%\] step 40\/40 .*samples\/s/);
    expect(r.stdout).not.toContain('\r');
    expect(r.stdout).toMatch(/✔ test accuracy \d+\.\d\d% \(train \d+\.\d\d%\)/);
    expect(r.stdout).toContain(`Saved in ${out}/`);
    expect(r.stdout).toContain('curves.svg');
  });

  it('draws a live progress bar on a terminal', async () => {
    const r = await run(['train', ...TINY, '--out', join(dir, 'tty')], { tty: true, columns: 120 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('\r\x1b[2K');
    expect(r.stdout).toMatch(/epoch 1\/1 .*█.* 40\/40 100%/);
    expect(r.stdout).toContain('samples/s');
  });

  it('--json prints one JSON object on stdout, the progress on stderr', async () => {
    const out = join(dir, 'json');
    const r = await run(['train', ...TINY, '--out', out, '--json', '--seed', '3', '--dtype', 'float64']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ run: out, steps: 40, epochs: 1 });
    expect(j.testAcc).toBeGreaterThan(0.3);
    expect(j.files.model).toBe(join(out, 'model.safetensors'));
    expect(r.stderr).toContain('test accuracy');
    expect(readSafetensorsRaw(j.files.model).tensors.W1.dtype).toBe('F64');
  });

  it('trains mlp with batch norm, dropout and weight decay, and the sigmoid two-layer net', async () => {
    const a = await run([
      'train',
      ...TINY,
      '--hidden',
      '8,6',
      '--batchnorm',
      '--dropout',
      '0.2',
      '--weight-decay',
      '0.001',
      '--optimizer',
      'momentum',
      '--out',
      join(dir, 'extend'),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toContain('mlp 784-8-6-10 ReLU, batch norm, dropout 0.2, weight decay 0.001');
    const t = readSafetensorsRaw(join(dir, 'extend', 'model.safetensors')).tensors;
    expect(Object.keys(t)).toEqual(expect.arrayContaining(['gamma1', 'beta2', 'bn1.running_mean']));
    const b = await run([
      'train',
      ...TINY,
      '--model',
      'two-layer',
      '--activation',
      'sigmoid',
      '--out',
      join(dir, 'sig'),
    ]);
    expect(b.code, b.stderr).toBe(0);
  });

  it('refuses to overwrite a run folder', async () => {
    expectUsageError(await run(['train', ...TINY, '--out', runDir]), `'${runDir}' already holds a run`);
  });

  const bad: [string[], string][] = [
    [['--lr', '-1'], "--lr: expected a number > 0, got '-1'"],
    [['--lr', '0'], '--lr: expected a number > 0'],
    [['--lr', 'abc'], "--lr: expected a number > 0, got 'abc'"],
    [['--lr=-1e-3'], "--lr: expected a number > 0, got '-1e-3'"],
    [['--epochs', 'abc'], "--epochs: expected a number > 0, got 'abc'"],
    [['--epochs', '0'], '--epochs: expected a number > 0'],
    [['--batch-size', '0'], '--batch-size: expected an integer in 1..1000000'],
    [['--batch-size', '1.5'], '--batch-size: expected an integer'],
    [['--hidden', '0'], '--hidden: expected positive integers separated by commas'],
    [['--hidden', '10,abc'], '--hidden: expected positive integers'],
    [['--activation', 'tanh'], '--activation: expected one of relu, sigmoid'],
    [
      ['--optimizer', 'adamw'],
      '--optimizer: expected one of sgd, momentum, nesterov, adagrad, rmsprop, adam',
    ],
    [['--optimizer', 'addam'], 'did you mean adam?'],
    [['--dropout', '1'], '--dropout: expected a number >= 0 and < 1'],
    [['--dropout', '-0.1'], '--dropout: expected a number >= 0 and < 1'],
    [['--weight-decay', '-1'], '--weight-decay: expected a number >= 0'],
    [['--dtype', 'int8'], '--dtype: expected one of float32, float64'],
    [['--seed', '-1'], '--seed: expected an integer in 0..4294967295'],
    [['--seed', '1.5'], '--seed: expected an integer'],
    [['--model', 'foo'], "--model: expected one of two-layer, mlp, convnet, deep-convnet, got 'foo'"],
    [['--model', 'convnet', '--batchnorm'], '--batchnorm needs --model mlp'],
    [['--model', 'convnet', '--hidden', '10,10'], '--hidden: convnet has one hidden affine layer'],
    [['--model', 'deep-convnet', '--activation', 'sigmoid'], '--activation needs --model mlp or two-layer'],
    [['--checkpoint-every', '0'], '--checkpoint-every: expected an integer >= 1'],
    [['--data', '/no/such/folder'], "--data: no such folder '/no/such/folder'"],
    [['--epoch', '3'], "unknown flag '--epoch' (did you mean --epochs?)"],
    [['--frobnicate'], "unknown flag '--frobnicate'"],
    [['--batchnorm=yes'], '--batchnorm is a switch and takes no value'],
    [['--lr'], '--lr needs a value'],
    [['extra'], "unexpected argument 'extra'"],
    [['--model', 'two-layer', '--hidden', '10,10'], '--hidden: two-layer has one hidden layer'],
    [['--model', 'two-layer', '--dropout', '0.5'], '--dropout needs --model mlp'],
    [['--model', 'two-layer', '--batchnorm'], '--batchnorm needs --model mlp'],
    [['--resume', '/no/such/run'], "--resume: no such run folder '/no/such/run'"],
    [['--resume', '.', '--lr', '0.1'], '--lr cannot be combined with --resume'],
  ];
  it.each(bad)('train %j: exit 2, one line', async (args, message) => {
    expectUsageError(await run(['train', ...args]), message);
  });

  it('--resume of a run without checkpoints says how to get them', async () => {
    expectUsageError(
      await run(['train', '--resume', runDir]),
      'has no checkpoint.safetensors (train with --checkpoint-every',
    );
  });

  it('--data reads a folder of IDX files', async () => {
    const data = join(dir, 'idx');
    fs.mkdirSync(data);
    const { xTrain, tTrain, xTest, tTest } = await loadMnist({ normalize: false });
    const write = (name: string, t: ReturnType<typeof xTrain.slice>) =>
      fs.writeFileSync(join(data, name), writeIdx(t));
    write('train-images-idx3-ubyte', xTrain.slice(':400').reshape(400, 28, 28));
    write('train-labels-idx1-ubyte', tTrain.slice(':400').astype('uint8'));
    write('t10k-images-idx3-ubyte', xTest.slice(':100').reshape(100, 28, 28));
    write('t10k-labels-idx1-ubyte', tTest.slice(':100').astype('uint8'));
    const r = await run(['train', ...TINY, '--data', data, '--out', join(dir, 'idxrun')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('(400 train / 100 test)');
    const e = await run(['eval', join(dir, 'idxrun'), '--data', data, '--json']);
    expect(JSON.parse(e.stdout).samples).toBe(100);
    fs.writeFileSync(join(data, 't10k-labels-idx1-ubyte'), Buffer.from([0, 0, 8, 1, 0, 0]));
    expectUsageError(await run(['eval', join(dir, 'idxrun'), '--data', data]), '--data:');
  });
});

describe('scratchnet eval', () => {
  it('prints accuracy and the confusion matrix, and draws it beside the model', async () => {
    const r = await run(['eval', modelPath]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/accuracy \d+\.\d\d% \([\d,]+ of 2,000 right/);
    expect(r.stdout).toContain('true ↓  predicted →');
    expect(r.stdout).toContain('recall');
    const rows = r.stdout.split('\n').filter((l) => /^ {2}\d {2}/.test(l));
    expect(rows).toHaveLength(10);
    expect(fs.existsSync(join(runDir, 'confusion.svg'))).toBe(true);
    const image = pngjs.PNG.sync.read(fs.readFileSync(join(runDir, 'confusion.png')));
    expect(image.width).toBeGreaterThan(500);
  });

  it('--json: the matrix sums to the test set and its diagonal is the accuracy; --out; a run folder works', async () => {
    const out = join(dir, 'report');
    const r = await run(['eval', runDir, '--json', '--out', out, '--split', 'test']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    const m: number[][] = j.confusion;
    expect(m).toHaveLength(10);
    expect(m.flat().reduce((a, b) => a + b, 0)).toBe(2000);
    expect(m.reduce((a, row, i) => a + row[i], 0) / 2000).toBeCloseTo(j.accuracy, 12);
    const h = JSON.parse(fs.readFileSync(join(runDir, 'history.json'), 'utf8'));
    expect(j.accuracy).toBe(h.final.testAcc);
    expect(fs.existsSync(join(out, 'confusion.png'))).toBe(true);
    const train = JSON.parse(
      (await run(['eval', runDir, '--json', '--out', out, '--split', 'train'])).stdout,
    );
    expect(train.samples).toBe(8000);
  });

  it('bad input: exit 2, one line', async () => {
    expectUsageError(await run(['eval']), 'missing <model>');
    expectUsageError(await run(['eval', modelPath, 'more']), "unexpected argument 'more'");
    expectUsageError(
      await run(['eval', modelPath, '--split', 'dev']),
      '--split: expected one of test, train',
    );
    expectUsageError(await run(['eval', join(dir, 'missing.safetensors')]), 'no such model file');
  });
});

describe('model files: missing, damaged, truncated, foreign', () => {
  const bytes = () => fs.readFileSync(modelPath);
  const cases: [string, () => Buffer, RegExp][] = [
    [
      'random bytes',
      () => Buffer.from('this is not a model file at all, just text'),
      /damaged or foreign model file/,
    ],
    ['an empty file', () => Buffer.alloc(0), /damaged or foreign model file/],
    ['a truncated header', () => bytes().subarray(0, 100), /damaged or foreign model file: .*header/],
    ['truncated data', () => bytes().subarray(0, bytes().length - 50), /damaged or foreign model file/],
    [
      'a foreign safetensors file',
      () => {
        const header = Buffer.from(JSON.stringify({ w: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }));
        const n = Buffer.alloc(8);
        n.writeBigUInt64LE(BigInt(header.length));
        return Buffer.concat([n, header, Buffer.alloc(4)]);
      },
      /not a scratchnet model/,
    ],
  ];
  it.each(cases)(
    '%s: every command that reads a model says so in one line (exit 2)',
    async (_, make, message) => {
      const path = join(dir, `bad-${Math.random().toString(36).slice(2)}.safetensors`);
      fs.writeFileSync(path, make());
      for (const argv of [
        ['info', path],
        ['eval', path],
        ['predict', path, join(dir, 'nothing.png')],
        ['export', path, '--onnx', join(dir, 'x.onnx')],
      ]) {
        expectUsageError(await run(argv), message);
      }
    },
  );

  it('a folder without a model, and a missing file', async () => {
    expectUsageError(await run(['info', dir]), 'is a folder without a model.safetensors');
    expectUsageError(await run(['info', join(dir, 'nope.safetensors')]), "no such model file '");
  });
});

describe('scratchnet predict', () => {
  /** A dark-on-light picture of an MNIST digit, 4x larger, off centre, in a non-square frame. */
  const picture = (pixels: number[]) =>
    png(150, 190, (x, y) => {
      const sx = Math.floor((x - 20) / 4);
      const sy = Math.floor((y - 40) / 4);
      const v = sx >= 0 && sx < 28 && sy >= 0 && sy < 28 ? pixels[sy * 28 + sx] : 0;
      return [255 - v, 250 - 0.9 * v, 240 - 0.8 * v, 255];
    });

  it('reads a PNG of any size, prepares it as MNIST, prints the top 3 and agrees with the net on the digit itself', async () => {
    // The net's own prediction for the original 28x28 digit (an IDX file, used as it is).
    for (const d of digits.slice(0, 2)) {
      const idx = join(dir, `digit-${d.label}.idx`);
      const { tensor } = await import('../src/index.js');
      fs.writeFileSync(idx, writeIdx(tensor([d.pixels], { dtype: 'uint8' }).reshape(1, 28, 28)));
      const direct = JSON.parse((await run(['predict', modelPath, idx, '--json'])).stdout);
      const file = join(dir, `digit-${d.label}.png`);
      fs.writeFileSync(file, picture(d.pixels));
      const r = await run(['predict', modelPath, file]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('150x190 PNG, inverted (dark ink on light)');
      expect(r.stdout).toContain('← prediction');
      expect(r.stdout).toMatch(/prediction: \d \(\d+\.\d%\)/);
      const j = JSON.parse((await run(['predict', modelPath, file, '--json'])).stdout);
      expect(j.top).toHaveLength(3);
      expect(j.probabilities.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 5);
      expect(j.top[0].probability).toBeGreaterThanOrEqual(j.top[1].probability);
      expect(j.prediction).toBe(direct.prediction);
    }
  });

  it('reads JPEG, light-on-dark and transparent pictures; --top; --index of an IDX file', async () => {
    const d = digits[2];
    const big = (x: number, y: number) => d.pixels[Math.floor(y / 3) * 28 + Math.floor(x / 3)];
    const jpgFile = join(dir, 'digit.jpg');
    const data = Buffer.alloc(84 * 84 * 4);
    for (let y = 0; y < 84; y++)
      for (let x = 0; x < 84; x++)
        data.set([255 - big(x, y), 255 - big(x, y), 255 - big(x, y), 255], (y * 84 + x) * 4);
    fs.writeFileSync(jpgFile, jpeg.encode({ width: 84, height: 84, data }, 95).data);
    const direct = JSON.parse((await run(['predict', modelPath, jpgFile, '--json'])).stdout).prediction;
    const white = join(dir, 'white-on-black.png');
    fs.writeFileSync(
      white,
      png(84, 84, (x, y) => [big(x, y), big(x, y), big(x, y), 255]),
    );
    const clear = join(dir, 'transparent.png');
    fs.writeFileSync(
      clear,
      png(84, 84, (x, y) => [0, 0, 0, big(x, y)]),
    );
    for (const f of [white, clear]) {
      const r = await run(['predict', modelPath, f, '--json', '--top', '5']);
      expect(r.code, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout);
      expect(j.top).toHaveLength(5);
      expect(j.prediction).toBe(direct);
    }
    const { tensor } = await import('../src/index.js');
    const idx = join(dir, 'four.idx');
    fs.writeFileSync(
      idx,
      writeIdx(
        tensor(
          digits.map((g) => g.pixels),
          { dtype: 'uint8' },
        ).reshape(4, 28, 28),
      ),
    );
    const r = await run(['predict', modelPath, idx, '--index', '3']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('IDX image 3, used as it is');
    expectUsageError(await run(['predict', modelPath, idx, '--index', '4']), '--index 4 is out of range');
  });

  it('bad input: not an image, a damaged PNG, a blank picture, missing files, bad flags', async () => {
    const text = join(dir, 'note.png');
    fs.writeFileSync(text, 'hello, I am not a picture');
    expectUsageError(
      await run(['predict', modelPath, text]),
      /not an image: expected a PNG, JPEG or IDX file/,
    );
    const good = png(40, 40, (x) => (x > 20 ? [0, 0, 0, 255] : [255, 255, 255, 255]));
    const truncated = join(dir, 'truncated.png');
    fs.writeFileSync(truncated, good.subarray(0, 60));
    expectUsageError(await run(['predict', modelPath, truncated]), 'damaged PNG file');
    const badJpeg = join(dir, 'bad.jpg');
    fs.writeFileSync(badJpeg, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
    expectUsageError(await run(['predict', modelPath, badJpeg]), 'JPEG file');
    const blank = join(dir, 'blank.png');
    fs.writeFileSync(
      blank,
      png(50, 50, () => [255, 255, 255, 255]),
    );
    expectUsageError(await run(['predict', modelPath, blank]), 'no digit found');
    expectUsageError(await run(['predict', modelPath, join(dir, 'nope.png')]), 'no such image file');
    expectUsageError(await run(['predict', modelPath]), 'missing <image>');
    expectUsageError(
      await run(['predict', modelPath, blank, '--top', '0']),
      '--top: expected an integer in 1..10',
    );
    expectUsageError(
      await run(['predict', modelPath, blank, '--index', '-1']),
      '--index: expected an integer >= 0',
    );
  });
});

describe('scratchnet info / export', () => {
  it('info: architecture, parameter count, shapes, training metadata', async () => {
    const r = await run(['info', modelPath]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('mlp 784-12-10, relu, float32');
    expect(r.stdout).toContain('Affine 784 -> 12 → ReLU → Affine 12 -> 10 → Softmax');
    expect(r.stdout).toContain(String((784 * 12 + 12 + 12 * 10 + 10).toLocaleString('en-US')));
    expect(r.stdout).toMatch(/W1\s+\(784, 12\)\s+float32/);
    expect(r.stdout).toMatch(/testAcc\s+\d+\.\d\d%/);
    const j = JSON.parse((await run(['info', runDir, '--json'])).stdout);
    expect(j.parameterCount).toBe(784 * 12 + 12 + 12 * 10 + 10);
    expect(j.training.steps).toBe(40);
  });

  it('export --onnx writes an ONNX model; --onnx is required', async () => {
    const out = join(dir, 'onnx', 'model.onnx');
    const r = await run(['export', modelPath, '--onnx', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`wrote ${out}`);
    expect(fs.statSync(out).size).toBeGreaterThan(784 * 12 * 4);
    expectUsageError(await run(['export', modelPath]), '--onnx <out.onnx> is required');
  });
});

describe('scratchnet gradcheck / seed', () => {
  it('gradcheck passes for both models, prints a table per parameter, --json', async () => {
    const r = await run(['gradcheck', '--model', 'two-layer', '--hidden', '10', '--max-elements', '200']);
    expect(r.code, r.stdout).toBe(0);
    for (const p of ['W1', 'b1', 'W2', 'b2']) expect(r.stdout).toMatch(new RegExp(`${p}\\s+\\(.*✔ pass`));
    expect(r.stdout).toContain('max |diff|');
    expect(r.stdout).toContain('all gradients match');
    const j = JSON.parse(
      (
        await run([
          'gradcheck',
          '--hidden',
          '6,5',
          '--batchnorm',
          '--dropout',
          '0.3',
          '--max-elements',
          '100',
          '--json',
        ])
      ).stdout,
    );
    expect(j.passed).toBe(true);
    expect(Object.keys(j.tensors)).toEqual([
      'W1',
      'b1',
      'W2',
      'b2',
      'W3',
      'b3',
      'gamma1',
      'beta1',
      'gamma2',
      'beta2',
    ]);
  });

  it('gradcheck exits with 1 when a parameter fails (here: zero tolerance)', async () => {
    const r = await run([
      'gradcheck',
      '--model',
      'two-layer',
      '--hidden',
      '5',
      '--max-elements',
      '50',
      '--atol',
      '0',
      '--rtol',
      '0',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL');
    expect(r.stdout).toMatch(/\d+ of 4 parameters fail/);
  });

  it('gradcheck bad flags: exit 2', async () => {
    expectUsageError(await run(['gradcheck', '--samples', '0']), '--samples: expected an integer in 1..1000');
    expectUsageError(await run(['gradcheck', '--atol', '-1']), '--atol: expected a number >= 0');
    expectUsageError(await run(['gradcheck', '--model', 'foo']), '--model: expected one of two-layer, mlp');
    expectUsageError(await run(['gradcheck', '--dtype', 'float32']), "unknown flag '--dtype'");
  });

  it('seed replays the notebook', async () => {
    const r = await run(['seed']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('In [98]');
    expect(r.stdout).toContain('scratchnet numericalGradient');
    const j = JSON.parse((await run(['seed', '--json'])).stdout);
    expect(j.cell98Net0Nd).toHaveLength(9);
    expectUsageError(await run(['seed', 'now']), "unexpected argument 'now'");
  });
});

describe('bin/scratchnet.js (built package)', () => {
  const built = fs.existsSync(join(process.cwd(), 'dist', 'cli', 'commands', 'train.js'));
  it.skipIf(!built)('runs the built CLI', () => {
    const out = execFileSync(process.execPath, ['bin/scratchnet.js', '--help'], { encoding: 'utf8' });
    expect(out).toContain('Usage: scratchnet <command>');
    let code = 0;
    try {
      execFileSync(process.execPath, ['bin/scratchnet.js', 'train', '--lr', '-1'], { stdio: 'pipe' });
    } catch (e) {
      code = (e as { status: number }).status;
    }
    expect(code).toBe(2);
  });
});

describe('scratchnet train --model convnet', () => {
  it('trains a tiny convnet, then eval and info read it', async () => {
    const data = join(dir, 'conv-idx');
    fs.mkdirSync(data);
    const { xTrain, tTrain, xTest, tTest } = await loadMnist({ normalize: false });
    const write = (name: string, t: ReturnType<typeof xTrain.slice>) =>
      fs.writeFileSync(join(data, name), writeIdx(t));
    write('train-images-idx3-ubyte', xTrain.slice(':200').reshape(200, 28, 28));
    write('train-labels-idx1-ubyte', tTrain.slice(':200').astype('uint8'));
    write('t10k-images-idx3-ubyte', xTest.slice(':100').reshape(100, 28, 28));
    write('t10k-labels-idx1-ubyte', tTest.slice(':100').astype('uint8'));
    const out = join(dir, 'convrun');
    const args = ['--model', 'convnet', '--hidden', '20', '--epochs', '1', '--batch-size', '50'];
    const r = await run(['train', ...args, '--data', data, '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('convnet 1x28x28 conv 30x5x5-pool-20-10');
    const e = await run(['eval', out, '--data', data, '--json']);
    expect(e.code, e.stderr).toBe(0);
    const ej = JSON.parse(e.stdout);
    expect(ej.samples).toBe(100);
    expect(ej.accuracy).toBeGreaterThan(0.2);
    const i = await run(['info', out]);
    expect(i.code, i.stderr).toBe(0);
    expect(i.stdout).toContain('convnet 784-20-10');
    expect(i.stdout).toContain('Conv 30x5x5 → ReLU → Pool 2x2 → Affine 4320 -> 20');
    expect(i.stdout).toMatch(/W1\s+\(30, 1, 5, 5\)/);
    expectUsageError(
      await run(['export', out, '--onnx', join(dir, 'conv.onnx')]),
      'convnets are not supported yet',
    );
  }, 20_000);
});
