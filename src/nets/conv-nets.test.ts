/**
 * SimpleConvNet and DeepConvNet: against the book's numpy code (test/fixtures/conv_fixtures.py),
 * gradient checks, batched accuracy, shapes, errors, and a short training run.
 */
import { describe, expect, it } from 'vitest';
import { loadFixture } from '../../test/helpers/fixtures.js';
import { loadMnist } from '../data/mnist.js';
import { gradcheckNet } from '../gradient/gradcheck.js';
import { Adam } from '../optim/adam.js';
import { RandomState } from '../random/random-state.js';
import { tensor } from '../tensor/create.js';
import type { NestedArray, Tensor } from '../tensor/tensor.js';
import { DeepConvNet } from './deep-conv-net.js';
import { accuracyOf } from './layer-net.js';
import { SimpleConvNet } from './simple-conv-net.js';

type A = NestedArray;
interface Summary {
  shape: number[];
  head: number[];
  tail: number[];
  sum: number;
}
interface Fixture {
  simple_conv_net: {
    seed: number;
    weight_init_std: number;
    x: A;
    t: number[];
    params: Record<string, A>;
    loss: number;
    grads: Record<string, A>;
  };
  deep_conv_net: { seed: number; x: A; params: Record<string, Summary>; scores: A };
}
const fx = loadFixture<Fixture>('conv_fixtures.json');
const T = (a: A): Tensor => tensor(a);

function expectClose(actual: Tensor | number, expected: A, rtol = 1e-12, atol = 1e-15): void {
  const a = typeof actual === 'number' ? [actual] : actual.toFlatArray();
  const e = typeof expected === 'number' ? [expected] : T(expected).toFlatArray();
  expect(a.length).toBe(e.length);
  for (let i = 0; i < a.length; i++)
    expect(Math.abs(a[i] - e[i])).toBeLessThanOrEqual(rtol * Math.abs(e[i]) + atol);
}

/** The book's gradient-check configuration (ch07/gradient_check.py). */
const small = {
  inputDim: [1, 10, 10] as const,
  convParam: { filterNum: 10, filterSize: 3, pad: 0, stride: 1 },
  hiddenSize: 10,
  outputSize: 10,
};

describe('the conv nets match the book (numpy)', () => {
  it('SimpleConvNet: seeded weights bit for bit, loss and gradients', () => {
    const f = fx.simple_conv_net;
    const net = new SimpleConvNet({
      ...small,
      weightInitStd: f.weight_init_std,
      rng: new RandomState(f.seed),
    });
    expect(Object.keys(net.params)).toEqual(Object.keys(f.params));
    for (const key of Object.keys(f.params)) expect(net.params[key].toArray(), key).toEqual(f.params[key]);
    expectClose(net.loss(T(f.x), f.t), f.loss);
    const grads = net.gradient(T(f.x), f.t);
    expect(Object.keys(grads)).toEqual(Object.keys(f.grads));
    for (const key of Object.keys(f.grads)) expectClose(grads[key], f.grads[key], 1e-10, 1e-14);
  });

  it('DeepConvNet: seeded He weights bit for bit, test-mode scores', () => {
    const f = fx.deep_conv_net;
    const net = new DeepConvNet({ rng: new RandomState(f.seed) });
    expect(Object.keys(net.params)).toEqual(Object.keys(f.params));
    for (const [key, s] of Object.entries(f.params)) {
      const flat = net.params[key].toFlatArray();
      expect(net.params[key].shape, key).toEqual(s.shape);
      expect(flat.slice(0, 8), key).toEqual(s.head);
      expect(flat.slice(-8), key).toEqual(s.tail);
    }
    expectClose(net.predict(T(f.x)), f.scores, 1e-10, 1e-14);
  });
});

describe('gradient checks (float64)', () => {
  it("SimpleConvNet on the book's small configuration: max |diff| < 1e-6", () => {
    const rng = new RandomState(1);
    const net = new SimpleConvNet({ ...small, weightInitStd: 0.01, rng });
    const x = rng.rand(2, 1, 10, 10);
    const report = gradcheckNet(net, x, [1, 7]);
    expect(report.passed).toBe(true);
    expect(report.maxAbsDiff).toBeLessThan(1e-6);
  });

  it('DeepConvNet (12x12 inputs, dropout frozen) on a grid of elements: max |diff| < 1e-6', () => {
    const rng = new RandomState(2);
    const net = new DeepConvNet({ inputDim: [1, 12, 12], rng });
    expect(net.params.W7.shape).toEqual([64 * 2 * 2, 50]);
    const x = rng.rand(2, 1, 12, 12);
    const report = gradcheckNet(net, x, [3, 8], { maxElements: 24 });
    expect(report.passed).toBe(true);
    expect(report.maxAbsDiff).toBeLessThan(1e-6);
  });
});

describe('behaviour', () => {
  const rng = new RandomState(4);
  const net = new SimpleConvNet({ ...small, weightInitStd: 0.3, rng });
  const x = rng.rand(7, 1, 10, 10);
  const t = [0, 1, 2, 3, 4, 5, 6];

  it('accuracy counts every sample, whatever the batch size', () => {
    const expected = accuracyOf('test', net.predict(x), t);
    for (const bs of [1, 3, 7, 100]) expect(net.accuracy(x, t, bs)).toBe(expected);
    const onehot = tensor(t.map((c) => Array.from({ length: 10 }, (_, j) => (j === c ? 1 : 0))));
    expect(net.accuracy(x, onehot, 3)).toBe(expected);
  });

  it('accepts flattened images, binds params to the layers, exposes its architecture', () => {
    expect(net.predict(x.reshape(7, 100)).toArray()).toEqual(net.predict(x).toArray());
    expect(net.params.W1).toBe((net.layers.Conv1 as unknown as { W: Tensor }).W);
    const again = new SimpleConvNet({ ...net.architecture, rng: new RandomState(4) });
    for (const key of Object.keys(net.params))
      expect(again.params[key].toArray()).toEqual(net.params[key].toArray());
    expect(JSON.parse(JSON.stringify(net.architecture))).toEqual(net.architecture);
    const deep = new DeepConvNet({ inputDim: [1, 12, 12], rng: new RandomState(0), dtype: 'float32' });
    expect(deep.architecture.convParams[3].pad).toBe(2);
    expect(deep.params.W1.dtype).toBe('float32');
    expect(deep.predict(rng.rand(2, 1, 12, 12).astype('float32')).dtype).toBe('float32');
  });

  it('reused buffers: a second gradient call gives what a fresh net gives', () => {
    const make = () => new SimpleConvNet({ ...small, weightInitStd: 0.3, rng: new RandomState(9) });
    const a = make();
    const b = make();
    const x2 = rng.rand(5, 1, 10, 10);
    a.gradient(x, t);
    a.accuracy(x2, [1, 2, 3, 4, 5], 2); // other batch sizes in between
    const ga = a.gradient(x2, [1, 2, 3, 4, 5]);
    const gb = b.gradient(x2, [1, 2, 3, 4, 5]);
    for (const key of Object.keys(gb)) expect(ga[key].toArray(), key).toEqual(gb[key].toArray());
  });

  it('errors name the net and the shapes', () => {
    expect(() => net.predict(rng.rand(2, 1, 12, 12))).toThrow(
      /SimpleConvNet: x: expected shape \(N,1,10,10\) \(inputDim \[1, 10, 10\]\) or flattened \(N,100\), got \(2,1,12,12\)/,
    );
    expect(
      () => new SimpleConvNet({ inputDim: [1, 28, 28], convParam: { filterNum: 4, filterSize: 4 } }),
    ).toThrow(/SimpleConvNet: the convolution's output 25x25 .* must have an even height and width/);
    expect(() => new SimpleConvNet({ convParam: { filterNum: 4, filterSize: 3, stride: 0 } })).toThrow(
      /SimpleConvNet: convParam.stride: expected a positive integer, got 0/,
    );
    expect(() => new DeepConvNet({ inputDim: [1, 10, 10] })).toThrow(
      /DeepConvNet: Pool2: Pooling: along the height/,
    );
    expect(() => net.accuracy(x, t.slice(1))).toThrow(/SimpleConvNet: t/);
  });
});

describe('training', () => {
  it('SimpleConvNet learns digits: loss falls within 60 Adam steps (float32)', async () => {
    const { xTrain, tTrain } = await loadMnist({ flatten: false });
    const x = xTrain.slice({ stop: 600 });
    const t = tTrain.slice({ stop: 600 });
    const net = new SimpleConvNet({
      convParam: { filterNum: 8, filterSize: 5 },
      hiddenSize: 32,
      rng: new RandomState(0),
      dtype: 'float32',
    });
    const opt = new Adam({ lr: 0.003 });
    const first = net.loss(x.slice({ stop: 200 }), t.slice({ stop: 200 }));
    for (let step = 0; step < 60; step++) {
      const start = (step * 50) % 600;
      const xb = x.slice({ start, stop: start + 50 });
      const tb = t.slice({ start, stop: start + 50 });
      opt.update(net.params, net.gradient(xb, tb));
    }
    const last = net.loss(x.slice({ stop: 200 }), t.slice({ stop: 200 }));
    expect(last).toBeLessThan(first * 0.5);
    expect(net.accuracy(x, t)).toBeGreaterThan(0.8);
  });
});
