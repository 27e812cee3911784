/**
 * The chapter 4-6 examples (examples/ch*.ts), run through their exported `main` with small settings:
 * they print the book's line formats, and training improves the accuracy. The full-size runs and
 * their outputs are in docs/book-chapters-4-6.md.
 */
import { describe, expect, it } from 'vitest';
import { npyUint8 } from '../bench/book/compare.js';
import { main as ch4 } from '../examples/ch4-train-neuralnet.js';
import { main as gradientCheck } from '../examples/ch5-gradient-check.js';
import { main as ch5 } from '../examples/ch5-train-neuralnet.js';
import { main as batchNorm } from '../examples/ch6-batch-norm-test.js';
import { main as hyperparameters } from '../examples/ch6-hyperparameter-optimization.js';
import { main as optimizerCompare } from '../examples/ch6-optimizer-compare.js';
import { main as dropout } from '../examples/ch6-overfit-dropout.js';
import { main as weightDecay } from '../examples/ch6-overfit-weight-decay.js';
import { main as weightInit } from '../examples/ch6-weight-init-compare.js';
import { pyFloat } from '../src/index.js';

/** A Python `str(float)` as pyFloat prints it: 0.1, 0.1175, 1.0, 1e-05, 2.302517879584175, ... */
const PY = String.raw`-?\d+\.\d+(?:e[+-]\d\d)?|-?\d(?:\.\d+)?e[+-]\d\d`;

function collect(): { lines: string[]; log: (line: string) => void } {
  const lines: string[] = [];
  return { lines, log: (line) => lines.push(line) };
}

describe('examples of chapters 4 and 5', () => {
  it('ch5-train-neuralnet: 300 iterations print "train_acc test_acc" per epoch and reach > 0.8 test accuracy', async () => {
    const { lines, log } = collect();
    const r = await ch5({ iters: 300, log });
    const perEpoch = lines.slice(0, -1);
    expect(perEpoch).toHaveLength(4); // i = 0, 80, 160, 240
    for (const line of perEpoch) expect(line).toMatch(new RegExp(`^(${PY}) (${PY})$`));
    expect(lines[0]).toBe(`${pyFloat(r.trainAccList[0])} ${pyFloat(r.testAccList[0])}`);
    expect(r.testAccList[0]).toBeLessThan(0.3);
    expect(r.finalTestAcc).toBeGreaterThan(0.8);
    expect(r.trainLossList).toHaveLength(300);
    expect(r.trainLossList[299]).toBeLessThan(r.trainLossList[0]);
  });

  it('ch4-train-neuralnet: the sigmoid net with the hand-derived gradient prints "train acc, test acc | a, b" and learns', async () => {
    const { lines, log } = collect();
    const r = await ch4({ iters: 161, log });
    expect(lines).toHaveLength(4); // i = 0, 80, 160, then the final line
    for (const line of lines.slice(0, 3))
      expect(line).toMatch(new RegExp(`^train acc, test acc \\| (${PY}), (${PY})$`));
    expect(r.testAccList[2]).toBeGreaterThan(r.testAccList[0] + 0.1);
    expect(r.finalTestAcc).toBeGreaterThan(0.2);
  });

  it('ch5-gradient-check: prints "key:diff" for W1, b1, W2, b2; backprop agrees with numerical differences', async () => {
    const { lines, log } = collect();
    const d = await gradientCheck({ hiddenSize: 5, log });
    expect(lines.slice(0, 4).map((l) => l.split(':')[0])).toEqual(['W1', 'b1', 'W2', 'b2']);
    for (const line of lines.slice(0, 4)) expect(line).toMatch(new RegExp(`^\\w+:(${PY})$`));
    expect(d.W1).toBeLessThan(1e-7);
    expect(d.b1).toBeLessThan(1e-7);
    expect(d.W2).toBeLessThan(1e-7);
    // b2 carries the book's loss's 1e-7 inside the log, which backprop ignores (numpy gives the same)
    expect(d.b2).toBeLessThan(1e-6);
  });
});

describe('examples of chapter 6', () => {
  it('ch6-optimizer-compare: "===========iteration:N===========" blocks; every optimizer lowers the loss', async () => {
    const { lines, log } = collect();
    const r = await optimizerCompare({ iters: 101, hiddenSizeList: [40, 40], log });
    expect(lines.slice(0, 5)).toEqual([
      '===========iteration:0===========',
      expect.stringMatching(new RegExp(`^SGD:(${PY})$`)),
      expect.stringMatching(new RegExp(`^Momentum:(${PY})$`)),
      expect.stringMatching(new RegExp(`^AdaGrad:(${PY})$`)),
      expect.stringMatching(new RegExp(`^Adam:(${PY})$`)),
    ]);
    expect(lines[5]).toBe('===========iteration:100===========');
    for (const key of ['SGD', 'Momentum', 'AdaGrad', 'Adam']) {
      expect(r[key].trainLoss[100], key).toBeLessThan(r[key].trainLoss[0]);
    }
    // the book's point: the adaptive ones and Momentum are ahead of plain SGD
    expect(r.AdaGrad.trainLoss[100]).toBeLessThan(r.SGD.trainLoss[100]);
    expect(r.Adam.testAcc).toBeGreaterThan(r.SGD.testAcc);
  });

  it("ch6-weight-init-compare: histograms show the book's pictures; He trains, std=0.01 does not", async () => {
    const { lines, log } = collect();
    const r = await weightInit({ iters: 101, log }); // the book's 784-[100]*4-10 nets
    expect(lines).toContain('=== activations on [0, 1], sigmoid, std=1 ===');
    expect(lines).toContain('===========iteration:100===========');
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^std=0\\.01:(${PY})$`)));
    const a = r.activations;
    // sigmoid std=1: saturated at 0 and 1 (large spread); std=0.01: all near 0.5; ReLU std=0.01 vanishes
    expect(a['sigmoid, std=1'][4].std).toBeGreaterThan(0.4);
    expect(a['sigmoid, std=0.01'][4].std).toBeLessThan(0.05);
    expect(a['ReLU, std=0.01'][4].mean).toBeLessThan(1e-3);
    expect(a['ReLU, He'][4].mean).toBeGreaterThan(0.3);
    const t = r.training;
    expect(t.He.trainLoss[100]).toBeLessThan(t['std=0.01'].trainLoss[100] - 0.3);
    expect(t['std=0.01'].trainLoss[100]).toBeGreaterThan(2.2);
  });

  it('ch6-batch-norm-test: prints "epoch:N | acc - bn acc" under the book\'s header', async () => {
    const { lines, log } = collect();
    const r = await batchNorm({ scales: [6], maxEpochs: 3, hiddenSizeList: [40, 40, 40], log });
    expect(lines[0]).toMatch(/^============== 6\/16 \(W:0\.0464\d+\) ==============$/);
    for (let e = 0; e < 3; e++)
      expect(lines[1 + e]).toMatch(new RegExp(`^epoch:${e} \\| (${PY}) - (${PY})$`));
    expect(r[0].bnTrainAccList).toHaveLength(3);
  });

  it('ch6-overfit-weight-decay: prints "epoch:N, train acc:X, test acc:Y"', async () => {
    const { lines, log } = collect();
    const r = await weightDecay({ maxEpochs: 3, hiddenSizeList: [40, 40], log });
    for (let e = 0; e < 3; e++) {
      expect(lines[e]).toMatch(new RegExp(`^epoch:${e}, train acc:(${PY}), test acc:(${PY})$`));
    }
    expect(r.trainAccList).toHaveLength(3);
  });

  it("ch6-overfit-dropout: the Trainer's lines, in the book's order with --loss-lines", async () => {
    const { lines, log } = collect();
    const r = await dropout({ epochs: 2, hiddenSizeList: [40, 40], lossLines: true, log });
    expect(lines[0]).toMatch(new RegExp(`^train loss:(${PY})$`));
    expect(lines[1]).toMatch(new RegExp(`^=== epoch:1, train acc:(${PY}), test acc:(${PY}) ===$`));
    const final = lines.indexOf('=============== Final Test Accuracy ===============');
    expect(final).toBe(lines.length - 3);
    expect(lines[final + 1]).toBe(`test acc:${pyFloat(r.testAcc)}`);
    expect(lines.filter((l) => l.startsWith('train loss:'))).toHaveLength(6); // 2 epochs of 3 steps
  });

  it("ch6-hyperparameter-optimization: numpy's hyperparameters for seed 0, and the book's result lines", async () => {
    const { lines, log } = collect();
    const r = await hyperparameters({ trials: 2, epochs: 2, hiddenSizeList: [20], log });
    expect(lines[0]).toMatch(new RegExp(`^val acc:(${PY}) \\| lr:(${PY}), weight decay:(${PY})$`));
    expect(lines[2]).toBe('=========== Hyper-Parameter Optimization Result ===========');
    expect(lines[3]).toMatch(
      new RegExp(`^Best-1\\(val acc:(${PY})\\) \\| lr:(${PY}), weight decay:(${PY})$`),
    );
    // np.random.seed(0); permutation(500); 10 ** uniform(-4, -8); 10 ** uniform(-2, -6) in numpy
    // (bench/book's code) gives these: the shuffle and the draws follow numpy's stream.
    const first = r.find((t) => Math.abs(t.lr - 0.006630568941187694) < 1e-15);
    expect(first?.weightDecay).toBeCloseTo(1.4473596631009593e-6, 18);
  });
});

describe('bench/book/compare.ts', () => {
  it('writes .npy files numpy can read: magic, version 1.0, a 64-byte aligned header, the bytes', () => {
    const buf = npyUint8(Uint8Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
    expect(buf.subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
    expect([buf[6], buf[7]]).toEqual([1, 0]);
    const headerLen = buf.readUInt16LE(8);
    expect((10 + headerLen) % 64).toBe(0);
    const header = buf.subarray(10, 10 + headerLen).toString('latin1');
    expect(header).toMatch(/^\{'descr': '\|u1', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/);
    expect([...buf.subarray(10 + headerLen)]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(npyUint8(new Uint8Array(4), [4]).toString('latin1')).toContain("'shape': (4,)");
  });
});
