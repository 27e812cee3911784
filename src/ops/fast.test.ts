/**
 * The WASM fast path of the ops (fast.ts) against numpy: test/fixtures/fast_ops.json (written by
 * test/fixtures/fast_ops_fixtures.py) holds numpy's results for binary, unary and reduction ops on
 * float32 and float64 arrays of 256 elements or more, with NaN, ±inf and ±0 among the inputs. Each
 * case runs with `setBackend('ref')` (the TypeScript loops) and with `setBackend('wasm')` (the
 * kernels, which the test checks were called); both must give numpy's bits, exp within 4 ulp.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadFixture } from '../../test/helpers/fixtures.js';
import { getKernels, setBackend } from '../kernels/select.js';
import type { Kernels } from '../kernels/types.js';
import { RandomState } from '../random/index.js';
import type { DType } from '../tensor/dtype.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import {
  add,
  addInPlace,
  div,
  divInPlace,
  maximum,
  maximumInPlace,
  minimum,
  minimumInPlace,
  mul,
  mulInPlace,
  sub,
  subInPlace,
} from './binary.js';
import { MIN_FAST_SIZE } from './fast.js';
import { max, mean, min, sum } from './reduce.js';
import { abs, exp, neg, sqrt, square } from './unary.js';

interface Input {
  seed?: number;
  shape?: number[];
  dtype?: 'float32' | 'float64';
  special?: number | null;
  scalar?: number;
}
interface Result {
  dtype: DType;
  shape: number[];
  b64: string;
}
interface Fixtures {
  numpy: string;
  binary: { op: string; form: string; a: Input; b: Input; out: Result }[];
  unary: { op: string; a: Input; out: Result }[];
  reduce: { op: string; a: Input; axis: number | number[] | null; out: Result }[];
}

const fx = loadFixture<Fixtures>('fast_ops.json');
const SPECIAL: [number, number][] = [
  [3, Number.NaN],
  [10, Number.POSITIVE_INFINITY],
  [17, Number.NEGATIVE_INFINITY],
  [24, -0],
  [31, 0],
];

/** The input as fast_ops_fixtures.py makes it: RandomState(seed).randn(...), cast, specials set. */
function make(spec: Input): TensorLike {
  if (spec.scalar !== undefined) return spec.scalar;
  const shape = spec.shape ?? [];
  const x = (new RandomState(spec.seed ?? 0).randn(...shape) as Tensor).astype(spec.dtype ?? 'float64');
  if (spec.special !== null && spec.special !== undefined) {
    for (const [pos, value] of SPECIAL) {
      const p = pos + spec.special;
      if (p < x.size) x.data[p] = value;
    }
  }
  return x;
}

function decode(r: Result): Float32Array | Float64Array {
  const bytes = Buffer.from(r.b64, 'base64');
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return r.dtype === 'float32' ? new Float32Array(buf) : new Float64Array(buf);
}

/** Differences from numpy's result (empty when equal): bit for bit (NaN = NaN), or within `ulps`. */
function mismatches(got: Tensor, want: Result, ulps = 0): string[] {
  if (got.dtype !== want.dtype || got.shape.join() !== want.shape.join())
    return [`got ${got.dtype} (${got.shape}), want ${want.dtype} (${want.shape})`];
  const w = decode(want);
  const g = got.data;
  const ulp = want.dtype === 'float32' ? 2 ** -23 : 2 ** -52;
  const tiny = want.dtype === 'float32' ? 2 ** -149 : 2 ** -1074;
  const bad: string[] = [];
  for (let i = 0; i < w.length; i++) {
    if (Object.is(g[i], w[i]) || (Number.isNaN(g[i]) && Number.isNaN(w[i]))) continue;
    if (ulps > 0 && Math.abs(g[i] - w[i]) <= ulps * (ulp * Math.abs(w[i]) + tiny)) continue;
    if (bad.length < 5) bad.push(`[${i}]: got ${g[i]}, want ${w[i]}`);
    else break;
  }
  return bad;
}

type Binary = (a: TensorLike, b: TensorLike) => Tensor;
const BINARY: Record<string, [Binary, (t: Tensor, b: TensorLike) => Tensor]> = {
  add: [add, addInPlace],
  sub: [sub, subInPlace],
  mul: [mul, mulInPlace],
  div: [div, divInPlace],
  maximum: [maximum, maximumInPlace],
  minimum: [minimum, minimumInPlace],
};
const UNARY: Record<string, (a: TensorLike) => Tensor> = { neg, abs, sqrt, square, exp };
const REDUCE = { sum, mean, max, min } as Record<string, typeof sum>;

/** Counts the calls of the active kernels' binaryOp, unaryOp and reduceRows during `fn`. */
function kernelCalls(fn: () => void): number {
  const k: Kernels = getKernels();
  const spies = [vi.spyOn(k, 'binaryOp'), vi.spyOn(k, 'unaryOp'), vi.spyOn(k, 'reduceRows')];
  try {
    fn();
    return spies.reduce((n, s) => n + s.mock.calls.length, 0);
  } finally {
    for (const s of spies) s.mockRestore();
  }
}

afterAll(() => {
  setBackend('auto');
});

describe.each(['ref', 'wasm'] as const)('ops large enough for the fast path equal numpy (%s)', (backend) => {
  const expectCalls = (calls: number): void => {
    if (backend === 'wasm') expect(calls).toBeGreaterThan(0);
    else expect(calls).toBe(0);
  };

  it.each(fx.binary.map((c) => [`${c.op} ${c.form} ${c.out.dtype}`, c] as const))('%s', (_, c) => {
    setBackend(backend);
    const [f, inPlace] = BINARY[c.op];
    const a = make(c.a);
    const b = make(c.b);
    let got: Tensor | null = null;
    expectCalls(kernelCalls(() => (got = f(a, b))));
    expect(mismatches(got as unknown as Tensor, c.out)).toEqual([]);
    if (a instanceof Tensor && a.size === decode(c.out).length) {
      // in place into a copy of a (a is the target, so it has the result's shape)
      const target = a.copy();
      expectCalls(kernelCalls(() => inPlace(target, b)));
      expect(mismatches(target, c.out)).toEqual([]);
    }
  });

  it.each(fx.unary.map((c) => [`${c.op} (${c.a.shape}) ${c.out.dtype}`, c] as const))('%s', (_, c) => {
    setBackend(backend);
    const a = make(c.a);
    let got: Tensor | null = null;
    expectCalls(kernelCalls(() => (got = UNARY[c.op](a))));
    expect(mismatches(got as unknown as Tensor, c.out, c.op === 'exp' ? 4 : 0)).toEqual([]);
  });

  it.each(
    fx.reduce.map(
      (c) => [`${c.op} (${c.a.shape}) axis ${JSON.stringify(c.axis)} ${c.out.dtype}`, c] as const,
    ),
  )('%s', (_, c) => {
    setBackend(backend);
    const a = make(c.a) as Tensor;
    let got: Tensor | null = null;
    const calls = kernelCalls(() => (got = REDUCE[c.op](a, { axis: c.axis })));
    // only reductions over trailing axes (all, the last, the last two) have a kernel
    const axes = (c.axis === null ? a.shape.map((_, i) => i) : [c.axis].flat()).map(
      (i) => (i + a.ndim) % a.ndim,
    );
    const trailing = axes.every((i) => i >= a.ndim - axes.length);
    if (trailing) expectCalls(calls);
    else expect(calls).toBe(0);
    expect(mismatches(got as unknown as Tensor, c.out)).toEqual([]);
  });
});

describe('the fast path threshold', () => {
  it.each(['float32', 'float64'] as const)(
    '%s: TypeScript loops below MIN_FAST_SIZE, kernels from it on',
    (dtype) => {
      setBackend('wasm');
      const min = MIN_FAST_SIZE[dtype];
      for (const [n, calls] of [
        [min - 1, 0],
        [min, 3],
      ] as const) {
        const a = (new RandomState(1).randn(n) as Tensor).astype(dtype);
        const b = (new RandomState(2).randn(n) as Tensor).astype(dtype);
        let got: Tensor[] = [];
        expect(kernelCalls(() => (got = [add(a, b), exp(a), sum(a)]))).toBe(calls);
        setBackend('ref');
        const want = [add(a, b), exp(a), sum(a)];
        setBackend('wasm');
        expect(Array.from(got[0].data)).toEqual(Array.from(want[0].data));
        expect(got[2].item()).toBe(want[2].item());
      }
    },
  );
});
