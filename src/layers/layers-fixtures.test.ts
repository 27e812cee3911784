/**
 * The layers against the book's numpy classes (test/fixtures/layers_fixtures.py): forward and
 * backward values to 1e-12 relative.
 */
import { describe, expect, it } from 'vitest';
import { loadFixture } from '../../test/helpers/fixtures.js';
import { RandomState } from '../random/random-state.js';
import { tensor } from '../tensor/create.js';
import type { NestedArray, Tensor } from '../tensor/tensor.js';
import { Affine } from './affine.js';
import { BatchNormalization } from './batch-normalization.js';
import { Dropout } from './dropout.js';
import { Relu } from './relu.js';
import { Sigmoid } from './sigmoid.js';
import { SoftmaxWithLoss } from './softmax-with-loss.js';

type A = NestedArray;
const fx = loadFixture<Record<string, Record<string, A>>>('layers_fixtures.json');
const T = (a: A): Tensor => tensor(a);

/** Every element within 1e-12 relative of numpy's (exact zeros must be exact). */
function expectClose(actual: Tensor | number, expected: A, rtol = 1e-12): void {
  const a = typeof actual === 'number' ? [actual] : actual.toFlatArray();
  const e = typeof expected === 'number' ? [expected] : T(expected).toFlatArray();
  if (typeof actual !== 'number') expect(actual.shape).toEqual(T(expected).shape);
  expect(a.length).toBe(e.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs(a[i] - e[i]);
    if (err > rtol * Math.abs(e[i])) worst = Math.max(worst, err / Math.abs(e[i]));
  }
  expect(worst, 'relative error').toBe(0);
}

describe('layers match the book (numpy) to 1e-12', () => {
  it('Affine on a 3-D input', () => {
    const f = fx.affine;
    const layer = new Affine(T(f.W), T(f.b));
    expectClose(layer.forward(T(f.x)), f.out);
    expectClose(layer.backward(T(f.dout)), f.dx);
    expectClose(layer.dW!, f.dW);
    expectClose(layer.db!, f.db);
  });

  it('Relu and Sigmoid', () => {
    const relu = new Relu();
    expectClose(relu.forward(T(fx.relu.x)), fx.relu.out, 0);
    expectClose(relu.backward(T(fx.relu.dout)), fx.relu.dx, 0);
    const sig = new Sigmoid();
    expectClose(sig.forward(T(fx.sigmoid.x)), fx.sigmoid.out);
    expectClose(sig.backward(T(fx.sigmoid.dout)), fx.sigmoid.dx);
  });

  it('SoftmaxWithLoss with labels and with one-hot t', () => {
    const f = fx.softmax_with_loss;
    const layer = new SoftmaxWithLoss();
    expectClose(layer.forward(T(f.x), f.t as number[]), f.loss_labels);
    expectClose(layer.backward(), f.dx_labels);
    expectClose(layer.forward(T(f.x), T(f.onehot)), f.loss_onehot);
    expectClose(layer.backward(), f.dx_onehot);
  });

  it("BatchNormalization (2-D): train step, running statistics (the book's zeros init), test mode", () => {
    const f = fx.batchnorm;
    const bn = new BatchNormalization(T(f.gamma), T(f.beta), { initRunningVar: 'zeros' });
    expectClose(bn.forward(T(f.x), true), f.out);
    expectClose(bn.backward(T(f.dout)), f.dx);
    expectClose(bn.dgamma!, f.dgamma);
    expectClose(bn.dbeta!, f.dbeta);
    expectClose(bn.runningMean!, f.running_mean);
    expectClose(bn.runningVar!, f.running_var);
    expectClose(bn.forward(T(f.x_test), false), f.out_test);
  });

  it('BatchNormalization (4-D): flattened to (N, C*H*W) by default, as the book', () => {
    const f = fx.batchnorm4d;
    const bn = new BatchNormalization(T(f.gamma), T(f.beta));
    expectClose(bn.forward(T(f.x), true), f.out);
    expectClose(bn.backward(T(f.dout)), f.dx);
    expectClose(bn.dgamma!, f.dgamma);
    expectClose(bn.dbeta!, f.dbeta);
  });

  it('Dropout: test mode x * (1 - ratio); training masks identical to np.random.seed(7)', () => {
    const f = fx.dropout;
    const drop = new Dropout(f.ratio as number, { rng: new RandomState(f.seed as number) });
    expectClose(drop.forward(T(f.x), false), f.out_test, 0);
    expectClose(drop.forward(T(f.x), true), f.out_train, 0);
    expectClose(drop.backward(T(f.dout)), f.dx, 0);
  });
});
