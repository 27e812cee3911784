/**
 * Convolution and Pooling on both kernel backends: with `setBackend('ref')` forced (the TypeScript
 * loops) they still match the book's numpy layers and pass their gradient checks; on the two backends
 * max pooling gives the same bits, Convolution agrees to the GEMM's rounding (float64 1e-12); and a
 * SimpleConvNet training step allocates no kernel memory once warmed up (WASM heap flat).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadFixture } from '../../test/helpers/fixtures.js';
import { gradcheckLayer } from '../gradient/gradcheck.js';
import { getKernels, setBackend } from '../kernels/select.js';
import { WasmKernels } from '../kernels/wasm/kernels.js';
import { SimpleConvNet } from '../nets/simple-conv-net.js';
import { Adam } from '../optim/adam.js';
import { RandomState } from '../random/random-state.js';
import { tensor } from '../tensor/create.js';
import type { NestedArray, Tensor } from '../tensor/tensor.js';
import { Convolution } from './convolution.js';
import { Pooling } from './pooling.js';

type A = NestedArray;
interface Fixture {
  convolution: Record<string, A> & { stride: number; pad: number };
  pooling: (Record<string, A> & { ph: number; pw: number; stride: number })[];
}
const fx = loadFixture<Fixture>('conv_fixtures.json');

afterAll(() => {
  setBackend('auto');
});

function maxRelDiff(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.toFlatArray();
  const y = b.toFlatArray();
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]) / (1 + Math.abs(y[i])));
  return worst;
}

describe("setBackend('ref'): the layers on the TypeScript loops", () => {
  it('match the book (numpy) and pass their gradient checks', () => {
    expect(setBackend('ref').name).toBe('ref');
    const f = fx.convolution;
    const conv = new Convolution(tensor(f.W), tensor(f.b), { stride: f.stride, pad: f.pad });
    expect(maxRelDiff(conv.forward(tensor(f.x)), tensor(f.out))).toBeLessThan(1e-12);
    expect(maxRelDiff(conv.backward(tensor(f.dout))!, tensor(f.dx))).toBeLessThan(1e-12);
    expect(maxRelDiff(conv.dW!, tensor(f.dW))).toBeLessThan(1e-12);
    for (const p of fx.pooling) {
      const pool = new Pooling(p.ph, p.pw, { stride: p.stride });
      expect(maxRelDiff(pool.forward(tensor(p.x)), tensor(p.out))).toBeLessThan(1e-12);
      expect(maxRelDiff(pool.backward(tensor(p.dout)), tensor(p.dx))).toBeLessThan(1e-12);
    }
    const rng = new RandomState(3);
    const c2 = new Convolution(rng.randn(3, 2, 3, 3), rng.randn(3), { stride: 2, pad: 1 });
    const report = gradcheckLayer(c2, rng.randn(2, 2, 7, 7), {
      params: { W: c2.W, b: c2.b },
      grads: () => ({ W: c2.dW, b: c2.db }),
    });
    expect(report.maxAbsDiff).toBeLessThan(1e-6);
    expect(
      gradcheckLayer(new Pooling(3, 3, { stride: 2, pad: 1 }), rng.randn(2, 2, 7, 7)).maxAbsDiff,
    ).toBeLessThan(1e-6);
    expect(getKernels().name).toBe('ref');
  });
});

describe('ref and wasm agree', () => {
  const cases: [number[], number[], number, number][] = [
    // [x shape, W shape, stride, pad]
    [[2, 3, 9, 9], [4, 3, 3, 3], 1, 1],
    [[3, 2, 13, 8], [5, 2, 5, 3], 3, 2],
    [[1, 1, 6, 6], [2, 1, 6, 6], 1, 0], // the filter as large as the input: 1x1 output
    [[2, 4, 9, 9], [3, 4, 1, 1], 2, 0],
  ];
  it.each(['float32', 'float64'] as const)(
    'Convolution forward and backward, and max Pooling bit for bit (%s)',
    (dtype) => {
      for (const [xs, ws, stride, pad] of cases) {
        const rng = new RandomState(xs[2] + ws[2]);
        const [x, W, b] = [
          rng.randn(...(xs as [number])),
          rng.randn(...(ws as [number])),
          rng.randn(ws[0]),
        ].map((t) => t.astype(dtype));
        const ps = ws[2] === xs[2] + 2 * pad ? 1 : 2;
        const run = (backend: 'ref' | 'wasm'): Tensor[] => {
          setBackend(backend);
          const conv = new Convolution(W, b, { stride, pad });
          const out = conv.forward(x);
          const dx = conv.backward(out.mul(0.5).astype(dtype))!;
          const pool = new Pooling(ps, ps, { stride: 1 });
          const p = pool.forward(out);
          const dp = pool.backward(p);
          return [out, dx, conv.dW!, conv.db!, p, dp];
        };
        const want = run('ref');
        const got = run('wasm');
        expect(getKernels().name).toBe('wasm');
        const tol = dtype === 'float32' ? 1e-5 : 1e-12;
        for (let i = 0; i < 4; i++) expect(maxRelDiff(got[i], want[i])).toBeLessThan(tol);
        // pooling of the WASM conv output on both backends: the same bits
        setBackend('ref');
        const pool = new Pooling(ps, ps, { stride: 1 });
        const p = pool.forward(got[0]);
        expect(p.toFlatArray()).toEqual(got[4].toFlatArray());
        expect(pool.backward(p).toFlatArray()).toEqual(got[5].toFlatArray());
      }
    },
  );
});

describe('a SimpleConvNet training step', () => {
  it('allocates no kernel memory once warmed up (WASM heap blocks and bytes flat)', () => {
    const k = setBackend('wasm');
    if (!(k instanceof WasmKernels)) throw new Error('expected the WASM kernels');
    const rs = new RandomState(7);
    const x = rs.rand(20, 1, 12, 12).astype('float32');
    const t = rs.randint(0, 10, 20);
    const net = new SimpleConvNet({
      inputDim: [1, 12, 12],
      convParam: { filterNum: 4, filterSize: 3, pad: 1, stride: 1 },
      hiddenSize: 10,
      rng: new RandomState(1),
      dtype: 'float32',
    });
    const adam = new Adam({ lr: 0.001 });
    const step = (): void => adam.update(net.params, net.gradient(x, t));
    for (let i = 0; i < 5; i++) step();
    const heap = k.mem.heap;
    const [blocks, bytes] = [heap.blockCount, heap.allocatedBytes];
    for (let i = 0; i < 30; i++) step();
    expect(heap.blockCount).toBeLessThanOrEqual(blocks);
    expect(heap.allocatedBytes).toBeLessThanOrEqual(bytes);
  });
});
