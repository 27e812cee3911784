import { describe, expect, it } from 'vitest';
import { decode, type EncodedArray, loadFixture } from '../../test/helpers/fixtures.js';
import { tensor } from '../tensor/create.js';
import { crossEntropyError, softmaxLoss, sumSquaredError } from './losses.js';

const fx = loadFixture<{
  cee: {
    y: EncodedArray;
    t: number[];
    onehot: EncodedArray;
    cee: number;
    sse: number;
    softmaxLoss: number;
  }[];
  cee1d: { y: EncodedArray; t: number; onehot: EncodedArray; cee: number };
}>('functions.json');

const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-14 * Math.abs(b));

describe('losses match the book (numpy)', () => {
  it.each(fx.cee.map((c) => [c.y.shape.join('x'), c] as const))(
    'batch %s: labels, one-hot, tensors and arrays',
    (_, c) => {
      const y = decode(c.y);
      close(crossEntropyError(y, c.t), c.cee);
      close(crossEntropyError(y, tensor(c.t, { dtype: 'int32' })), c.cee);
      close(crossEntropyError(y, decode(c.onehot)), c.cee);
      close(sumSquaredError(y, decode(c.onehot)), c.sse);
      close(softmaxLoss(y.log(), c.t), c.softmaxLoss);
    },
  );

  it('treats a 1-D y as a batch of one (one-hot or label)', () => {
    const y = decode(fx.cee1d.y);
    close(crossEntropyError(y, decode(fx.cee1d.onehot)), fx.cee1d.cee);
    close(crossEntropyError(y, [fx.cee1d.t]), fx.cee1d.cee);
  });

  it("the book's worked example: 0.510825457099338", () => {
    const y = tensor([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0]);
    const t = tensor([0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    close(crossEntropyError(y, t), 0.510825457099338);
    close(sumSquaredError(y, t), 0.09750000000000003);
  });
});

describe('losses reject bad labels clearly', () => {
  const y = tensor([
    [0.2, 0.8],
    [0.6, 0.4],
  ]);
  it('names a label out of range', () => {
    expect(() => crossEntropyError(y, [0, 2])).toThrow(
      'crossEntropyError: t[1] = 2 is not a class index in [0, 2)',
    );
    expect(() => crossEntropyError(y, [-1, 0])).toThrow(/t\[0\] = -1/);
    expect(() => crossEntropyError(y, [0.5, 1])).toThrow(/t\[0\] = 0.5/);
  });
  it('names a wrong number of labels', () => {
    expect(() => crossEntropyError(y, [0, 1, 1])).toThrow(
      /expected 2 labels or one-hot of shape \(2,2\), got shape \(3,\)/,
    );
  });
  it('refuses an empty batch and a 3-D y', () => {
    expect(() => crossEntropyError(tensor([[]]).reshape(0, 2), [])).toThrow(/empty batch/);
    expect(() => crossEntropyError(tensor([[[0.5, 0.5]]]), [0])).toThrow(/expected shape \(N, C\)/);
  });
  it('sumSquaredError names mismatched sizes', () => {
    expect(() => sumSquaredError(y, [1, 0])).toThrow(/same size/);
  });
});
