/**
 * The nets against the book's numpy code (test/fixtures/layers_fixtures.py): initial weights bit
 * for bit from the same seed, loss and gradients to 1e-12 relative.
 */
import { describe, expect, it } from 'vitest';
import { loadFixture } from '../../test/helpers/fixtures.js';
import { random } from '../random/global.js';
import { RandomState } from '../random/random-state.js';
import { tensor } from '../tensor/create.js';
import type { NestedArray, Tensor } from '../tensor/tensor.js';
import { MultiLayerNet, type MultiLayerNetOptions } from './multi-layer-net.js';
import { MultiLayerNetExtend } from './multi-layer-net-extend.js';
import { TwoLayerNet } from './two-layer-net.js';
import { TwoLayerNetSigmoid } from './two-layer-net-sigmoid.js';

type A = NestedArray;
type Grads = Record<string, A>;
interface NetCase {
  seed: number;
  kwargs: Record<string, string | number | boolean>;
  params: Grads;
  param_keys: string[];
  loss_test: number;
  grads: Grads;
  accuracy: number;
  running_mean1?: A;
  running_var1?: A;
}
interface Fixture {
  two_layer_net: {
    seed: number;
    weight_init_std: number;
    x: A;
    t: number[];
    params: Grads;
    loss: number;
    grads: Grads;
    numerical_grads: Grads;
    accuracy: number;
  };
  two_layer_net_ch4: {
    seed: number;
    loss: number;
    predict: A;
    grads: Grads;
    numerical_grads: Grads;
    accuracy: number;
  };
  two_layer_net_784: { seed: number; W1_every_97th: number[]; W2: A };
  multi_layer_net: { x: A; t: number[]; cases: Record<string, NetCase> };
}
const fx = loadFixture<Fixture>('layers_fixtures.json');
const T = (a: A): Tensor => tensor(a);

/** Elementwise within `rtol` relative of numpy's value (plus `atol`, for values that are rounding noise). */
function expectClose(actual: Tensor | number, expected: A, rtol = 1e-12, atol = 0): void {
  const a = typeof actual === 'number' ? [actual] : actual.toFlatArray();
  const e = typeof expected === 'number' ? [expected] : T(expected).toFlatArray();
  expect(a.length).toBe(e.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs(a[i] - e[i]);
    if (err > rtol * Math.abs(e[i]) + atol) worst = Math.max(worst, err / Math.abs(e[i]));
  }
  expect(worst, 'relative error').toBe(0);
}

function expectGrads(
  actual: Record<string, Tensor>,
  expected: Grads,
  rtol = 1e-12,
  atol: Record<string, number> = {},
): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const key of Object.keys(expected)) expectClose(actual[key], expected[key], rtol, atol[key] ?? 0);
}

/** Bit-identical parameters, in numpy's key order. */
function expectSameParams(
  params: Record<string, Tensor>,
  expected: Grads,
  keys = Object.keys(expected),
): void {
  expect(Object.keys(params)).toEqual(keys);
  for (const key of keys) expect(params[key].toArray(), key).toEqual(expected[key]);
}

describe('nets match the book (numpy)', () => {
  const f = fx.two_layer_net;
  const x = T(f.x);

  it('TwoLayerNet (chapter 5): seeded weights bit for bit, loss, gradient, numerical gradient, accuracy', () => {
    random.seed(f.seed);
    const net = new TwoLayerNet(6, 5, 3, { weightInitStd: f.weight_init_std });
    expectSameParams(net.params, f.params);
    expectClose(net.loss(x, f.t), f.loss);
    expectGrads(net.gradient(x, f.t), f.grads);
    // Central differences amplify last-bit differences of the loss by 1/h = 1e4.
    expectGrads(net.numericalGradient(x, f.t), f.numerical_grads, 1e-6);
    expect(net.accuracy(x, f.t)).toBe(f.accuracy);
  });

  it('TwoLayerNetSigmoid (chapter 4): same seed, same weights; loss, predict, both gradients', () => {
    const g = fx.two_layer_net_ch4;
    const net = new TwoLayerNetSigmoid(6, 5, 3, {
      weightInitStd: f.weight_init_std,
      rng: new RandomState(g.seed),
    });
    expectSameParams(net.params, f.params);
    const onehot = tensor(f.t.map((c) => [0, 1, 2].map((j) => (j === c ? 1 : 0))));
    expectClose(net.loss(x, onehot), g.loss);
    expectClose(net.predict(x), g.predict);
    expectGrads(net.gradient(x, onehot), g.grads);
    expectGrads(net.gradient(x, f.t), g.grads);
    expectGrads(net.numericalGradient(x, onehot), g.numerical_grads, 1e-6);
    expect(net.accuracy(x, onehot)).toBe(g.accuracy);
  });

  it("TwoLayerNet(784, 50, 10) after np.random.seed(0): the book's initial weights bit for bit (float64 and float32)", () => {
    const g = fx.two_layer_net_784;
    const net = new TwoLayerNet(784, 50, 10, { rng: new RandomState(g.seed) });
    expect(net.params.W2.toArray()).toEqual(g.W2);
    expect(net.params.W1.ravel().slice('::97').toFlatArray()).toEqual(g.W1_every_97th);
    const net32 = new TwoLayerNet({
      inputSize: 784,
      hiddenSize: 50,
      outputSize: 10,
      rng: new RandomState(g.seed),
      dtype: 'float32',
    });
    expect(net32.params.W1.dtype).toBe('float32');
    expect(net32.params.W2.toFlatArray()).toEqual(T(g.W2).toFlatArray().map(Math.fround));
  });

  const m = fx.multi_layer_net;
  for (const [name, c] of Object.entries(m.cases)) {
    it(`MultiLayerNet${c.kwargs.use_batchnorm ? 'Extend' : ''} ${name}: weights, test-mode loss, gradient, accuracy`, () => {
      const options: MultiLayerNetOptions = {
        activation: (c.kwargs.activation as 'relu' | 'sigmoid' | undefined) ?? 'relu',
        weightInitStd: (c.kwargs.weight_init_std as 'relu' | number | undefined) ?? 'relu',
        weightDecayLambda: (c.kwargs.weight_decay_lambda as number | undefined) ?? 0,
        rng: new RandomState(c.seed),
      };
      const net = c.kwargs.use_batchnorm
        ? new MultiLayerNetExtend(6, [5, 4], 3, {
            ...options,
            rng: options.rng as RandomState,
            useBatchnorm: true,
            useDropout: Boolean(c.kwargs.use_dropout),
            dropoutRatio: (c.kwargs.dropout_ration as number | undefined) ?? 0.5,
            batchnormOptions: { initRunningVar: 'zeros' },
          })
        : new MultiLayerNet(6, [5, 4], 3, options);
      expectSameParams(net.params, c.params, c.param_keys);
      const xm = T(m.x);
      expectClose(net.loss(xm, m.t), c.loss_test);
      // A bias followed by batch norm has gradient exactly 0 in exact arithmetic (the normalisation
      // removes it); numpy's and ours are both rounding noise (~1e-17), compared absolutely.
      const noise: Record<string, number> = c.kwargs.use_batchnorm ? { b1: 1e-15, b2: 1e-15 } : {};
      expectGrads(net.gradient(xm, m.t), c.grads, 1e-12, noise);
      expect(net.accuracy(xm, m.t)).toBe(c.accuracy);
      if (c.running_mean1 !== undefined) {
        const bn = (net as MultiLayerNetExtend).layers.BatchNorm1 as unknown as {
          runningMean: Tensor;
          runningVar: Tensor;
        };
        expectClose(bn.runningMean, c.running_mean1);
        expectClose(bn.runningVar, c.running_var1!);
      }
    });
  }
});
