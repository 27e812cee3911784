import { describe, expect, it } from 'vitest';
import { loadMnist } from '../data/mnist.js';
import { type GradcheckReport, gradcheck, gradcheckNet } from '../gradient/gradcheck.js';
import { random } from '../random/global.js';
import { RandomState } from '../random/random-state.js';
import { tensor, zeros } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Network } from '../train/network.js';
import { MultiLayerNet } from './multi-layer-net.js';
import { MultiLayerNetExtend } from './multi-layer-net-extend.js';
import { TwoLayerNet } from './two-layer-net.js';
import { TwoLayerNetSigmoid } from './two-layer-net-sigmoid.js';

const rs = new RandomState(2024);

/** The book's gradient_check.py batch: 3 MNIST training images (random pixels if MNIST cannot load). */
async function bookBatch(): Promise<{ x: Tensor; t: number[]; source: string }> {
  try {
    const { xTrain, tTrain } = await loadMnist({ dtype: 'float64' });
    return { x: xTrain.slice(':3').copy(), t: tTrain.slice(':3').toFlatArray(), source: 'MNIST' };
  } catch {
    return { x: new RandomState(0).rand(3, 784), t: [5, 0, 4], source: 'random' };
  }
}

/** Mean |diff| per parameter, as gradient_check.py prints it. */
function meanDiffs(r: GradcheckReport): Record<string, number> {
  return Object.fromEntries(Object.entries(r.tensors).map(([k, v]) => [k, v.meanAbsDiff]));
}

/**
 * The exact derivative of the book's loss `-mean(log(y[t] + 1e-7))` with respect to the scores
 * differs from backward's `(y - t) / N` by the factor `y[t] / (y[t] + 1e-7)` per sample: about
 * 1e-6 relative when y[t] ~ 0.1 (an untrained net). This is the bias of the last bias's gradient.
 */
function exactLastBiasGrad(scores: Tensor, t: number[]): Tensor {
  const [n, c] = scores.shape;
  const e = scores.sub(scores.max({ axis: 1, keepdims: true })).exp();
  const y = e.div(e.sum({ axis: 1, keepdims: true }));
  const g = zeros([c]);
  for (let i = 0; i < n; i++) {
    const yt = y.get(i, t[i]);
    for (let j = 0; j < c; j++) g.data[j] += ((y.get(i, j) - (j === t[i] ? 1 : 0)) * (yt / (yt + 1e-7))) / n;
  }
  return g;
}

describe("gradient checks at the book's scale (float64, 3 samples)", () => {
  it("TwoLayerNet(784, 50, 10): mean |diff| < 1e-7 (W1, b1, W2); b2 carries the book loss's 1e-7 bias", async () => {
    const { x, t } = await bookBatch();
    const net = new TwoLayerNet(784, 50, 10, { rng: new RandomState(0) });
    const r = gradcheckNet(net, x, t, { maxElements: 800 });
    expect(r.passed).toBe(true);
    const d = meanDiffs(r);
    expect(d.W1).toBeLessThan(1e-7);
    expect(d.b1).toBeLessThan(1e-7);
    expect(d.W2).toBeLessThan(1e-7);
    expect(d.b2).toBeLessThan(1e-6);
    // With the exact derivative of the 1e-7 term, b2 matches to ~1e-10: the residual is the book's loss, not a bug.
    const scores = net.predict(x);
    const exact = gradcheck(
      () => net.loss(x, t, true),
      { b2: net.params.b2 },
      { b2: exactLastBiasGrad(scores, t) },
    );
    expect(exact.tensors.b2.meanAbsDiff).toBeLessThan(1e-8);
  });

  it('TwoLayerNetSigmoid(784, 50, 10): gradient equals numericalGradient', async () => {
    const { x, t } = await bookBatch();
    const net = new TwoLayerNetSigmoid(784, 50, 10, { rng: new RandomState(1) });
    const r = gradcheckNet(
      { params: net.params, gradient: (a, b) => net.gradient(a, b), loss: (a, b) => net.loss(a, b) },
      x,
      t,
      {
        maxElements: 800,
      },
    );
    expect(r.passed).toBe(true);
    for (const key of ['W1', 'b1', 'W2']) expect(r.tensors[key].meanAbsDiff).toBeLessThan(1e-7);
    expect(r.tensors.b2.meanAbsDiff).toBeLessThan(1e-6);
  });

  it('MultiLayerNet(784, [100, 100], 10) with weight decay', async () => {
    const { x, t } = await bookBatch();
    const net = new MultiLayerNet(784, [100, 100], 10, { weightDecayLambda: 0.1, rng: new RandomState(2) });
    const r = gradcheckNet(net, x, t, { maxElements: 300 });
    expect(r.passed).toBe(true);
    expect(r.meanAbsDiff).toBeLessThan(1e-7);
    expectRelativeBias(r, net.grads);
  });

  it('MultiLayerNetExtend(784, [100, 100], 10) with batch norm, dropout and weight decay', async () => {
    const { x, t } = await bookBatch();
    const net = new MultiLayerNetExtend(784, [100, 100], 10, {
      useBatchnorm: true,
      useDropout: true,
      dropoutRatio: 0.2,
      weightDecayLambda: 0.05,
      rng: new RandomState(3),
    });
    const r = gradcheckNet(net, x, t, { maxElements: 300 });
    expect(r.passed).toBe(true);
    // Batch norm makes the gradients O(0.1), so the loss's 1e-6 relative bias is ~1e-7 absolute here.
    expect(r.meanAbsDiff).toBeLessThan(2e-7);
    expectRelativeBias(r, net.grads);
  });
});

/**
 * mean |diff| / mean |gradient| per parameter stays at the level of the book loss's 1e-7 bias
 * (about 1e-6 for an untrained 10-class net), for every parameter whose gradient is not rounding
 * noise (a bias followed by batch norm has gradient 0).
 */
function expectRelativeBias(r: GradcheckReport, grads: Record<string, Tensor>): void {
  for (const [key, rep] of Object.entries(r.tensors)) {
    const scale = grads[key].abs().mean().item();
    if (scale < 1e-12) expect(rep.maxAbsDiff, key).toBeLessThan(1e-8);
    else expect(rep.meanAbsDiff / scale, key).toBeLessThan(1e-5);
  }
}

/** Small nets of every kind, for the quick checks. */
function smallNets() {
  return [
    ['TwoLayerNet', () => new TwoLayerNet(6, 5, 3, { weightInitStd: 0.5, rng: new RandomState(1) })],
    [
      'MultiLayerNet relu',
      () => new MultiLayerNet(6, [5, 4], 3, { weightDecayLambda: 0.1, rng: new RandomState(2) }),
    ],
    [
      'MultiLayerNet sigmoid',
      () =>
        new MultiLayerNet(6, [5], 3, {
          activation: 'sigmoid',
          weightInitStd: 'xavier',
          rng: new RandomState(3),
        }),
    ],
    [
      'MultiLayerNetExtend bn',
      () => new MultiLayerNetExtend(6, [5, 4], 3, { useBatchnorm: true, rng: new RandomState(4) }),
    ],
    [
      'MultiLayerNetExtend bn+dropout (inverted)',
      () =>
        new MultiLayerNetExtend(6, [5, 4], 3, {
          useBatchnorm: true,
          useDropout: true,
          dropoutMode: 'inverted',
          weightDecayLambda: 0.01,
          rng: new RandomState(5),
        }),
    ],
  ] as const;
}

describe('every net passes gradcheck with non-contiguous x (transposed, sliced, reversed)', () => {
  const inputs: [string, Tensor][] = [
    ['transposed', rs.randn(6, 4).T],
    ['strided slice', rs.randn(8, 12).slice('::2', '1::2')],
    ['reversed', rs.randn(4, 6).slice('::-1', '::-1')],
  ];
  for (const [netName, make] of smallNets()) {
    for (const [xName, x] of inputs) {
      it(`${netName}, x ${xName}, labels and one-hot`, () => {
        expect(x.isContiguous).toBe(false);
        const net = make();
        // Non-zero biases: with the zero init, a sample whose ReLU units are all off puts the next
        // layer's pre-activation exactly at ReLU's kink, where central differences are not a derivative.
        const brs = new RandomState(99);
        for (const [key, p] of Object.entries(net.params))
          if (key.startsWith('b')) p.assign(brs.randn(p.size).mul(0.3));
        // A small last layer keeps every class probability near 1/3: the book's loss adds 1e-7 inside
        // the log, which backprop ignores, so the two gradients differ by ~1e-7 / y[t] relative.
        const keys = Object.keys(net.params).filter((k) => k.startsWith('W'));
        net.params[keys[keys.length - 1]].mulInPlace(0.1);
        const t = [0, 2, 1, 2];
        expect(gradcheckNet(net, x, t).passed).toBe(true);
        const onehot = tensor(t.map((c) => [0, 1, 2].map((j) => (j === c ? 1 : 0))));
        const r = gradcheckNet(net, x, onehot);
        expect(r.passed).toBe(true);
        expect(r.maxAbsDiff).toBeLessThan(1e-5);
      });
    }
  }

  it('TwoLayerNetSigmoid, x transposed', () => {
    const net = new TwoLayerNetSigmoid(6, 5, 3, { weightInitStd: 0.5, rng: new RandomState(6) });
    const x = rs.randn(6, 4).T;
    const r = gradcheckNet(
      { params: net.params, gradient: (a, b) => net.gradient(a, b), loss: (a, b) => net.loss(a, b) },
      x,
      [0, 1, 2, 0],
    );
    expect(r.passed).toBe(true);
    expect(r.maxAbsDiff).toBeLessThan(1e-5);
  });
});

describe('params, training and state', () => {
  it("every net is a Trainer's Network", () => {
    const nets: Network[] = [
      new TwoLayerNet(4, 3, 2),
      new TwoLayerNetSigmoid(4, 3, 2),
      new MultiLayerNet(4, [3], 2),
      new MultiLayerNetExtend(4, [3], 2, { useBatchnorm: true }),
    ];
    for (const net of nets)
      expect(Object.keys(net.gradient(rs.randn(2, 4), tensor([0, 1])))).toEqual(Object.keys(net.params));
  });

  it('params are the tensors the layers use: in-place updates and reassignment both reach the layers', () => {
    const net = new TwoLayerNet(4, 3, 2, { rng: new RandomState(0) });
    const x = rs.randn(2, 4);
    expect(Object.keys(net.params)).toEqual(['W1', 'b1', 'W2', 'b2']);
    expect(Object.keys(net.layers)).toEqual(['Affine1', 'Relu1', 'Affine2']);
    const before = net.predict(x).toFlatArray();
    net.params.b2.addInPlace(1);
    expect(net.predict(x).toFlatArray()).toEqual(before.map((v) => v + 1));
    net.params.b2 = zeros([2]);
    expect(net.predict(x).toFlatArray()).toEqual(before);
    expect(() => {
      net.params.b2 = zeros([3]);
    }).toThrow('TwoLayerNet: params.b2: expected shape (2,), got (3,)');
  });

  it('SGD on params trains: the loss falls and accuracy rises on a small problem', () => {
    const data = new RandomState(7);
    const x = data.randn(60, 4);
    const t = x.toArray() as number[][];
    const labels = t.map((row) => (row[0] + row[1] > 0 ? 1 : 0));
    for (const net of [
      new TwoLayerNet(4, 8, 2, { weightInitStd: 0.5, rng: new RandomState(8) }),
      new MultiLayerNetExtend(4, [8], 2, { useBatchnorm: true, rng: new RandomState(9) }),
    ]) {
      const first = net.loss(x, labels);
      for (let i = 0; i < 200; i++) {
        const grads = net.gradient(x, labels);
        for (const key of Object.keys(net.params)) net.params[key].subInPlace(grads[key].mul(0.3));
      }
      expect(net.loss(x, labels)).toBeLessThan(first / 3);
      expect(net.accuracy(x, labels)).toBeGreaterThan(0.9);
    }
  });

  it('seeded weights: random.seed(s) and rng: new RandomState(s) give the same net; weight init formulas', () => {
    random.seed(42);
    const a = new MultiLayerNet(10, [7], 3);
    const b = new MultiLayerNet({
      inputSize: 10,
      hiddenSizeList: [7],
      outputSize: 3,
      rng: new RandomState(42),
    });
    expect(a.params.W1.toArray()).toEqual(b.params.W1.toArray());
    const draw = new RandomState(42);
    expect(a.params.W1.toArray()).toEqual(
      draw
        .randn(10, 7)
        .mul(Math.sqrt(2 / 10))
        .toArray(),
    );
    expect(a.params.W2.toArray()).toEqual(
      draw
        .randn(7, 3)
        .mul(Math.sqrt(2 / 7))
        .toArray(),
    );
    const xavier = new MultiLayerNet(10, [7], 3, {
      weightInitStd: 'Xavier' as 'xavier', // case-insensitive, as the book's str(...).lower()
      rng: new RandomState(1),
    });
    expect(xavier.params.W1.toArray()).toEqual(
      new RandomState(1)
        .randn(10, 7)
        .mul(Math.sqrt(1 / 10))
        .toArray(),
    );
    const fixed = new MultiLayerNet(10, [7], 3, { weightInitStd: 0.01, rng: new RandomState(1) });
    expect(fixed.params.W1.toArray()).toEqual(new RandomState(1).randn(10, 7).mul(0.01).toArray());
  });

  it('float32 nets keep float32 everywhere', () => {
    const net = new MultiLayerNetExtend(4, [3], 2, {
      dtype: 'float32',
      useBatchnorm: true,
      useDropout: true,
      rng: new RandomState(0),
    });
    for (const p of Object.values(net.params)) expect(p.dtype).toBe('float32');
    const x = rs.randn(5, 4).astype('float32');
    expect(net.predict(x, true).dtype).toBe('float32');
    for (const g of Object.values(net.gradient(x, [0, 1, 0, 1, 1]))) expect(g.dtype).toBe('float32');
  });

  it('MultiLayerNetExtend: the book layer names and param order; predict(train) differs only with dropout/batch norm', () => {
    const net = new MultiLayerNetExtend(6, [5, 4], 3, {
      useBatchnorm: true,
      useDropout: true,
      rng: new RandomState(1),
    });
    expect(Object.keys(net.layers)).toEqual([
      'Affine1',
      'BatchNorm1',
      'Activation_function1',
      'Dropout1',
      'Affine2',
      'BatchNorm2',
      'Activation_function2',
      'Dropout2',
      'Affine3',
    ]);
    expect(Object.keys(net.params)).toEqual([
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
    const x = rs.randn(4, 6);
    expect(net.predict(x).toFlatArray()).toEqual(net.predict(x, false).toFlatArray());
    expect(net.predict(x, true).toFlatArray()).not.toEqual(net.predict(x, false).toFlatArray());
  });

  it('numericalGradient freezes dropout masks and running statistics, and matches gradient', () => {
    const net = new MultiLayerNetExtend(6, [5], 3, {
      useBatchnorm: true,
      useDropout: true,
      rng: new RandomState(2),
    });
    const x = rs.randn(4, 6);
    const t = [0, 1, 2, 0];
    const grads = net.gradient(x, t);
    const bn = net.layers.BatchNorm1 as unknown as { runningMean: Tensor; freezeRunningStats: boolean };
    const mean = bn.runningMean.toFlatArray();
    const num = net.numericalGradient(x, t);
    expect(bn.runningMean.toFlatArray()).toEqual(mean);
    expect(bn.freezeRunningStats).toBe(false);
    for (const key of Object.keys(grads)) {
      const diff = grads[key].sub(num[key]).abs().max().item();
      expect(diff, key).toBeLessThan(1e-6);
    }
  });

  it('accuracy takes labels or one-hot and uses test mode', () => {
    const net = new TwoLayerNet(2, 3, 2, { rng: new RandomState(3) });
    const x = rs.randn(4, 2);
    const pred = net.predict(x).argmax({ axis: 1 }).toFlatArray();
    expect(net.accuracy(x, pred)).toBe(1);
    expect(
      net.accuracy(
        x,
        pred.map((p) => 1 - p),
      ),
    ).toBe(0);
    const onehot = tensor(pred.map((p) => [p === 0 ? 1 : 0, p === 1 ? 1 : 0]));
    expect(net.accuracy(x, onehot)).toBe(1);
    expect(net.accuracy(x, tensor(pred, { dtype: 'int32' }))).toBe(1);
  });

  it('image-shaped input (N, 1, 28, 28) is flattened by the first Affine', () => {
    const net = new TwoLayerNet(784, 5, 3, { rng: new RandomState(0) });
    expect(net.predict(rs.rand(2, 1, 28, 28)).shape).toEqual([2, 3]);
  });
});

describe('bad input gets clear errors', () => {
  const net = new TwoLayerNet(4, 3, 2, { rng: new RandomState(0) });
  const x = rs.randn(3, 4);

  it('wrong x shape, empty batch', () => {
    expect(() => net.predict(rs.randn(3, 5))).toThrow(
      'TwoLayerNet: x: expected shape (N,4) (inputSize 4), got (3,5)',
    );
    expect(() => net.loss(rs.randn(4), [0])).toThrow(
      'TwoLayerNet: x: expected shape (N,4) with a batch axis first, got (4,)',
    );
    expect(() => net.gradient(zeros([0, 4]), [])).toThrow('TwoLayerNet: x: empty batch');
    const ch4 = new TwoLayerNetSigmoid(4, 3, 2, { rng: new RandomState(0) });
    expect(() => ch4.predict(rs.randn(3, 5))).toThrow(
      'TwoLayerNetSigmoid: x: expected shape (N,4) or (4,), got (3,5)',
    );
    expect(ch4.predict(rs.randn(4)).shape).toEqual([2]);
    expect(() => ch4.gradient(rs.randn(4), [0])).toThrow(
      'TwoLayerNetSigmoid: x: expected shape (N,4) with a batch axis first, got (4,)',
    );
  });

  it('labels out of range, wrong count or wrong one-hot shape', () => {
    expect(() => net.loss(x, [0, 1, 2])).toThrow(
      'SoftmaxWithLoss: t: label 2 at index 2 is out of range [0, 2) for 2 classes',
    );
    expect(() => net.gradient(x, [0, 1])).toThrow(
      'SoftmaxWithLoss: t: expected labels of shape (3,) or one-hot (3,2), got an array of length 2',
    );
    expect(() => net.accuracy(x, [0, 1, 5])).toThrow(
      'TwoLayerNet: t: label 5 at index 2 is out of range [0, 2) for 2 classes',
    );
    expect(() => net.accuracy(x, zeros([3, 3]))).toThrow(
      'TwoLayerNet: t: expected one-hot shape (3,2) (as y) or labels (3,), got (3,3)',
    );
    const ch4 = new TwoLayerNetSigmoid(4, 3, 2, { rng: new RandomState(0) });
    expect(() => ch4.gradient(x, [0, 1, 2])).toThrow(
      'TwoLayerNetSigmoid: t: label 2 at index 2 is out of range',
    );
    expect(() => ch4.loss(x, [0, -1, 1])).toThrow(
      'TwoLayerNetSigmoid: t: label -1 at index 1 is out of range',
    );
  });

  it('bad constructor arguments', () => {
    expect(() => new TwoLayerNet(4, 0, 2)).toThrow(
      'TwoLayerNet: hiddenSize: expected a positive integer, got 0',
    );
    expect(() => new TwoLayerNet(4, 3, 2, { weightInitStd: Number.NaN })).toThrow(
      'TwoLayerNet: weightInitStd: expected a finite number, got NaN',
    );
    expect(() => new TwoLayerNet(4, 3, 2, { dtype: 'int32' as 'float32' })).toThrow(
      "TwoLayerNet: dtype: expected 'float64' or 'float32', got int32",
    );
    expect(() => new MultiLayerNet(4, [3, 0], 2)).toThrow(
      'MultiLayerNet: hiddenSizeList[1]: expected a positive integer, got 0',
    );
    expect(() => new MultiLayerNet(4, [3], 2, { activation: 'tanh' as 'relu' })).toThrow(
      "MultiLayerNet: activation: expected 'relu' or 'sigmoid', got tanh",
    );
    expect(() => new MultiLayerNet(4, [3], 2, { weightInitStd: 'lecun' as 'he' })).toThrow(
      "MultiLayerNet: weightInitStd: expected 'relu', 'he', 'sigmoid', 'xavier' or a finite number, got lecun",
    );
    expect(() => new MultiLayerNet(4, [3], 2, { weightDecayLambda: -1 })).toThrow(
      'MultiLayerNet: weightDecayLambda: expected a finite number >= 0, got -1',
    );
    expect(() => new MultiLayerNetExtend(4, [3], 2, { dropoutRatio: 1 })).toThrow(
      'MultiLayerNetExtend: dropoutRatio: expected a number in [0, 1), got 1',
    );
  });
});
