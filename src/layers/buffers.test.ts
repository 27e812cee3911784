/**
 * Buffer reuse (issue 6): layers built with `reuseBuffers` hand out the same tensors while the shape
 * repeats (valid until their next call), layers without it return new tensors; the nets copy at the
 * `predict` boundary and return their gradient buffers from `gradient` (overwritten by the next
 * call); a training step allocates no kernel memory once warmed up.
 */
import { describe, expect, it } from 'vitest';
import { getKernels } from '../kernels/select.js';
import { WasmKernels } from '../kernels/wasm/kernels.js';
import { MultiLayerNet } from '../nets/multi-layer-net.js';
import { TwoLayerNet } from '../nets/two-layer-net.js';
import { SGD } from '../optim/sgd.js';
import { RandomState } from '../random/random-state.js';
import { tensor } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { Trainer } from '../train/trainer.js';
import { Affine } from './affine.js';
import { OutputBuffer } from './buffers.js';
import { Relu } from './relu.js';
import { Sigmoid } from './sigmoid.js';
import { SoftmaxWithLoss } from './softmax-with-loss.js';

const rs = new RandomState(5);
const randn = (...shape: number[]): Tensor => rs.randn(...(shape as [number, ...number[]]));

describe('layers with and without reuseBuffers', () => {
  it('Affine: without reuse every forward and backward returns new tensors; with reuse the same ones', () => {
    const W = randn(6, 4);
    const b = randn(4);
    const fresh = new Affine(W, b);
    const reusing = new Affine(W, b, { reuseBuffers: true });
    const [x1, x2] = [randn(3, 6), randn(3, 6)];
    const y1 = fresh.forward(x1);
    const kept = y1.toFlatArray();
    const y2 = fresh.forward(x2);
    expect(y2).not.toBe(y1);
    expect(y1.toFlatArray()).toEqual(kept); // still valid

    const r1 = reusing.forward(x1);
    expect(r1.toFlatArray()).toEqual(kept); // same values as the fresh layer
    const r2 = reusing.forward(x2);
    expect(r2).toBe(r1); // overwritten in place
    expect(r2.toFlatArray()).toEqual(y2.toFlatArray());

    const d = randn(3, 4);
    const dx1 = reusing.backward(d);
    const dW1 = reusing.dW;
    expect(reusing.backward(d.mul(2))).toBe(dx1);
    expect(reusing.dW).toBe(dW1);
    expect(fresh.backward(d)).not.toBe(fresh.backward(d));
  });

  it('three batch sizes alternate without new allocations (three shapes are kept)', () => {
    const affine = new Affine(randn(6, 4), randn(4), { reuseBuffers: true });
    const a = affine.forward(randn(3, 6));
    const b = affine.forward(randn(5, 6));
    const c = affine.forward(randn(7, 6));
    expect(affine.forward(randn(3, 6))).toBe(a);
    expect(affine.forward(randn(5, 6))).toBe(b);
    expect(affine.forward(randn(7, 6))).toBe(c);
    affine.forward(randn(9, 6)); // a fourth shape evicts the least recently used (3)
    expect(affine.forward(randn(7, 6))).toBe(c);
    expect(affine.forward(randn(3, 6))).not.toBe(a);
    const buf = new OutputBuffer(true);
    const t = buf.get('float32', [2, 2]);
    expect(buf.owns(t)).toBe(true);
    expect(buf.get('float32', [2, 2], t.data)).not.toBe(t); // never hands out an input's storage
  });

  it('a reusing Affine fed its own output (square W) still computes x · W + b', () => {
    const W = randn(4, 4);
    const b = randn(4);
    const x = randn(2, 4);
    const want = x.dot(W).add(b).dot(W).add(b);
    const affine = new Affine(W, b, { reuseBuffers: true });
    const got = affine.forward(affine.forward(x));
    const diff = got.sub(want).abs().max().item();
    expect(diff).toBeLessThan(1e-12);
  });

  it('Relu, Sigmoid and SoftmaxWithLoss reuse likewise; Relu.mask is derived from the output', () => {
    const relu = new Relu({ reuseBuffers: true });
    const x = tensor([
      [1, -2, 0],
      [Number.NaN, 3, -0],
    ]);
    const out = relu.forward(x);
    expect(relu.forward(x)).toBe(out);
    expect(Array.from(relu.mask!)).toEqual([0, 1, 1, 0, 0, 1]); // the book's mask (x <= 0), NaN not masked
    const sig = new Sigmoid({ reuseBuffers: true });
    expect(sig.forward(x)).toBe(sig.forward(x));
    const last = new SoftmaxWithLoss({ reuseBuffers: true });
    last.forward(randn(2, 3), [0, 2]);
    const dx = last.backward();
    last.forward(randn(2, 3), [1, 1]);
    expect(last.backward()).toBe(dx);
    expect(new Relu().forward(x)).not.toBe(new Relu().forward(x));
  });
});

describe('the nets', () => {
  it('predict returns a new tensor each call (a copy of the reused scores)', () => {
    const net = new TwoLayerNet(6, 5, 3, { rng: new RandomState(1) });
    const [x1, x2] = [randn(4, 6), randn(4, 6)];
    const p1 = net.predict(x1);
    const kept = p1.toFlatArray();
    const p2 = net.predict(x2);
    expect(p2).not.toBe(p1);
    expect(p1.toFlatArray()).toEqual(kept);
    expect(net.predict(x1).toFlatArray()).toEqual(kept);
  });

  it('gradient returns the layers’ gradient buffers, overwritten by the next call (copy to keep)', () => {
    const net = new TwoLayerNet(6, 5, 3, { rng: new RandomState(1) });
    const [x1, x2] = [randn(4, 6), randn(4, 6)];
    const g1 = net.gradient(x1, [0, 1, 2, 0]);
    const kept = g1.W1.copy();
    const g2 = net.gradient(x2, [2, 2, 1, 0]);
    expect(g2.W1).toBe(g1.W1);
    expect(g2.W1.toFlatArray()).not.toEqual(kept.toFlatArray());
    // same values as a fresh net computing the second gradient alone
    const other = new TwoLayerNet(6, 5, 3, { rng: new RandomState(1) });
    expect(other.gradient(x2, [2, 2, 1, 0]).W1.toFlatArray()).toEqual(g2.W1.toFlatArray());
  });

  it('the fused Affine + activation path gives the layer-by-layer values bit for bit', () => {
    for (const activation of ['relu', 'sigmoid'] as const) {
      const net = new MultiLayerNet(6, [5, 4], 3, { activation, rng: new RandomState(2), dtype: 'float32' });
      const x = randn(7, 6).astype('float32');
      let y = x;
      for (const layer of Object.values(net.layers)) y = layer.forward(y); // unfused, layer by layer
      const unfused = y.toFlatArray();
      expect(net.predict(x).toFlatArray()).toEqual(unfused);
    }
  });

  it("the Trainer gathers each mini-batch into the same batch tensors (numpy's x[batch_mask] values)", () => {
    const rsx = new RandomState(8);
    const x = rsx.rand(60, 6).astype('float32');
    const t = rsx.randint(0, 3, 60);
    const net = new TwoLayerNet(6, 5, 3, { rng: new RandomState(9), dtype: 'float32' });
    const seen: { x: Tensor; t: Tensor; xv: number[]; tv: number[] }[] = [];
    const gradient = net.gradient.bind(net);
    net.gradient = (xb: Tensor, tb) => {
      seen.push({ x: xb, t: tb as Tensor, xv: xb.toFlatArray(), tv: (tb as Tensor).toFlatArray() });
      return gradient(xb, tb);
    };
    const trainer = new Trainer(net, x, t, x, t, { epochs: 1, miniBatchSize: 10, verbose: false, rng: 11 });
    for (let i = 0; i < 3; i++) trainer.step();
    const idx = new RandomState(11);
    seen.forEach((s) => {
      expect(s.x).toBe(seen[0].x);
      expect(s.t).toBe(seen[0].t);
      const mask = idx.choice(60, 10);
      expect(s.xv).toEqual(x.take(mask, { axis: 0 }).toFlatArray());
      expect(s.tv).toEqual(t.take(mask, { axis: 0 }).toFlatArray());
    });
  });

  it('a training step allocates no kernel memory once warmed up (WASM heap blocks and bytes flat)', () => {
    const k = getKernels();
    if (!(k instanceof WasmKernels)) return; // only the WASM backend has a heap
    const rsx = new RandomState(3);
    const x = rsx.rand(500, 20).astype('float32');
    const t = rsx.randint(0, 4, 500);
    const net = new MultiLayerNet(20, [16, 16], 4, { rng: new RandomState(4), dtype: 'float32' });
    const trainer = new Trainer(net, x, t, x.slice(':50'), t.slice(':50'), {
      epochs: 100,
      miniBatchSize: 25,
      optimizer: new SGD({ lr: 0.05 }),
      evaluateSampleNumPerEpoch: 25,
      verbose: false,
      rng: 5,
    });
    for (let i = 0; i < 30; i++) trainer.step();
    const heap = k.mem.heap;
    const [blocks, bytes] = [heap.blockCount, heap.allocatedBytes];
    for (let i = 0; i < 200; i++) trainer.step();
    // no growth (garbage from earlier tests may be freed meanwhile, so it can only shrink)
    expect(heap.blockCount).toBeLessThanOrEqual(blocks);
    expect(heap.allocatedBytes).toBeLessThanOrEqual(bytes);
  });
});
