import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Tensor } from '../tensor/tensor.js';
import { AdaGrad, Adam, createOptimizer, Momentum, Nesterov, type Optimizer, RMSprop, SGD } from './index.js';
import { powInt } from './optimizer.js';

interface Encoded {
  shape: number[];
  data: number[];
}
type EncodedParams = Record<string, Encoded>;
interface Case {
  name: string;
  optimizer: string;
  options: Record<string, number>;
  dtype: 'float64' | 'float32';
  params: EncodedParams;
  grads: EncodedParams[];
  expected: EncodedParams[];
}

const fixtures = JSON.parse(
  readFileSync(new URL('../../test/fixtures/optim_fixtures.json', import.meta.url), 'utf8'),
) as { numpy: string; steps: number; cases: Case[] };

function decode(e: Encoded, dtype: 'float64' | 'float32'): Tensor {
  const data = dtype === 'float32' ? Float32Array.from(e.data) : Float64Array.from(e.data);
  return new Tensor(data, e.shape);
}

function decodeAll(e: EncodedParams, dtype: 'float64' | 'float32'): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(e)) out[k] = decode(v, dtype);
  return out;
}

/**
 * A view of the same values as `t`, laid out in a larger buffer with reversed last axis and a
 * stride of 2 along it, so that updates must go through strides.
 */
function asStridedView(t: Tensor): Tensor {
  if (t.ndim === 0) return t.copy().reshape(1).slice(0);
  const shape = [...t.shape];
  const last = shape.length - 1;
  const bigShape = [...shape];
  bigShape[last] = 2 * shape[last] + 1;
  const n = bigShape.reduce((a, b) => a * b, 1);
  const big = new Tensor(t.dtype === 'float32' ? new Float32Array(n) : new Float64Array(n), bigShape);
  big.fill(Number.NaN);
  const idx = shape.map(() => ':');
  idx[last] = `${2 * shape[last] - 1}::-2`;
  const view = big.slice(...idx);
  view.assign(t);
  return view;
}

function maxRelErr(actual: Tensor, expected: Encoded): number {
  const a = actual.toFlatArray();
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const e = expected.data[i];
    const err = Math.abs(a[i] - e) / Math.max(Math.abs(e), 1e-300);
    if (!(err <= worst)) worst = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err;
  }
  return worst;
}

function bits(ps: Record<string, Tensor>): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(ps)) out[k] = v.toFlatArray();
  return out;
}

function copyAll(ps: Record<string, Tensor>): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(ps)) out[k] = v.copy();
  return out;
}

describe('optimizers match the book (numpy fixtures)', () => {
  it('has fixtures for every optimizer and both dtypes', () => {
    const names = new Set(fixtures.cases.map((c) => `${c.optimizer} ${c.dtype}`));
    for (const o of ['SGD', 'Momentum', 'Nesterov', 'AdaGrad', 'RMSprop', 'Adam']) {
      expect(names.has(`${o} float64`)).toBe(true);
      expect(names.has(`${o} float32`)).toBe(true);
    }
  });

  for (const c of fixtures.cases) {
    it(`${c.name}: every step within ${c.dtype === 'float64' ? '1e-12' : 'float32 rounding'} of numpy`, () => {
      const opt = createOptimizer(c.optimizer, c.options);
      const params = decodeAll(c.params, c.dtype);
      const tol = c.dtype === 'float64' ? 1e-12 : 0;
      c.grads.forEach((g, step) => {
        opt.update(params, decodeAll(g, c.dtype));
        for (const [k, exp] of Object.entries(c.expected[step])) {
          expect(params[k].dtype).toBe(c.dtype);
          expect(params[k].shape).toEqual(exp.shape);
          const err = maxRelErr(params[k], exp);
          if (err > tol)
            throw new Error(`${c.name}: step ${step + 1}, '${k}': relative error ${err} > ${tol}`);
        }
      });
      expect(opt.iterations).toBe(c.grads.length);
    });
  }

  it('float64 results are bit-identical to numpy on every step of every case', () => {
    // Stronger than the 1e-12 contract; holds for fixtures made with a libm whose pow is correctly
    // rounded for Adam's beta ** iter (glibc), since powInt is.
    let values = 0;
    const differing: string[] = [];
    for (const c of fixtures.cases.filter((x) => x.dtype === 'float64')) {
      const opt = createOptimizer(c.optimizer, c.options);
      const params = decodeAll(c.params, c.dtype);
      c.grads.forEach((g, step) => {
        opt.update(params, decodeAll(g, c.dtype));
        for (const [k, exp] of Object.entries(c.expected[step])) {
          const a = params[k].toFlatArray();
          values += a.length;
          a.forEach((v, i) => {
            if (!Object.is(v, exp.data[i])) differing.push(`${c.name} step ${step + 1} ${k}[${i}]`);
          });
        }
      });
    }
    expect(values).toBeGreaterThan(1000);
    expect(differing).toEqual([]);
  });

  it('powInt is correctly rounded where ** is not (values from Python: b ** n with glibc pow)', () => {
    expect(powInt(0.99, 6)).toBe(0.941480149401);
    expect(powInt(0.9, 4)).toBe(0.6561);
    expect(powInt(0.999, 7)).toBe(0.993020965034979);
    expect(powInt(0.8, 7)).toBe(0.20971520000000007);
    expect(powInt(0.5, 10)).toBe(2 ** -10);
    expect(powInt(0.3, 0)).toBe(1);
    expect(powInt(0, 3)).toBe(0);
    for (let n = 1; n < 200; n++) expect(powInt(2, n)).toBe(2 ** n);
    expect(() => powInt(0.9, 1.5)).toThrow(/powInt: n/);
  });

  for (const c of fixtures.cases.filter((x) => x.dtype === 'float64')) {
    it(`${c.name}: views (strided, reversed) give bit-identical results to contiguous tensors`, () => {
      const contiguous = decodeAll(c.params, c.dtype);
      const views: Record<string, Tensor> = {};
      for (const [k, v] of Object.entries(contiguous)) views[k] = asStridedView(v);
      const a = createOptimizer(c.optimizer, c.options);
      const b = createOptimizer(c.optimizer, c.options);
      for (const g of c.grads) {
        a.update(contiguous, decodeAll(g, c.dtype));
        const gv: Record<string, Tensor> = {};
        for (const [k, v] of Object.entries(decodeAll(g, c.dtype))) gv[k] = v.ndim >= 2 ? v.T.copy().T : v;
        b.update(views, gv);
      }
      expect(bits(views)).toEqual(bits(contiguous));
      // The views wrote into their bases: the untouched gaps are still NaN, the viewed elements moved.
      for (const v of Object.values(views)) {
        if (v.base !== null) expect(v.base.toFlatArray().filter((x) => !Number.isNaN(x)).length).toBe(v.size);
      }
    });
  }
});

describe('state save/restore', () => {
  for (const c of fixtures.cases) {
    it(`${c.name}: continuing from getState() at step 3 is bit-identical`, () => {
      const opt = createOptimizer(c.optimizer, c.options);
      const params = decodeAll(c.params, c.dtype);
      const grads = c.grads.map((g) => decodeAll(g, c.dtype));
      for (let s = 0; s < 3; s++) opt.update(params, grads[s]);
      const saved = opt.getState();
      const savedParams = copyAll(params);
      const snapshotBits = JSON.stringify(Object.values(saved.buffers).map((b) => bits(b)));
      for (let s = 3; s < grads.length; s++) opt.update(params, grads[s]);

      // The snapshot is a copy: later updates did not change it.
      expect(JSON.stringify(Object.values(saved.buffers).map((b) => bits(b)))).toBe(snapshotBits);

      const resumed = createOptimizer(c.optimizer, {}); // hyperparameters come from the state
      resumed.setState(saved);
      expect(resumed.getState().hyperparameters).toEqual(saved.hyperparameters);
      expect(resumed.iterations).toBe(3);
      for (let s = 3; s < grads.length; s++) resumed.update(savedParams, grads[s]);
      expect(bits(savedParams)).toEqual(bits(params));
      expect(resumed.iterations).toBe(opt.iterations);
    });
  }

  it('a state taken before the first update restores a fresh optimizer', () => {
    const a = new Adam({ lr: 0.01 });
    const s = a.getState();
    expect(s).toEqual({
      kind: 'adam',
      hyperparameters: { lr: 0.01, beta1: 0.9, beta2: 0.999 },
      iterations: 0,
      buffers: {},
    });
    const b = new Adam();
    b.setState(s);
    const p1 = { w: new Tensor(new Float64Array([1, 2]), [2]) };
    const p2 = { w: new Tensor(new Float64Array([1, 2]), [2]) };
    const g = { w: new Tensor(new Float64Array([0.5, -0.25]), [2]) };
    a.update(p1, g);
    b.update(p2, g);
    expect(p2.w.toFlatArray()).toEqual(p1.w.toFlatArray());
  });

  it('state buffers are Tensors named as the book names them', () => {
    const params = { W: new Tensor(new Float64Array([1, 2, 3, 4]), [2, 2]) };
    const grads = { W: new Tensor(new Float64Array([1, 1, 1, 1]), [2, 2]) };
    const names: Record<string, string[]> = {
      sgd: [],
      momentum: ['v'],
      nesterov: ['v'],
      adagrad: ['h'],
      rmsprop: ['h'],
      adam: ['m', 'v'],
    };
    for (const [name, bufs] of Object.entries(names)) {
      const opt = createOptimizer(name);
      opt.update(copyAll(params), grads);
      const s = opt.getState();
      expect(s.kind).toBe(name);
      expect(Object.keys(s.buffers)).toEqual(bufs);
      for (const b of bufs) {
        expect(s.buffers[b].W).toBeInstanceOf(Tensor);
        expect(s.buffers[b].W.shape).toEqual([2, 2]);
      }
    }
  });

  it('setState rejects a state of another kind or with inconsistent buffers', () => {
    const m = new Momentum();
    expect(() => m.setState(new Adam().getState())).toThrow(/'adam' optimizer, this is 'momentum'/);
    const a = new Adam();
    a.update({ w: new Tensor(new Float64Array(3), [3]) }, { w: new Tensor(new Float64Array(3), [3]) });
    const s = a.getState();
    const bad = { ...s, buffers: { m: s.buffers.m } };
    expect(() => new Adam().setState(bad)).toThrow(/buffer 'v' is missing/);
    const badShape = { ...s, buffers: { m: s.buffers.m, v: { w: new Tensor(new Float64Array(2), [2]) } } };
    expect(() => new Adam().setState(badShape)).toThrow(/\(2,\) float64.*\(3,\) float64/);
    expect(() =>
      new Adam().setState({ ...s, hyperparameters: { lr: -1, beta1: 0.9, beta2: 0.999 } }),
    ).toThrow(/lr: expected a finite number > 0, got -1/);
    expect(() => new Adam().setState({ ...s, iterations: 1.5 })).toThrow(/iterations/);
  });
});

describe("defaults (the book's)", () => {
  it("each optimizer has the book's hyperparameters by default", () => {
    expect(new SGD().getState().hyperparameters).toEqual({ lr: 0.01 });
    expect(new Momentum().getState().hyperparameters).toEqual({ lr: 0.01, momentum: 0.9 });
    expect(new Nesterov().getState().hyperparameters).toEqual({ lr: 0.01, momentum: 0.9 });
    expect(new AdaGrad().getState().hyperparameters).toEqual({ lr: 0.01 });
    expect(new RMSprop().getState().hyperparameters).toEqual({ lr: 0.01, decayRate: 0.99 });
    expect(new Adam().getState().hyperparameters).toEqual({ lr: 0.001, beta1: 0.9, beta2: 0.999 });
  });

  it('SGD is W -= lr * g, in place on the same tensor object and memory', () => {
    const W = new Tensor(new Float64Array([1, 2, 3]), [3]);
    const data = W.data;
    const params = { W };
    new SGD({ lr: 0.5 }).update(params, { W: new Tensor(new Float64Array([2, 4, -2]), [3]) });
    expect(params.W).toBe(W);
    expect(W.data).toBe(data);
    expect(W.toFlatArray()).toEqual([0, 0, 4]);
  });

  it('lr can be changed between updates, and is checked', () => {
    const opt = new SGD();
    opt.lr = 1;
    const p = { w: new Tensor(new Float64Array([1]), [1]) };
    opt.update(p, { w: new Tensor(new Float64Array([0.25]), [1]) });
    expect(p.w.toFlatArray()).toEqual([0.75]);
    expect(() => {
      opt.lr = 0;
    }).toThrow(/SGD: lr: expected a finite number > 0, got 0/);
  });
});

describe('createOptimizer', () => {
  it("accepts the book's names in any case", () => {
    const cases: [string, new () => Optimizer][] = [
      ['SGD', SGD],
      ['sgd', SGD],
      ['Momentum', Momentum],
      ['NESTEROV', Nesterov],
      ['AdaGrad', AdaGrad],
      ['RMSprop', RMSprop],
      ['Adam', Adam],
      ['adam', Adam],
    ];
    for (const [name, cls] of cases) expect(createOptimizer(name)).toBeInstanceOf(cls);
    expect(createOptimizer('Adam', { lr: 0.1, beta1: 0.5 }).getState().hyperparameters).toEqual({
      lr: 0.1,
      beta1: 0.5,
      beta2: 0.999,
    });
  });

  it('an unknown name lists the allowed ones', () => {
    expect(() => createOptimizer('adadelta')).toThrow(
      "createOptimizer: unknown optimizer 'adadelta'; expected one of 'sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam' (case-insensitive)",
    );
  });

  it('an option the optimizer does not have is an error, with a hint for snake_case', () => {
    expect(() => createOptimizer('rmsprop', { decay_rate: 0.9 } as never)).toThrow(
      "RMSprop: unknown option 'decay_rate' (did you mean 'decayRate'?); allowed options: 'lr', 'decayRate'",
    );
    expect(() => createOptimizer('sgd', { momentum: 0.9 })).toThrow(/SGD: unknown option 'momentum'/);
  });
});

describe('validation', () => {
  const t = (shape: number[], dtype: 'float64' | 'float32' = 'float64') => {
    const n = shape.reduce((a, b) => a * b, 1);
    return new Tensor(dtype === 'float32' ? new Float32Array(n).fill(1) : new Float64Array(n).fill(1), shape);
  };

  it('rejects bad hyperparameters with the name and the value', () => {
    expect(() => new SGD({ lr: 0 })).toThrow('SGD: lr: expected a finite number > 0, got 0');
    expect(() => new SGD({ lr: -0.1 })).toThrow(/got -0.1/);
    expect(() => new Adam({ lr: Number.NaN })).toThrow(/Adam: lr: .* got NaN/);
    expect(() => new Momentum({ lr: Number.POSITIVE_INFINITY })).toThrow(/got Infinity/);
    expect(() => new Momentum({ momentum: 1 })).toThrow(
      'Momentum: momentum: expected a number in [0, 1), got 1',
    );
    expect(() => new Nesterov({ momentum: -0.1 })).toThrow(/Nesterov: momentum/);
    expect(() => new RMSprop({ decayRate: 1.5 })).toThrow(/RMSprop: decayRate/);
    expect(() => new Adam({ beta1: 1 })).toThrow(/Adam: beta1/);
    expect(() => new Adam({ beta2: Number.NaN })).toThrow(/Adam: beta2/);
  });

  it('grads must have the same keys as params', () => {
    const opt = new SGD();
    expect(() => opt.update({ W: t([2]), b: t([1]) }, { W: t([2]) })).toThrow(
      "SGD.update: grads has no key 'b' (params has 'W', 'b'; grads has 'W')",
    );
    expect(() => opt.update({ W: t([2]) }, { W: t([2]), b: t([1]) })).toThrow(
      "SGD.update: grads has key 'b', which params lacks",
    );
  });

  it('a shape mismatch names the key and both shapes', () => {
    expect(() => new Adam().update({ W1: t([3, 4]) }, { W1: t([4, 3]) })).toThrow(
      "Adam.update: grads['W1'] has shape (4,3) but params['W1'] has shape (3,4)",
    );
  });

  it('nothing is written when any key is invalid', () => {
    const params = { a: t([2]), b: t([2]) };
    expect(() => new SGD().update(params, { a: t([2]), b: t([3]) })).toThrow(/grads\['b'\]/);
    expect(params.a.toFlatArray()).toEqual([1, 1]);
  });

  it('rejects integer parameters and broadcast views', () => {
    const ints = new Tensor(new Int32Array(2), [2]);
    expect(() => new SGD().update({ k: ints }, { k: t([2]) })).toThrow(/params\['k'\] has dtype 'int32'/);
    const b = t([3]).broadcastTo([2, 3]);
    expect(() => new SGD().update({ b }, { b: t([2, 3]) })).toThrow(
      /broadcast view \(stride 0 along axis 0\)/,
    );
  });

  it('a stateful optimizer refuses a different set of parameters', () => {
    const opt = new Momentum();
    opt.update({ W: t([2, 2]) }, { W: t([2, 2]) });
    expect(() => opt.update({ W: t([3, 2]) }, { W: t([3, 2]) })).toThrow(
      /params\['W'\] is now \(3,2\) float64, but the optimizer's state for it is \(2,2\) float64/,
    );
    expect(() => opt.update({ W: t([2, 2]), V: t([1]) }, { W: t([2, 2]), V: t([1]) })).toThrow(
      /params has key 'V', which the optimizer's state lacks/,
    );
    expect(() => opt.update({}, {})).toThrow(/params lacks 'W'/);
  });

  it('float32 parameters stay float32; mixed-dtype gradients are accepted', () => {
    const p = { w: t([3], 'float32') };
    new Adam().update(p, { w: t([3], 'float64') });
    expect(p.w.dtype).toBe('float32');
    expect(p.w.data).toBeInstanceOf(Float32Array);
  });

  it('0-d and empty parameters work', () => {
    const p = { s: new Tensor(new Float64Array([2]), []), e: t([0, 3]) };
    new SGD({ lr: 0.5 }).update(p, { s: new Tensor(new Float64Array([1]), []), e: t([0, 3]) });
    expect(p.s.item()).toBe(1.5);
  });
});
