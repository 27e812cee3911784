import { describe, expect, it } from 'vitest';
import { gradcheck, gradcheckLayer } from '../gradient/gradcheck.js';
import { RandomState } from '../random/random-state.js';
import { ones, tensor, zeros } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { Affine } from './affine.js';
import { BatchNormalization } from './batch-normalization.js';
import { Dropout } from './dropout.js';
import { Relu } from './relu.js';
import { Sigmoid } from './sigmoid.js';
import { SoftmaxWithLoss } from './softmax-with-loss.js';

const rs = new RandomState(123);
const randn = (...shape: number[]): Tensor => rs.randn(...(shape as [number, ...number[]]));

/** Non-contiguous versions of a (4, 6) input: transposed, strided, reversed. */
function views(): [string, Tensor][] {
  return [
    ['contiguous', randn(4, 6)],
    ['transposed', randn(6, 4).T],
    ['column-sliced', randn(4, 12).slice(':', '::2')],
    ['reversed rows', randn(4, 6).slice('::-1')],
  ];
}

/** A (4, 6) input whose entries stay away from 0 (ReLU's kink) by more than the check's eps. */
function awayFromZero(x: Tensor): Tensor {
  const c = x.copy();
  for (let i = 0; i < c.data.length; i++) if (Math.abs(c.data[i]) < 1e-3) c.data[i] = 0.5;
  x.assign(c);
  return x;
}

describe('every layer passes gradcheck in float64', () => {
  for (const [name, x] of views()) {
    describe(`x ${name}`, () => {
      it('Affine: dx, dW, db', () => {
        expect(x.isContiguous).toBe(name === 'contiguous');
        const affine = new Affine(randn(6, 3), randn(3));
        const r = gradcheckLayer(affine, x, {
          params: { W: affine.W, b: affine.b },
          grads: () => ({ W: affine.dW, b: affine.db }),
        });
        expect(Object.keys(r.tensors)).toEqual(['x', 'W', 'b']);
        expect(r.passed).toBe(true);
        expect(r.maxAbsDiff).toBeLessThan(1e-8);
      });

      it('Affine with non-contiguous W and b (views of larger tensors)', () => {
        const affine = new Affine(randn(3, 6).T, randn(2, 3).slice(1));
        expect(affine.W.isContiguous).toBe(false);
        const r = gradcheckLayer(affine, x, {
          params: { W: affine.W, b: affine.b },
          grads: () => ({ W: affine.dW, b: affine.db }),
        });
        expect(r.passed).toBe(true);
      });

      it('Relu', () => {
        const r = gradcheckLayer(new Relu(), awayFromZero(x));
        expect(r.passed).toBe(true);
        expect(r.maxAbsDiff).toBeLessThan(1e-8);
      });

      it('Sigmoid', () => {
        expect(gradcheckLayer(new Sigmoid(), x).maxAbsDiff).toBeLessThan(1e-8);
      });

      it('BatchNormalization (train mode, running stats frozen during the check): dx, dgamma, dbeta', () => {
        const bn = new BatchNormalization(randn(6).abs().add(0.5), randn(6));
        const r = gradcheckLayer(bn, x, {
          params: { gamma: bn.gamma, beta: bn.beta },
          grads: () => ({ gamma: bn.dgamma, beta: bn.dbeta }),
        });
        expect(r.passed).toBe(true);
        expect(bn.freezeRunningStats).toBe(false);
      });

      it('BatchNormalization (test mode)', () => {
        const bn = new BatchNormalization(randn(6), randn(6), {
          runningMean: randn(6),
          runningVar: randn(6).abs(),
        });
        const r = gradcheckLayer(bn, x, {
          train: false,
          params: { gamma: bn.gamma, beta: bn.beta },
          grads: () => ({ gamma: bn.dgamma, beta: bn.dbeta }),
        });
        expect(r.passed).toBe(true);
      });

      for (const mode of ['book', 'inverted'] as const) {
        it(`Dropout (${mode}, train and test)`, () => {
          const drop = new Dropout(0.4, { mode, rng: new RandomState(1) });
          expect(gradcheckLayer(drop, x).passed).toBe(true);
          expect(drop.reuseMask).toBe(false);
          expect(gradcheckLayer(drop, x, { train: false }).passed).toBe(true);
        });
      }

      it('SoftmaxWithLoss, labels and one-hot', () => {
        const layer = new SoftmaxWithLoss();
        const t = [0, 5, 2, 3];
        const onehot = zeros([4, 6]);
        t.forEach((c, i) => {
          onehot.set(1, i, c);
        });
        for (const target of [t, onehot, tensor(t, { dtype: 'int32' })]) {
          layer.forward(x, target);
          const dx = layer.backward();
          // crossEntropyError adds 1e-7 inside the log, which backward's (y - t) / N ignores: ~1e-7 relative.
          expect(gradcheck(() => layer.forward(x, target), { x }, { x: dx }).passed).toBe(true);
        }
      });
    });
  }
});

describe('Affine', () => {
  it('flattens any input rank to (N, -1) and reshapes dx back', () => {
    const affine = new Affine(randn(12, 5), randn(5));
    const x = randn(2, 3, 4);
    expect(affine.forward(x).shape).toEqual([2, 5]);
    const dx = affine.backward(ones([2, 5]));
    expect(dx.shape).toEqual([2, 3, 4]);
    expect(affine.dW!.shape).toEqual([12, 5]);
    expect(affine.db!.toArray()).toEqual([2, 2, 2, 2, 2]);
    const r = gradcheckLayer(affine, randn(2, 4, 3).transpose(0, 2, 1), {
      params: { W: affine.W, b: affine.b },
      grads: () => ({ W: affine.dW, b: affine.db }),
    });
    expect(r.passed).toBe(true);
  });

  it('computeInputGrad: false skips dx (backward returns null) but still sets dW and db', () => {
    const affine = new Affine(randn(6, 3), randn(3), { computeInputGrad: false });
    affine.forward(randn(4, 6));
    const dx: null = affine.backward(ones([4, 3]));
    expect(dx).toBeNull();
    expect(affine.dW!.shape).toEqual([6, 3]);
    expect(affine.db!.shape).toEqual([3]);
    const r = gradcheckLayer(affine, randn(4, 6), {
      params: { W: affine.W, b: affine.b },
      grads: () => ({ W: affine.dW, b: affine.db }),
    });
    expect(Object.keys(r.tensors)).toEqual(['W', 'b']);
  });

  it('uses W and b by reference: in-place updates change the output', () => {
    const W = ones([2, 2]);
    const affine = new Affine(W, zeros([2]));
    const x = tensor([[1, 2]]);
    expect(affine.forward(x).toArray()).toEqual([[3, 3]]);
    W.mulInPlace(2);
    expect(affine.forward(x).toArray()).toEqual([[6, 6]]);
  });

  it('float32 stays float32', () => {
    const affine = new Affine(ones([3, 2], { dtype: 'float32' }), zeros([2], { dtype: 'float32' }));
    const y = affine.forward(ones([4, 3], { dtype: 'float32' }));
    expect(y.dtype).toBe('float32');
    expect(affine.backward(ones([4, 2], { dtype: 'float32' })).dtype).toBe('float32');
    expect(affine.dW!.dtype).toBe('float32');
  });

  it('names the layer, the expected and the actual shape on bad input', () => {
    const affine = new Affine(randn(12, 5), randn(5));
    expect(() => affine.forward(randn(2, 10))).toThrow(
      'Affine: x: expected shape (N,12) (after flattening to (N, -1)), got (2,10)',
    );
    expect(() => affine.forward(randn(2, 2, 5))).toThrow('got (2,2,5), which flattens to (2,10)');
    expect(() => affine.forward(randn(12))).toThrow(
      'Affine: x: expected shape (N,12) with a batch axis first, got (12,); for one sample use x.reshape(1, -1)',
    );
    expect(() => affine.forward(zeros([0, 12]))).toThrow('Affine: x: empty batch');
    expect(() => affine.backward(ones([2, 5]))).toThrow('Affine.backward: called before forward');
    affine.forward(randn(2, 12));
    expect(() => affine.backward(ones([3, 5]))).toThrow(
      "Affine.backward: dout: expected shape (2,5) (the forward output's), got (3,5)",
    );
    expect(() => new Affine(randn(12), randn(5))).toThrow(
      'Affine: W: expected shape (inFeatures, outFeatures), got (12,)',
    );
    expect(() => new Affine(randn(12, 5), randn(4))).toThrow(
      "Affine: b: expected shape (5,) (W's outFeatures), got (4,)",
    );
  });
});

describe('Relu and Sigmoid', () => {
  it('Relu: max(0, x), mask where x <= 0, dout unchanged', () => {
    const relu = new Relu();
    expect(
      relu
        .forward(
          tensor([
            [1, -0.5],
            [0, 3],
          ]),
        )
        .toArray(),
    ).toEqual([
      [1, 0],
      [0, 3],
    ]);
    const dout = tensor([
      [5, 6],
      [7, 8],
    ]);
    expect(relu.backward(dout).toArray()).toEqual([
      [5, 0],
      [0, 8],
    ]);
    expect(dout.toArray()).toEqual([
      [5, 6],
      [7, 8],
    ]);
    expect(() => relu.backward(ones([2]))).toThrow('Relu.backward: dout: expected shape (2,2)');
    expect(() => new Relu().backward(ones([2]))).toThrow('Relu.backward: called before forward');
  });

  it('Sigmoid: backward is dout * (1 - y) * y', () => {
    const s = new Sigmoid();
    expect(s.forward(tensor([0])).toArray()).toEqual([0.5]);
    expect(s.backward(tensor([1])).toArray()).toEqual([0.25]);
  });
});

describe('SoftmaxWithLoss', () => {
  it('labels and one-hot give the same loss and gradient; dout scales the gradient', () => {
    const x = randn(3, 4);
    const a = new SoftmaxWithLoss();
    const b = new SoftmaxWithLoss();
    const onehot = tensor([
      [0, 0, 1, 0],
      [1, 0, 0, 0],
      [0, 0, 0, 1],
    ]);
    expect(a.forward(x, [2, 0, 3])).toBe(b.forward(x, onehot));
    expect(a.backward().toArray()).toEqual(b.backward().toArray());
    expect(a.backward(2).toArray()).toEqual(a.backward().mul(2).toArray());
    const rowSums = a.backward().sum({ axis: 1 }).toFlatArray();
    for (const s of rowSums) expect(Math.abs(s)).toBeLessThan(1e-15);
  });

  it('rejects wrong shapes, out-of-range labels and empty batches', () => {
    const layer = new SoftmaxWithLoss();
    const x = randn(3, 4);
    expect(() => layer.forward(x, [0, 1])).toThrow(
      'SoftmaxWithLoss: t: expected labels of shape (3,) or one-hot (3,4), got an array of length 2',
    );
    expect(() => layer.forward(x, [0, 1, 4])).toThrow(
      'SoftmaxWithLoss: t: label 4 at index 2 is out of range [0, 4) for 4 classes',
    );
    expect(() => layer.forward(x, [0, -1, 2])).toThrow('label -1 at index 1 is out of range');
    expect(() => layer.forward(x, [0, 1.5, 2])).toThrow(
      'SoftmaxWithLoss: t: label 1.5 at index 1 is not an integer',
    );
    expect(() => layer.forward(x, zeros([3, 5]))).toThrow(
      'SoftmaxWithLoss: t: expected one-hot shape (3,4) (as y) or labels (3,), got (3,5)',
    );
    expect(() => layer.forward(x, zeros([3, 4, 1]))).toThrow(
      'SoftmaxWithLoss: t: expected labels (N,) or one-hot (N, C), got shape (3,4,1)',
    );
    expect(() => layer.forward(randn(4), [1])).toThrow(
      'SoftmaxWithLoss: x: expected shape (N,C) with a batch axis first, got (4,)',
    );
    expect(() => layer.forward(zeros([0, 4]), [])).toThrow('SoftmaxWithLoss: x: empty batch');
    expect(() => new SoftmaxWithLoss().backward()).toThrow('SoftmaxWithLoss.backward: called before forward');
  });
});
