import { afterEach, describe, expect, it, vi } from 'vitest';
import { decode, type EncodedArray, loadFixture, maxRelError } from '../../test/helpers/fixtures.js';
import { arange, tensor, zeros } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { gradientDescent, NoEffectError, numericalDiff, numericalGradient } from './numerical.js';

interface NumGradCase {
  base: EncodedArray;
  view: { transpose?: number[]; slice?: string[] } | null;
  A: EncodedArray;
  B: EncodedArray;
  grad: EncodedArray;
  f: number;
}
const fx = loadFixture<{
  numgrad: NumGradCase[];
  gradientDescent: { x: number[]; history5: number[][] };
  numericalDiff: number[];
}>('functions.json');

/** The raw bits of every element of the storage, to compare restoration exactly. */
function bits(t: Tensor): number[] {
  return Array.from(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}

function buildView(c: NumGradCase): { base: Tensor; x: Tensor } {
  const base = decode(c.base);
  let x = base;
  if (c.view?.transpose) x = base.transpose(...c.view.transpose);
  if (c.view?.slice) x = base.slice(...c.view.slice);
  return { base, x };
}

afterEach(() => vi.restoreAllMocks());

describe('numericalGradient against the book (np.nditer, in place)', () => {
  it.each(fx.numgrad.map((c, i) => [i, c] as const))(
    'case %i: same gradient on the same view, base restored',
    (_, c) => {
      const { base, x } = buildView(c);
      const A = decode(c.A);
      const B = decode(c.B);
      const f = (v: Tensor) => v.mul(A).tanh().sum().item() + 0.5 * v.mul(v).mul(B).sum().item();
      expect(f(x)).toBeCloseTo(c.f, 12);
      const before = bits(base);
      const g = numericalGradient(f, x);
      expect(g.shape).toEqual(c.grad.shape);
      // central differences amplify last-bit differences of the sums by 1/(2h)
      expect(maxRelError(g.toFlatArray(), decode(c.grad).toFlatArray())).toBeLessThan(1e-8);
      expect(bits(base)).toEqual(before);
    },
  );
});

describe('numericalGradient perturbs the real tensor and restores it exactly', () => {
  it('restores every bit, including -0, NaN payloads and subnormals', () => {
    const x = tensor([1.5, -0, 1e-310, 3]);
    const raw = new DataView(x.data.buffer);
    raw.setUint32(24, 0x1234, true); // x[3]: a NaN with a payload (low word)
    raw.setUint32(28, 0x7ff80000, true); // (high word)
    const before = bits(x);
    numericalGradient((v) => v.get(0) * 2, x, { onNoEffect: 'ignore' });
    expect(bits(x)).toEqual(before);
  });

  it('restores the element being perturbed when f throws, and rethrows', () => {
    const W = arange(6).reshape(2, 3).T; // a transposed view
    const base = W.base!;
    const before = bits(base);
    let calls = 0;
    const f = (v: Tensor) => {
      if (++calls === 4) throw new Error('boom');
      return v.sum().item();
    };
    expect(() => numericalGradient(f, W)).toThrow('boom');
    expect(bits(base)).toEqual(before);
  });

  it('calls f with the very tensor it was given, perturbed in place', () => {
    const W = zeros([2, 2]);
    const seen: number[] = [];
    numericalGradient(
      (v) => {
        expect(v).toBe(W);
        seen.push(W.get(0, 0));
        return 0;
      },
      W,
      { onNoEffect: 'ignore' },
    );
    expect(seen.slice(0, 3)).toEqual([0, 1e-4, -1e-4]);
  });

  it('works through a negative-stride view of a parameter read by a closure (the Net0 pattern)', () => {
    const W = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const view = W.slice('::-1', '::-2'); // (2, 2): W[1,2], W[1,0], W[0,2], W[0,0]
    const f = () => W.mul(W).sum().item(); // reads W, not its argument
    const g = numericalGradient(f, view);
    expect(maxRelError(g.toFlatArray(), [12, 8, 6, 2])).toBeLessThan(1e-9);
  });

  it('float32 works with float32 precision', () => {
    const x = tensor([1, 2, 3], { dtype: 'float32' });
    const g = numericalGradient((v) => v.mul(v).sum().item(), x);
    expect(g.dtype).toBe('float32');
    expect(maxRelError(g.toFlatArray(), [2, 4, 6])).toBeLessThan(2e-3);
  });
});

describe('numericalGradient refuses what it cannot do right', () => {
  it('refuses integer tensors', () => {
    expect(() => numericalGradient(() => 0, tensor([1, 2], { dtype: 'int32' }))).toThrow(
      /dtype 'int32'.*truncate/,
    );
  });
  it('refuses stride-0 tensors from broadcastTo', () => {
    const b = tensor([1, 2, 3]).broadcastTo([2, 3]);
    expect(() => numericalGradient(() => 0, b)).toThrow(/stride 0 along axis 0/);
  });
  it('validates h', () => {
    expect(() => numericalGradient(() => 0, zeros([1]), { h: 0 })).toThrow(/h: expected a positive/);
  });
});

describe('the notebook bug made visible', () => {
  const W = tensor([
    [0.1, 0.2, 0.3],
    [0.4, 0.5, 0.6],
  ]);
  const lossReadingW = () => W.mul(W).sum().item();

  it('warns, by default, naming the likely cause, when f ignores the perturbed copy', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const g = numericalGradient(lossReadingW, W.flatten());
    expect(g.toFlatArray()).toEqual([0, 0, 0, 0, 0, 0]);
    expect(warn).toHaveBeenCalledTimes(1);
    const msg = String(warn.mock.calls[0][0]);
    expect(msg).toMatch(/never changed f/);
    expect(msg).toMatch(/copy was passed|was a copy passed/);
    expect(msg).toMatch(/flatten\(\)/);
  });

  it("throws a NoEffectError with onNoEffect: 'error', stays silent with 'ignore'", () => {
    expect(() => numericalGradient(lossReadingW, W.flatten(), { onNoEffect: 'error' })).toThrow(
      NoEffectError,
    );
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    numericalGradient(lossReadingW, W.flatten(), { onNoEffect: 'ignore' });
    expect(warn).not.toHaveBeenCalled();
  });

  it('says nothing when f does depend on x, even where the gradient is zero', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const g = numericalGradient(lossReadingW, W);
    expect(maxRelError(g.toFlatArray(), [0.2, 0.4, 0.6, 0.8, 1, 1.2])).toBeLessThan(1e-9);
    numericalGradient((v) => v.mul(v).sum().item(), zeros([3])); // gradient 0, but f moves
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('numericalDiff and gradientDescent (chapter 4)', () => {
  it('numericalDiff matches the book', () => {
    const f = (x: number) => 0.01 * x ** 2 + 0.1 * x;
    expect(numericalDiff(f, 5)).toBe(fx.numericalDiff[0]);
    expect(numericalDiff(f, 10)).toBe(fx.numericalDiff[1]);
  });
  it("gradientDescent reaches the book's point, leaves init alone and keeps the history", () => {
    const init = tensor([-3, 4]);
    const f = (x: Tensor) => x.get(0) ** 2 + x.get(1) ** 2;
    const { x, history } = gradientDescent(f, init, { lr: 0.1, stepNum: 100 });
    expect(maxRelError(x.toFlatArray(), fx.gradientDescent.x)).toBeLessThan(1e-6);
    expect(history).toHaveLength(100);
    expect(maxRelError(history[4].toFlatArray(), fx.gradientDescent.history5[4])).toBeLessThan(1e-10);
    expect(init.toFlatArray()).toEqual([-3, 4]);
  });
  it('validates stepNum and lr', () => {
    expect(() => gradientDescent(() => 0, zeros([1]), { stepNum: -1 })).toThrow(/stepNum/);
    expect(() => gradientDescent(() => 0, zeros([1]), { lr: Number.NaN })).toThrow(/lr/);
  });
});
