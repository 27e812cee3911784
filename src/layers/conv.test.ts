/**
 * Convolution and Pooling: against the book's numpy layers (test/fixtures/conv_fixtures.py),
 * gradient checks in float64, padding semantics and error messages.
 */
import { describe, expect, it } from 'vitest';
import { loadFixture } from '../../test/helpers/fixtures.js';
import { gradcheckLayer } from '../gradient/gradcheck.js';
import { RandomState } from '../random/random-state.js';
import { tensor, zeros } from '../tensor/create.js';
import type { NestedArray, Tensor } from '../tensor/tensor.js';
import { Convolution } from './convolution.js';
import { Pooling } from './pooling.js';

type A = NestedArray;
interface Fixture {
  convolution: Record<string, A> & { stride: number; pad: number };
  pooling: (Record<string, A> & { ph: number; pw: number; stride: number })[];
}
const fx = loadFixture<Fixture>('conv_fixtures.json');
const T = (a: A): Tensor => tensor(a);

function expectClose(actual: Tensor, expected: A, atol = 1e-12): void {
  const e = T(expected);
  expect(actual.shape).toEqual(e.shape);
  const a = actual.toFlatArray();
  const b = e.toFlatArray();
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  expect(worst).toBeLessThan(atol);
}

describe('Convolution and Pooling match the book (numpy)', () => {
  it('Convolution, stride 2, pad 1', () => {
    const f = fx.convolution;
    const conv = new Convolution(T(f.W), T(f.b), f.stride, f.pad); // the book's positional form
    expectClose(conv.forward(T(f.x)), f.out);
    expectClose(conv.backward(T(f.dout))!, f.dx);
    expectClose(conv.dW!, f.dW);
    expectClose(conv.db!, f.db);
  });

  it('max Pooling (argmax backward, overlapping windows summed)', () => {
    for (const f of fx.pooling) {
      const pool = new Pooling(f.ph, f.pw, { stride: f.stride });
      expectClose(pool.forward(T(f.x)), f.out);
      expectClose(pool.backward(T(f.dout)), f.dx);
    }
  });

  it('float32 in, float32 out, close to float64', () => {
    const f = fx.convolution;
    const conv = new Convolution(T(f.W).astype('float32'), T(f.b).astype('float32'), { stride: 2, pad: 1 });
    const out = conv.forward(T(f.x).astype('float32'));
    expect(out.dtype).toBe('float32');
    expectClose(out, f.out, 1e-5);
    const dx = conv.backward(T(f.dout).astype('float32'))!;
    expect(dx.dtype).toBe('float32');
    expectClose(dx, f.dx, 1e-5);
    expectClose(conv.dW!, f.dW, 1e-5);
  });
});

const rng = new RandomState(11);
const randn = (shape: number[]): Tensor => rng.randn(...(shape as [number, ...number[]]));

describe('gradient checks (float64, max |diff| < 1e-6)', () => {
  const convCases: [number[], number[], number, number][] = [
    // [x shape, W shape, stride, pad]
    [[2, 3, 5, 5], [4, 3, 3, 3], 1, 0],
    [[2, 3, 5, 5], [4, 3, 3, 3], 1, 1],
    [[2, 2, 7, 7], [3, 2, 3, 3], 2, 0],
    [[1, 3, 7, 5], [2, 3, 3, 3], 2, 1],
    [[2, 1, 6, 7], [3, 1, 2, 3], 1, 1],
  ];
  for (const [xs, ws, stride, pad] of convCases) {
    it(`Convolution x (${xs}) W (${ws}) stride ${stride} pad ${pad}`, () => {
      const conv = new Convolution(randn(ws), randn([ws[0]]), { stride, pad });
      const report = gradcheckLayer(conv, randn(xs), {
        params: { W: conv.W, b: conv.b },
        grads: () => ({ W: conv.dW, b: conv.db }),
      });
      expect(report.passed).toBe(true);
      expect(report.maxAbsDiff).toBeLessThan(1e-6);
    });
  }

  const poolCases: [number[], number, number, number, 'max' | 'avg'][] = [
    [[2, 3, 6, 6], 2, 2, 0, 'max'],
    [[2, 3, 5, 5], 3, 1, 0, 'max'],
    [[2, 2, 7, 7], 3, 2, 1, 'max'],
    [[1, 3, 5, 7], 2, 1, 1, 'max'],
    [[2, 2, 7, 7], 3, 2, 1, 'avg'],
    [[2, 3, 5, 5], 2, 1, 0, 'avg'],
  ];
  for (const [xs, size, stride, pad, mode] of poolCases) {
    it(`${mode} Pooling ${size}x${size} x (${xs}) stride ${stride} pad ${pad}`, () => {
      const pool = new Pooling(size, size, { stride, pad, mode });
      const report = gradcheckLayer(pool, randn(xs));
      expect(report.passed).toBe(true);
      expect(report.maxAbsDiff).toBeLessThan(1e-6);
    });
  }
  it('avg Pooling without counting the padding', () => {
    const pool = new Pooling(3, 3, { stride: 2, pad: 1, mode: 'avg', countIncludePad: false });
    const report = gradcheckLayer(pool, rng.randn(2, 2, 5, 5));
    expect(report.maxAbsDiff).toBeLessThan(1e-6);
  });
});

describe('padding and options', () => {
  it('max pooling pads with -Infinity: padding never wins over negative inputs', () => {
    const x = zeros([1, 1, 2, 2]).fill(-5);
    const out = new Pooling(2, 2, { stride: 1, pad: 1 }).forward(x);
    expect(out.shape).toEqual([1, 1, 3, 3]);
    expect(out.toFlatArray()).toEqual(new Array(9).fill(-5));
  });

  it('avg pooling divides by the window size, or by the cells inside with countIncludePad: false', () => {
    const x = zeros([1, 1, 2, 2]).fill(4);
    expect(new Pooling(2, 2, { pad: 1, mode: 'avg' }).forward(x).get(0, 0, 0, 0)).toBe(1);
    expect(
      new Pooling(2, 2, { pad: 1, mode: 'avg', countIncludePad: false }).forward(x).get(0, 0, 0, 0),
    ).toBe(4);
  });

  it('ties go to the first maximum in window order, as np.argmax', () => {
    const pool = new Pooling(2, 2, { stride: 2 });
    pool.forward(
      tensor([
        [
          [
            [1, 1],
            [1, 1],
          ],
        ],
      ]),
    );
    expect(pool.backward(tensor([[[[3]]]])).toFlatArray()).toEqual([3, 0, 0, 0]);
  });

  it('a NaN wins its window (np.max / np.argmax), on the 2x2 fast path and the general one', () => {
    const x = tensor([
      [
        [
          [1, Number.NaN, 5, 2],
          [3, 4, -1, 0],
          [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, 0],
          [0, 0, 0, 7],
        ],
      ],
    ]);
    for (const pool of [new Pooling(2, 2, { stride: 2 }), new Pooling(3, 3, { stride: 1 })]) {
      const out = pool.forward(x).toFlatArray();
      expect(Number.isNaN(out[0])).toBe(true);
    }
    const fast = new Pooling(2, 2, { stride: 2 });
    expect(fast.forward(x).toFlatArray().slice(1)).toEqual([5, Number.POSITIVE_INFINITY, 7]);
    expect(
      fast
        .backward(
          tensor([
            [
              [
                [1, 2],
                [3, 4],
              ],
            ],
          ]),
        )
        .toFlatArray(),
    ).toEqual([0, 1, 2, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 4]);
  });

  it('computeInputGrad: false skips dx', () => {
    const conv = new Convolution(rng.randn(2, 1, 3, 3), zeros([2]), { computeInputGrad: false });
    const out = conv.forward(rng.randn(2, 1, 5, 5));
    expect(conv.backward(out)).toBeNull();
    expect(conv.dW!.shape).toEqual([2, 1, 3, 3]);
  });
});

describe('errors name the layer and the shapes', () => {
  const conv = new Convolution(zeros([4, 3, 5, 5]), zeros([4]));
  it('Convolution', () => {
    expect(() => conv.forward(zeros([2, 75]))).toThrow(
      /Convolution: x: expected shape \(N,3,H,W\).*got \(2,75\)/,
    );
    expect(() => conv.forward(zeros([2, 1, 28, 28]))).toThrow(
      /Convolution: x: expected 3 channel\(s\) \(W \(4,3,5,5\).*got shape \(2,1,28,28\) with 1/,
    );
    expect(() => conv.forward(zeros([2, 3, 4, 9]))).toThrow(
      /Convolution: the filter height 5 is larger than the padded input height 4 \(input 4 \+ 2\*pad 0\) \(x \(2,3,4,9\), W \(4,3,5,5\)/,
    );
    expect(() => new Convolution(zeros([4, 3, 5, 5]), zeros([4]), { stride: 0 })).toThrow(
      /Convolution: stride: expected a positive integer, got 0/,
    );
    expect(() => new Convolution(zeros([4, 3, 5]), zeros([4]))).toThrow(
      /Convolution: W: expected shape \(FN,C,FH,FW\), got \(4,3,5\)/,
    );
    expect(() => new Convolution(zeros([4, 3, 5, 5]), zeros([3]))).toThrow(
      /Convolution: b: expected shape \(4,\)/,
    );
    expect(() =>
      new Convolution(zeros([4, 3, 2, 2]), zeros([4]), { stride: 2 }).forward(zeros([1, 3, 5, 5])),
    ).toThrow(
      /Convolution: along the height, \(input 5 \+ 2\*pad 0 - filter 2\) \/ stride 2 \+ 1 = 2.5 is not an integer/,
    );
    expect(() => conv.backward(zeros([1]))).toThrow(/Convolution.backward: called before forward/);
  });

  it('Pooling', () => {
    const pool = new Pooling(2, 2, { stride: 2 });
    expect(() => pool.forward(zeros([2, 5, 5]))).toThrow(
      /Pooling: x: expected shape \(N,C,H,W\), got \(2,5,5\)/,
    );
    expect(() => pool.forward(zeros([2, 1, 5, 6]))).toThrow(
      /Pooling: along the height, \(input 5 \+ 2\*pad 0 - pool 2\) \/ stride 2 \+ 1 = 2.5 is not an integer.*\(x \(2,1,5,6\), pool 2x2/,
    );
    expect(() => new Pooling(3, 3).forward(zeros([1, 1, 2, 8]))).toThrow(
      /Pooling: the pool height 3 is larger than the padded input height 2/,
    );
    expect(() => new Pooling(2, 2, { stride: 0 })).toThrow(
      /Pooling: stride: expected a positive integer, got 0/,
    );
    expect(() => new Pooling(2, 2, { pad: 2 })).toThrow(
      /Pooling: pad 2 must be smaller than the pool size 2x2/,
    );
    pool.forward(zeros([1, 1, 4, 4]));
    expect(() => pool.backward(zeros([1, 1, 4, 4]))).toThrow(
      /Pooling.backward: dout: expected shape \(1,1,2,2\)/,
    );
  });
});
