import { describe, expect, it } from 'vitest';
import { Affine } from '../layers/affine.js';
import { TwoLayerNet } from '../nets/two-layer-net.js';
import { RandomState } from '../random/random-state.js';
import { ones, tensor } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  formatGradcheckReport,
  GradcheckError,
  gradcheck,
  gradcheckLayer,
  gradcheckNet,
  gridSteps,
} from './gradcheck.js';

const rs = new RandomState(11);
const randn = (...shape: number[]): Tensor => rs.randn(...(shape as [number, ...number[]]));

/** f(W, v) = sum(tanh(x · W) * v): a smooth function with a known gradient. */
function problem(W: Tensor, v: Tensor) {
  const x = randn(5, W.shape[0]);
  const f = () => x.dot(W).tanh().mul(v).sum().item();
  const grads = () => {
    const th = x.dot(W).tanh();
    const dz = v.mul(ones(th.shape).sub(th.mul(th)));
    return { W: x.T.dot(dz), v: th.sum({ axis: 0 }) };
  };
  return { f, grads };
}

describe('gradcheck', () => {
  it('passes a correct gradient and reports max/mean |diff|, the worst element and both values', () => {
    const W = randn(4, 3);
    const v = randn(3);
    const { f, grads } = problem(W, v);
    const r = gradcheck(f, { W, v }, grads());
    expect(r.passed).toBe(true);
    expect(Object.keys(r.tensors)).toEqual(['W', 'v']);
    const w = r.tensors.W;
    expect(w).toMatchObject({ name: 'W', shape: [4, 3], passed: true, failures: 0, checked: 12 });
    expect(w.maxAbsDiff).toBeLessThan(1e-8);
    expect(w.meanAbsDiff).toBeLessThanOrEqual(w.maxAbsDiff);
    expect(w.worstIndex).toHaveLength(2);
    expect(w.analytic).toBe(grads().W.get(...w.worstIndex));
    expect(Math.abs(w.analytic - w.numerical)).toBeLessThan(1e-8);
    expect(r.options).toEqual({ eps: 1e-6, atol: 1e-5, rtol: 1e-3 });
    expect(formatGradcheckReport(r)).toMatch(/^W \(4,3\): ok max\|diff\| .* mean\|diff\| .*\nv \(3,\): ok/);
  });

  it('restores every input bit for bit', () => {
    const W = randn(4, 3);
    const v = randn(3);
    const before = W.toFlatArray();
    const { f, grads } = problem(W, v);
    gradcheck(f, { W, v }, grads());
    expect(W.toFlatArray()).toEqual(before);
  });

  it('throws naming the parameter, the worst index and both values when a gradient is wrong', () => {
    const W = randn(4, 3);
    const v = randn(3);
    const { f, grads } = problem(W, v);
    const bad = grads();
    bad.W.set(bad.W.get(2, 1) + 0.01, 2, 1);
    let error: unknown;
    try {
      gradcheck(f, { W, v }, bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GradcheckError);
    const message = (error as Error).message;
    expect(message).toContain(
      "gradcheck: the gradient of 'W' does not match the numerical one at index [2, 1]: analytic ",
    );
    expect(message).toContain(`analytic ${bad.W.get(2, 1)}, numerical `);
    expect(message).toContain("1 of 12 checked elements of 'W' fail");
    const report = (error as GradcheckError).report;
    expect(report.tensors.W.worstIndex).toEqual([2, 1]);
    expect(report.tensors.v.passed).toBe(true);
    // raise: false reports instead of throwing
    const r = gradcheck(f, { W, v }, bad, { raise: false });
    expect(r.passed).toBe(false);
    expect(r.tensors.W.failures).toBe(1);
    expect(Math.abs(r.tensors.W.analytic - r.tensors.W.numerical)).toBeCloseTo(0.01, 6);
  });

  it('a NaN in the analytic gradient fails', () => {
    const W = randn(2, 2);
    const v = randn(2);
    const { f, grads } = problem(W, v);
    const bad = grads();
    bad.v.set(Number.NaN, 1);
    const r = gradcheck(f, { W, v }, bad, { raise: false });
    expect(r.tensors.v.passed).toBe(false);
    expect(r.tensors.v.worstIndex).toEqual([1]);
  });

  it('works on non-contiguous inputs (transposed, reversed, strided views): perturbs their memory in place', () => {
    const base = randn(3, 8);
    const W = base.T.slice('::-2'); // (4, 3), negative strides
    expect(W.isContiguous).toBe(false);
    const v = randn(6).slice('::2');
    const { f, grads } = problem(W, v);
    const r = gradcheck(f, { W, v }, grads());
    expect(r.passed).toBe(true);
    expect(r.tensors.W.maxAbsDiff).toBeLessThan(1e-8);
  });

  it('refuses float32 with a clear error suggesting float64', () => {
    const W = randn(2, 2).astype('float32');
    const f = () => W.sum().item();
    expect(() => gradcheck(f, { W }, { W: ones([2, 2]) })).toThrow(
      "gradcheck: input 'W' is float32; gradient checks need float64 (float32 keeps about 7 digits",
    );
    const W64 = randn(2, 2);
    expect(() =>
      gradcheck(() => W64.sum().item(), { W: W64 }, { W: ones([2, 2], { dtype: 'float32' }) }),
    ).toThrow("gradcheck: analytic gradient 'W' is float32");
    const net = new TwoLayerNet(4, 3, 2, { dtype: 'float32', rng: new RandomState(0) });
    expect(() => gradcheckNet(net, randn(2, 4), [0, 1])).toThrow("gradcheck: input 'W1' is float32");
  });

  it('clear errors for missing or misshapen analytic gradients and bad options', () => {
    const W = randn(2, 3);
    const f = () => W.sum().item();
    expect(() => gradcheck(f, { W }, {})).toThrow(
      "gradcheck: analytic gradient for 'W' is missing (analytic has no keys)",
    );
    expect(() => gradcheck(f, { W }, { W: ones([3, 2]) })).toThrow(
      "gradcheck: analytic gradient for 'W' has shape (3,2), expected (2,3) (the input's)",
    );
    expect(() => gradcheck(f, {}, {})).toThrow('gradcheck: inputs: expected at least one tensor, got none');
    expect(() => gradcheck(f, { W }, { W: ones([2, 3]) }, { eps: 0 })).toThrow(
      'gradcheck: eps: expected a finite number > 0, got 0',
    );
    expect(() => gradcheck(() => W, { W }, { W: ones([2, 3]) })).toThrow(
      'gradcheck: f must return a number or a size-1 tensor, got a tensor of shape (2,3)',
    );
    expect(gradcheck(() => W.sum(), { W }, { W: ones([2, 3]) }).passed).toBe(true);
  });

  it('maxElements checks a grid of elements and maps the worst index back', () => {
    expect(gridSteps([784, 50], 1000)).toEqual([20, 2]);
    expect(gridSteps([5], 100)).toEqual([1]);
    expect(gridSteps([], 1)).toEqual([]);
    const W = randn(30, 20);
    const v = randn(20);
    const { f, grads } = problem(W, v);
    const bad = grads();
    const [s0, s1] = gridSteps([30, 20], 60);
    expect(Math.ceil(30 / s0) * Math.ceil(20 / s1)).toBeLessThanOrEqual(60);
    bad.W.set(1, 2 * s0, 3 * s1);
    const r = gradcheck(f, { W, v }, bad, { maxElements: 60, raise: false });
    expect(r.tensors.W.checked).toBeLessThanOrEqual(60);
    expect(r.tensors.W.shape).toEqual([30, 20]);
    expect(r.tensors.W.worstIndex).toEqual([2 * s0, 3 * s1]);
    expect(r.tensors.v.checked).toBe(20);
    expect(formatGradcheckReport(r)).toContain(
      `W (30,20) (${r.tensors.W.checked} of 600 elements checked): FAILED (1 elements)`,
    );
  });
});

describe('gradcheckLayer and gradcheckNet', () => {
  it('gradcheckLayer catches a wrong backward', () => {
    const affine = new Affine(randn(3, 2), randn(2));
    const broken = {
      forward: (x: Tensor) => affine.forward(x),
      backward: (dout: Tensor) => affine.backward(dout).mul(1.01),
    };
    expect(() => gradcheckLayer(broken, randn(4, 3))).toThrow(
      "gradcheck: the gradient of 'x' does not match",
    );
    expect(() => gradcheckLayer(affine, randn(4, 3), { params: { x: affine.W } })).toThrow(
      "gradcheckLayer: params: the name 'x' is reserved for the input",
    );
    expect(() => gradcheckLayer(affine, randn(4, 3), { params: { W: affine.W } })).toThrow(
      "gradcheckLayer: grads() returned no gradient for 'W'",
    );
  });

  it('gradcheckNet catches a net whose gradient is wrong', () => {
    const net = new TwoLayerNet(5, 4, 3, { weightInitStd: 0.5, rng: new RandomState(1) });
    const x = randn(2, 5);
    expect(gradcheckNet(net, x, [0, 2]).passed).toBe(true);
    const wrong = {
      params: net.params,
      loss: (xx: Tensor, t: number[]) => net.loss(xx, t),
      gradient: (xx: Tensor, t: number[]) => ({ ...net.gradient(xx, t), b2: tensor([0, 0, 0]) }),
    };
    expect(() => gradcheckNet(wrong, x, [0, 2])).toThrow("gradcheck: the gradient of 'b2' does not match");
  });
});
