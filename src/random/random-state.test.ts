import { describe, expect, it } from 'vitest';
import { loadFixture } from '../../test/helpers/fixtures.js';
import type { StateFixture } from '../../test/helpers/random-fixtures.js';
import { fromData } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { getDefaultRandomState, random } from './global.js';
import { type NumpyLegacyState, type RandintDType, RandomState } from './random-state.js';

// ------------------------------------------------------------------ fixtures (numpy's output)

interface Fixtures {
  seeds: { seed: number | number[]; doubles: number[]; gauss: number[]; afterGauss: StateFixture }[];
  randint: {
    seed: number;
    low: number;
    high: number | null;
    size: number | number[] | null;
    dtype: RandintDType | null;
    shape: number[];
    values: number[];
    next: number;
  }[];
  choice: {
    seed: number;
    a: number | number[];
    size: number | number[] | null;
    replace: boolean;
    p: number[] | null;
    shape: number[];
    values: number[];
    next: number;
  }[];
  permutation: { seed: number; n?: number; shape?: number[]; values: number[]; next: number }[];
  shuffle: { seed: number; kind: string; values: number[]; next: number }[];
  distributions: Record<string, number | number[]> & { state: StateFixture };
  interleaved: {
    seed: number;
    steps: [string, number[]][];
    stateAfterFirstRandn: StateFixture;
    final: StateFixture;
  };
  setState: { numpyState: NumpyLegacyState; randn: number[] };
  global: { seed: number; rand23: number[]; randn3: number[]; randint: number[] };
}

const fx = loadFixture<Fixtures>('random.json');

/** Flat values of a tensor, in C order, read through `get`. */
function flat(t: Tensor): number[] {
  const out: number[] = [];
  const idx = new Array<number>(t.ndim).fill(0);
  for (let k = 0; k < t.size; k++) {
    out.push(t.get(...idx));
    for (let d = t.ndim - 1; d >= 0; d--) {
      if (++idx[d] < t.shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** Exact equality of number lists, with -0/NaN distinguished (Object.is). */
function expectExact(actual: readonly number[], expected: readonly number[], what = ''): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) expect(actual[i], `${what}[${i}]`).toBe(expected[i]);
  }
}

function expectState(rs: RandomState, s: StateFixture): void {
  const st = rs.getState();
  expect(st.pos).toBe(s.pos);
  expect(st.hasGauss).toBe(s.hasGauss);
  expect(Object.is(st.cachedGaussian, s.cachedGaussian)).toBe(true);
  if (s.key) expect(st.key).toEqual(s.key);
  if (s.keyHead) expect(st.key.slice(0, 8)).toEqual(s.keyHead);
  if (s.keyTail) expect(st.key.slice(-8)).toEqual(s.keyTail);
}

function arange(n: number, shape: number[] = [n]): Tensor {
  return fromData(
    Float64Array.from({ length: n }, (_, i) => i),
    shape,
    'float64',
  );
}

const sizeArg = (s: number | number[] | null) => (s === null ? undefined : s);

// ------------------------------------------------------------------ streams

describe('RandomState streams equal numpy', () => {
  for (const c of fx.seeds) {
    const name = Array.isArray(c.seed)
      ? `[${c.seed.slice(0, 3)}${c.seed.length > 3 ? ', ...' : ''}]`
      : c.seed;
    it(`seed ${name}: rand, randn (with the cached Gaussian) and the state after`, () => {
      const rs = new RandomState(c.seed);
      const u = rs.rand(c.doubles.length);
      expect(u.shape).toEqual([c.doubles.length]);
      expect(u.dtype).toBe('float64');
      expectExact(Array.from(u.data), c.doubles, 'rand');
      rs.seed(c.seed);
      expectExact(Array.from(rs.randn(c.gauss.length).data), c.gauss, 'randn');
      expectState(rs, c.afterGauss);
      // Scalars draw the same stream.
      rs.seed(c.seed);
      expect(rs.randn()).toBe(c.gauss[0]);
      expect(rs.randn()).toBe(c.gauss[1]);
      rs.seed(c.seed);
      expect(rs.random()).toBe(c.doubles[0]);
      expect(rs.randomSample()).toBe(c.doubles[1]);
    });
  }

  it('uniform, normal, standardNormal, rand, randn with shapes, as in numpy', () => {
    const d = fx.distributions;
    const rs = new RandomState(2024);
    expect(rs.uniform(-2, 3)).toBe(d.uniformScalar);
    const ua = rs.uniform(-2, 3, [3, 4]);
    expect(ua.shape).toEqual([3, 4]);
    expectExact(Array.from(ua.data), d.uniformArray as number[]);
    expectExact(Array.from(rs.uniform(undefined, undefined, 5).data), d.uniformDefault as number[]);
    expectExact(Array.from(rs.uniform(5, 1, 4).data), d.uniformReversed as number[]);
    expect(rs.normal(1.5, 2)).toBe(d.normalScalar);
    const na = rs.normal(1.5, 2, [2, 3]);
    expect(na.shape).toEqual([2, 3]);
    expectExact(Array.from(na.data), d.normalArray as number[]);
    expectExact(Array.from(rs.normal(0, 1, 5).data), d.normalDefault as number[]);
    expectExact(Array.from(rs.standardNormal(3).data), d.standardNormal as number[]);
    const r23 = rs.rand(2, 3);
    expect(r23.shape).toEqual([2, 3]);
    expectExact(Array.from(r23.data), d.rand23 as number[]);
    expect(rs.rand()).toBe(d.randScalar);
    expectExact(Array.from(rs.randn(3, 2).data), d.randn32 as number[]);
    expect(rs.randn()).toBe(d.randnScalar);
    const zeroD = rs.random([]);
    expect(zeroD.shape).toEqual([]);
    expect(zeroD.size).toBe(1);
    expectExact(Array.from(zeroD.data), d.random0d as number[]);
    expectState(rs, d.state);
  });

  it('mixed calls share one stream, and the cached Gaussian survives other draws', () => {
    const { seed, steps, stateAfterFirstRandn, final } = fx.interleaved;
    const rs = new RandomState(seed);
    for (const [i, [method, expected]] of steps.entries()) {
      let got: number[];
      switch (method) {
        case 'randn':
          got = expected.length === 1 ? [rs.randn()] : Array.from(rs.randn(expected.length).data);
          break;
        case 'rand':
          got = [rs.rand()];
          break;
        case 'randint':
          got = Array.from(rs.randint(0, 10, 3).data);
          break;
        case 'choice':
          got = Array.from(rs.choice(7, 4, { replace: false }).data);
          break;
        case 'normal':
          got = Array.from(rs.normal(0, 0.5, 2).data);
          break;
        case 'permutation':
          got = Array.from(rs.permutation(6).data);
          break;
        default:
          throw new Error(`unknown step ${method}`);
      }
      expectExact(got, expected, `step ${i} (${method})`);
      if (i === 0) expectState(rs, stateAfterFirstRandn);
    }
    expectState(rs, final);
  });
});

// ------------------------------------------------------------------ integers

describe('randint equals numpy legacy randint', () => {
  for (const c of fx.randint) {
    const args = c.high === null ? `${c.low}` : `${c.low}, ${c.high}`;
    it(`seed ${c.seed}: randint(${args}, size=${JSON.stringify(c.size)}${c.dtype ? `, ${c.dtype}` : ''})`, () => {
      const rs = new RandomState(c.seed);
      const options = c.dtype ? { dtype: c.dtype } : undefined;
      const out = rs.randint(c.low, c.high ?? undefined, sizeArg(c.size), options);
      if (c.size === null) {
        expect(typeof out).toBe('number');
        expect([out]).toEqual(c.values);
      } else {
        if (!(out instanceof Tensor)) throw new Error('expected a tensor');
        expect(out.shape).toEqual(c.shape);
        expect(out.dtype).toBe(c.dtype ?? 'int32');
        expect(Array.from(out.data)).toEqual(c.values);
      }
      expect(rs.random()).toBe(c.next); // same number of words consumed
    });
  }

  it('rejects bad bounds with the argument, the bound and the value', () => {
    const rs = new RandomState(0);
    expect(() => rs.randint(5, 5)).toThrow(/randint: low must be less than high, got low=5, high=5/);
    expect(() => rs.randint(0)).toThrow(/low must be less than high, got low=0, high=0/);
    expect(() => rs.randint(0, 2 ** 31 + 1)).toThrow(/high=2147483649 is out of bounds for int32/);
    expect(() => rs.randint(-(2 ** 31) - 1, 0)).toThrow(/low=-2147483649 is out of bounds for int32/);
    expect(() => rs.randint(0, 257, 3, { dtype: 'uint8' })).toThrow(/high=257 is out of bounds for uint8/);
    expect(() => rs.randint(0, 3, 3, { dtype: 'bool' })).toThrow(/high=3 is out of bounds for bool/);
    expect(() => rs.randint(0, 2.5)).toThrow(/randint: high must be an integer, got 2.5/);
    expect(() => rs.randint(0, 10, -1)).toThrow(/randint: size must be a non-negative integer, got -1/);
    expect(() => rs.randint(0, 10, [2, 1.5])).toThrow(
      /randint: size\[1\] must be a non-negative integer, got 1.5/,
    );
    expect(() => rs.randint(0, 10, 2, { dtype: 'toString' as RandintDType })).toThrow(/got "toString"/);
    expect(() => rs.randint(0, 10, 2, { dtype: 'float64' as RandintDType })).toThrow(
      /randint: dtype must be 'int32', 'uint8' or 'bool', got "float64"/,
    );
  });
});

// ------------------------------------------------------------------ choice

describe('choice equals numpy legacy choice in all four modes', () => {
  for (const c of fx.choice) {
    const aDesc = Array.isArray(c.a) ? `[${c.a}]` : c.a;
    const mode = `${c.replace ? 'replace' : 'no replace'}${c.p ? ', p' : ''}`;
    it(`seed ${c.seed}: choice(${aDesc}, size=${JSON.stringify(c.size)}, ${mode})`, () => {
      const rs = new RandomState(c.seed);
      const out = rs.choice(c.a, sizeArg(c.size), { replace: c.replace, p: c.p ?? undefined });
      if (c.size === null) {
        expect(typeof out).toBe('number');
        expectExact([out as number], c.values);
      } else {
        if (!(out instanceof Tensor)) throw new Error('expected a tensor');
        expect(out.shape).toEqual(c.shape);
        expect(out.dtype).toBe(Array.isArray(c.a) ? 'float64' : 'int32');
        expectExact(Array.from(out.data), c.values);
      }
      expect(rs.random()).toBe(c.next);
    });
  }

  it('takes values from a 1-D tensor (any strides) and keeps its dtype', () => {
    const base = fromData(new Int32Array([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]), [10], 'int32');
    const evens = new Tensor(base.data, [5], { strides: [2], offset: 0, base, dtype: 'int32' });
    const idx = new RandomState(0).choice(5, 6) as Tensor;
    const vals = new RandomState(0).choice(evens, 6) as Tensor;
    expect(vals.dtype).toBe('int32');
    expect(Array.from(vals.data)).toEqual(Array.from(idx.data, (i) => 10 + 2 * i));
  });

  it('accepts p as a tensor, and float32 p with float32 tolerance', () => {
    const p = [0.1, 0, 0.3, 0.6, 0];
    const a = new RandomState(4).choice(5, 7, { p }) as Tensor;
    const b = new RandomState(4).choice(5, 7, { p: fromData(Float64Array.from(p), [5]) }) as Tensor;
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
    const off = [0.25, 0.25, 0.25, 0.2501]; // sum off by 1e-4: too far for float64, fine for float32
    expect(() => new RandomState(0).choice(4, 2, { p: off })).toThrow(/must sum to 1/);
    expect(() => new RandomState(0).choice(4, 2, { p: fromData(Float32Array.from(off), [4]) })).not.toThrow();
  });

  it('validates a, p and size with clear errors', () => {
    const rs = new RandomState(0);
    expect(() => rs.choice(0)).toThrow(/a must be greater than 0 unless no samples are taken, got 0/);
    expect(() => rs.choice(2.5)).toThrow(/a must be 1-dimensional or an integer, got 2.5/);
    expect(() => rs.choice([])).toThrow(/'a' cannot be empty unless no samples are taken/);
    expect(() => rs.choice(arange(6, [2, 3]))).toThrow(/a must be 1-dimensional, got shape \(2, 3\)/);
    expect(() => rs.choice(3, 2, { p: [0.5, 0.5] })).toThrow(
      /'a' and 'p' must have the same size, got a of size 3 and p of size 2/,
    );
    expect(() => rs.choice(3, 2, { p: [0.5, Number.NaN, 0.5] })).toThrow(
      /probabilities contain NaN \(p\[1\] = NaN\)/,
    );
    expect(() => rs.choice(3, 2, { p: [0.7, -0.2, 0.5] })).toThrow(/must be non-negative, got p\[1\] = -0.2/);
    expect(() => rs.choice(3, 2, { p: [0.2, 0.2, 0.2] })).toThrow(/must sum to 1, got sum\(p\) = 0.6/);
    expect(() => rs.choice(3, 4, { replace: false })).toThrow(
      /cannot take a larger sample than the population when replace is false \(size 4 > population 3\)/,
    );
    expect(() => rs.choice(3, 2, { replace: false, p: [1, 0, 0] })).toThrow(
      /fewer non-zero entries in p \(1\) than size \(2\)/,
    );
    expect(() => rs.choice(3, [-1])).toThrow(/choice: size\[0\] must be a non-negative integer, got -1/);
  });
});

// ------------------------------------------------------------------ permutation and shuffle

describe('permutation and shuffle equal numpy', () => {
  for (const c of fx.permutation) {
    it(`seed ${c.seed}: permutation(${c.n ?? `arange(...).reshape(${c.shape})`})`, () => {
      const rs = new RandomState(c.seed);
      if (c.n !== undefined) {
        const out = rs.permutation(c.n);
        expect(out.dtype).toBe('int32');
        expect(out.shape).toEqual([c.n]);
        expect(Array.from(out.data)).toEqual(c.values);
      } else {
        const shape = c.shape ?? [];
        const n = shape.reduce((a, b) => a * b, 1);
        const x = arange(n, shape);
        const out = rs.permutation(x);
        expect(out.shape).toEqual(shape);
        expectExact(flat(out), c.values);
        expectExact(
          flat(x),
          Array.from({ length: n }, (_, i) => i),
        ); // input untouched
      }
      expect(rs.random()).toBe(c.next);
    });
  }

  it('permutation of a strided view permutes its rows into a new contiguous tensor', () => {
    const x = arange(24, [4, 6]);
    const view = new Tensor(x.data, [4, 3], { strides: [6, 2], offset: 0, base: x });
    const out = new RandomState(0).permutation(view);
    const order = Array.from(new RandomState(0).permutation(4).data);
    expect(out.shape).toEqual([4, 3]);
    expect(out.base).toBe(null);
    expect(flat(out)).toEqual(order.flatMap((r) => [6 * r, 6 * r + 2, 6 * r + 4]));
  });

  /** The tensor numpy shuffled in each fixture case, and the tensor whose values numpy recorded. */
  function shuffleTarget(kind: string): { target: Tensor; whole: Tensor } {
    switch (kind) {
      case '1d': {
        const x = arange(20);
        return { target: x, whole: x };
      }
      case '2d': {
        const x = arange(15, [5, 3]);
        return { target: x, whole: x };
      }
      case '3d': {
        const x = arange(24, [4, 3, 2]);
        return { target: x, whole: x };
      }
      case 'colsView': {
        const x = arange(24, [4, 6]); // x[:, ::2]
        return { target: new Tensor(x.data, [4, 3], { strides: [6, 2], offset: 0, base: x }), whole: x };
      }
      case 'reversedView': {
        const x = arange(12); // x[9:1:-1]
        return { target: new Tensor(x.data, [8], { strides: [-1], offset: 9, base: x }), whole: x };
      }
      case 'transposed': {
        const x = arange(12, [3, 4]); // x.T
        return { target: new Tensor(x.data, [4, 3], { strides: [1, 4], offset: 0, base: x }), whole: x };
      }
      case 'emptyRows': {
        const x = fromData(new Float64Array(0), [6, 0]);
        return { target: x, whole: x };
      }
      default:
        throw new Error(`unknown shuffle case ${kind}`);
    }
  }

  for (const c of fx.shuffle) {
    it(`seed ${c.seed}: shuffle (${c.kind}) in place, through strides`, () => {
      const rs = new RandomState(c.seed);
      const { target, whole } = shuffleTarget(c.kind);
      rs.shuffle(target);
      expectExact(flat(whole), c.values);
      expect(rs.random()).toBe(c.next);
    });
  }

  it('shuffles plain arrays with the same swaps', () => {
    const arr = Array.from({ length: 20 }, (_, i) => i);
    new RandomState(0).shuffle(arr);
    const t = arange(20);
    new RandomState(0).shuffle(t);
    expect(arr).toEqual(Array.from(t.data));
  });

  it('rejects what cannot be shuffled or permuted', () => {
    const rs = new RandomState(0);
    const scalar = fromData(new Float64Array([1]), []);
    expect(() => rs.shuffle(scalar)).toThrow(/shuffle: x must be at least 1-dimensional, got a 0-d tensor/);
    expect(() => rs.permutation(scalar)).toThrow(
      /permutation: x must be an integer or at least 1-dimensional/,
    );
    expect(() => rs.permutation(-1)).toThrow(
      /permutation: x must be a non-negative integer \(or a tensor\), got -1/,
    );
    expect(() => rs.permutation(2.5)).toThrow(/got 2.5/);
  });
});

// ------------------------------------------------------------------ state

describe('getState / setState', () => {
  it('round-trips through JSON, including a cached Gaussian', () => {
    const rs = new RandomState(123);
    rs.rand(100);
    rs.randn(); // caches the pair's second value
    const saved = JSON.parse(JSON.stringify(rs.getState()));
    expect(saved.hasGauss).toBe(true);
    const expected = Array.from(rs.randn(9).data);
    const other = new RandomState(7);
    other.setState(saved);
    expectExact(Array.from(other.randn(9).data), expected);
  });

  it('equals numpy get_state after seeding and draws', () => {
    const rs = new RandomState(2024);
    rs.uniform(-2, 3);
    const st = rs.getState();
    expect(st.key).toHaveLength(624);
    expect(st.pos).toBe(2);
    expect(st.hasGauss).toBe(false);
  });

  it("accepts numpy's state tuple (mid-block, with a cached Gaussian) and continues numpy's stream", () => {
    const rs = new RandomState(0);
    rs.setState(fx.setState.numpyState);
    expect(rs.getState().hasGauss).toBe(true);
    expectExact(Array.from(rs.randn(6).data), fx.setState.randn);
  });

  it('seed() resets the cached Gaussian', () => {
    const rs = new RandomState(5);
    rs.randn();
    rs.seed(5);
    expect(rs.getState().hasGauss).toBe(false);
    expect(rs.getState().cachedGaussian).toBe(0);
  });

  it('rejects malformed states, naming the field', () => {
    const rs = new RandomState(0);
    const good = rs.getState();
    expect(() => rs.setState({ ...good, key: good.key.slice(1) })).toThrow(
      /state.key must have 624 32-bit words, got length 623/,
    );
    expect(() => rs.setState({ ...good, pos: -1 })).toThrow(
      /state.pos must be an integer between 0 and 624, got -1/,
    );
    expect(() => rs.setState({ ...good, cachedGaussian: 'x' as unknown as number })).toThrow(
      /cachedGaussian must be a number/,
    );
    expect(() => rs.setState(['PCG64', good.key, 0] as unknown as NumpyLegacyState)).toThrow(
      /state\[0\] must be 'MT19937', got "PCG64"/,
    );
  });

  it('without a seed, draws fresh entropy (two generators differ)', () => {
    const a = new RandomState();
    const b = new RandomState();
    expect(a.getState().key[0]).toBe(0x80000000);
    expect(a.getState().pos).toBe(624);
    expect(Array.from(a.rand(4).data)).not.toEqual(Array.from(b.rand(4).data));
  });
});

// ------------------------------------------------------------------ argument checks

describe('argument errors', () => {
  it('names the argument, the expectation and the value', () => {
    const rs = new RandomState(0);
    expect(() => rs.uniform(0, Number.POSITIVE_INFINITY)).toThrow(/uniform: high - low must be finite/);
    expect(() => rs.uniform(Number.NaN, 1)).toThrow(/uniform: high - low must be finite/);
    expect(() => rs.normal(0, -1)).toThrow(/normal: scale must be non-negative, got -1/);
    expect(() => rs.normal(0, 1, -2)).toThrow(/normal: size must be a non-negative integer, got -2/);
    expect(() => rs.rand(2, -3)).toThrow(/rand: size\[1\] must be a non-negative integer, got -3/);
    expect(() => rs.randn(1.5)).toThrow(/randn: size\[0\] must be a non-negative integer, got 1.5/);
    expect(() => rs.random('3' as unknown as number)).toThrow(
      /random: size must be a number or an array of numbers/,
    );
    expect(() => new RandomState(-1)).toThrow(/seed must be an integer between 0 and 2\*\*32 - 1, got -1/);
    expect(() => rs.seed(2 ** 32)).toThrow(/got 4294967296/);
  });

  it('returns empty tensors for zero sizes without drawing', () => {
    const rs = new RandomState(0);
    expect(rs.rand(0, 3).shape).toEqual([0, 3]);
    expect(rs.randn(0).size).toBe(0);
    expect(rs.random()).toBe(new RandomState(0).random());
  });
});

// ------------------------------------------------------------------ global

describe('global random (np.random.*)', () => {
  it('random.seed then rand/randn/randint equal numpy global calls', () => {
    random.seed(fx.global.seed);
    expectExact(Array.from(random.rand(2, 3).data), fx.global.rand23);
    expectExact(Array.from(random.randn(3).data), fx.global.randn3);
    expect(Array.from(random.randint(0, 10, 5).data)).toEqual(fx.global.randint);
  });

  it('forwards to one shared RandomState', () => {
    random.seed(3);
    const a = random.rand();
    const rs = getDefaultRandomState();
    rs.seed(3);
    expect(random.rand()).toBe(a);
    const perm = random.permutation(5);
    expect(Array.from(perm.data).sort()).toEqual([0, 1, 2, 3, 4]);
    const x = arange(5);
    random.shuffle(x);
    expect(typeof random.choice(5)).toBe('number');
    expect(random.getState().key).toHaveLength(624);
  });
});
