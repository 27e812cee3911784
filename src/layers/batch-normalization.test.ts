import { describe, expect, it } from 'vitest';
import { gradcheckLayer } from '../gradient/gradcheck.js';
import { RandomState } from '../random/random-state.js';
import { ones, zeros } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { BatchNormalization } from './batch-normalization.js';

const rs = new RandomState(5);
const randn = (...shape: number[]): Tensor => rs.randn(...(shape as [number, ...number[]]));

describe('BatchNormalization', () => {
  it('training output has zero mean and unit variance per feature; running stats move by momentum', () => {
    const bn = new BatchNormalization(ones([3]), zeros([3]), { momentum: 0.8 });
    const x = randn(50, 3).mul(4).add(2);
    const y = bn.forward(x);
    for (const m of y.mean({ axis: 0 }).toFlatArray()) expect(Math.abs(m)).toBeLessThan(1e-12);
    for (const v of y.var({ axis: 0 }).toFlatArray()) expect(v).toBeCloseTo(1, 4);
    const mu = x.mean({ axis: 0 }).toFlatArray();
    bn.runningMean!.toFlatArray().forEach((m, i) => {
      expect(m).toBeCloseTo(0.2 * mu[i], 12);
    });
    const variance = x.var({ axis: 0 }).toFlatArray();
    bn.runningVar!.toFlatArray().forEach((v, i) => {
      expect(v).toBeCloseTo(0.8 + 0.2 * variance[i], 12);
    });
  });

  it("a never-trained layer does not explode in test mode (initRunningVar 'ones', the default)", () => {
    const x = randn(4, 3);
    const y = new BatchNormalization(ones([3]), zeros([3])).forward(x, false);
    const ratio = y.div(x).toFlatArray();
    for (const r of ratio) expect(r).toBeCloseTo(1 / Math.sqrt(1 + 1e-6), 12);
    // The book's zeros init divides by sqrt(1e-6): outputs are 1000 times the inputs.
    const book = new BatchNormalization(ones([3]), zeros([3]), { initRunningVar: 'zeros' }).forward(x, false);
    for (const r of book.div(x).toFlatArray()) expect(r).toBeCloseTo(1000, 6);
  });

  it('uses and updates given running statistics in place', () => {
    const runningMean = zeros([2]);
    const runningVar = ones([2]);
    const bn = new BatchNormalization(ones([2]), zeros([2]), { runningMean, runningVar });
    bn.forward(randn(5, 2).add(10));
    expect(bn.runningMean).toBe(runningMean);
    expect(runningMean.get(0)).toBeGreaterThan(0.5);
  });

  it('freezeRunningStats keeps the running statistics', () => {
    const bn = new BatchNormalization(ones([2]), zeros([2]));
    bn.freezeRunningStats = true;
    bn.forward(randn(5, 2).add(10));
    expect(bn.runningMean!.toFlatArray()).toEqual([0, 0]);
  });

  it('4-D input: the book flattens (N, C, H, W) to (N, C*H*W); perChannel normalises each channel over N, H, W', () => {
    const x = randn(4, 3, 2, 5);
    const book = new BatchNormalization(ones([30]), zeros([30]));
    expect(book.forward(x).shape).toEqual([4, 3, 2, 5]);
    const conv = new BatchNormalization(ones([3]), zeros([3]), { perChannel: true });
    const y = conv.forward(x);
    expect(y.shape).toEqual([4, 3, 2, 5]);
    const perChannel = y.transpose(1, 0, 2, 3).reshape(3, -1);
    for (const m of perChannel.mean({ axis: 1 }).toFlatArray()) expect(Math.abs(m)).toBeLessThan(1e-12);
    for (const v of perChannel.var({ axis: 1 }).toFlatArray()) expect(v).toBeCloseTo(1, 4);
    expect(conv.runningMean!.shape).toEqual([3]);
    const r = gradcheckLayer(conv, x, {
      params: { gamma: conv.gamma, beta: conv.beta },
      grads: () => ({ gamma: conv.dgamma, beta: conv.dbeta }),
    });
    expect(r.passed).toBe(true);
    const r2 = gradcheckLayer(book, x.slice(':', ':', '::-1'), {
      params: { gamma: book.gamma, beta: book.beta },
      grads: () => ({ gamma: book.dgamma, beta: book.dbeta }),
    });
    expect(r2.passed).toBe(true);
  });

  it('perChannel also handles (N, C, L) and (N, C); gradcheck in test mode', () => {
    const bn = new BatchNormalization(randn(3), randn(3), { perChannel: true });
    const x = randn(2, 3, 4);
    bn.forward(x);
    const r = gradcheckLayer(bn, x, {
      train: false,
      params: { gamma: bn.gamma, beta: bn.beta },
      grads: () => ({ gamma: bn.dgamma, beta: bn.dbeta }),
    });
    expect(r.passed).toBe(true);
    expect(bn.forward(randn(5, 3)).shape).toEqual([5, 3]);
  });

  it('clear errors for wrong shapes and options', () => {
    const bn = new BatchNormalization(ones([4]), zeros([4]));
    expect(() => bn.forward(randn(3, 5))).toThrow(
      'BatchNormalization: x: expected shape (N,4) to match gamma (4,), got (3,5) (5 features after flattening to (N, -1))',
    );
    expect(() => bn.forward(randn(4))).toThrow(
      'BatchNormalization: x: expected shape (N,4) with a batch axis first, got (4,)',
    );
    expect(() => bn.forward(zeros([0, 4]))).toThrow('BatchNormalization: x: empty batch');
    const pc = new BatchNormalization(ones([4]), zeros([4]), { perChannel: true });
    expect(() => pc.forward(randn(2, 3, 5, 5))).toThrow('got (2,3,5,5) (3 channels (axis 1))');
    expect(() => new BatchNormalization(ones([4]), zeros([3]))).toThrow(
      'BatchNormalization: beta: expected shape (4,) (as gamma), got (3,)',
    );
    expect(() => new BatchNormalization(ones([4, 1]), zeros([4]))).toThrow(
      'BatchNormalization: gamma: expected shape (D,), got (4,1)',
    );
    expect(() => new BatchNormalization(ones([4]), zeros([4]), { runningVar: ones([3]) })).toThrow(
      'BatchNormalization: runningVar: expected shape (4,) (as gamma), got (3,)',
    );
    expect(() => new BatchNormalization(ones([4]), zeros([4]), { momentum: 1.5 })).toThrow(
      'BatchNormalization: momentum: expected a number in [0, 1], got 1.5',
    );
    expect(() => bn.backward(ones([2, 4]))).toThrow('BatchNormalization.backward: called before forward');
    bn.forward(randn(3, 4));
    expect(() => bn.backward(ones([2, 4]))).toThrow(
      'BatchNormalization.backward: dout: expected shape (3,4)',
    );
  });
});
