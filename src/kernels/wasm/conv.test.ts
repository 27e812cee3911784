/**
 * Differential tests of the convolution kernels: WASM im2col, col2im, maxPool and maxPoolBackward
 * equal the reference bit for bit (they copy, compare, and add in the reference's order) on random
 * geometries (1, odd sizes, pad > 0, strides 1 to 3, windows as large as the padded input), float32
 * and float64, ordinary, resident and mixed arrays, shared and unshared memory; and both reject bad
 * arguments with the same messages.
 */
import { describe, expect, it } from 'vitest';
import { Arrays, errorOf, rng } from '../../../test/kernels-helpers.js';
import { refKernels } from '../ref/index.js';
import type { ConvGeometry, FloatArray, Kernels } from '../types.js';
import { WasmKernels } from './kernels.js';

const variants: [string, WasmKernels][] = [
  ['shared memory', new WasmKernels({ relaxed: false, shared: true })],
  ['unshared memory', new WasmKernels({ relaxed: false, shared: false })],
];

type Dtype = 'float32' | 'float64';
const int = (rand: () => number, lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));

/**
 * A random geometry: sizes 1..9 (and 24 now and then), strides 1..3, pads 0..3 (below the window
 * for pooling); the output size is rounded down, so strides that do not tile the input occur too.
 */
function geometry(rand: () => number, pool: boolean): ConvGeometry {
  const big = rand() < 0.15;
  let h = big ? 24 : int(rand, 1, 9);
  let w = big ? 24 : int(rand, 1, 9);
  let stride = int(rand, 1, 3);
  let pad = int(rand, 0, 3);
  // windows from 1 to the whole padded input
  let fh = rand() < 0.2 ? h + 2 * pad : int(rand, 1, Math.min(h + 2 * pad, 6));
  let fw = rand() < 0.2 ? w + 2 * pad : int(rand, 1, Math.min(w + 2 * pad, 6));
  if (pool) {
    if (rand() < 0.3) {
      // the book's pooling (its fast paths), mostly with stride 2
      [fh, fw, pad, h, w] = [2, 2, 0, Math.max(h, 2), Math.max(w, 2)];
      if (rand() < 0.75) stride = 2;
    }
    pad = Math.min(pad, fh - 1, fw - 1);
    fh = Math.min(fh, h + 2 * pad);
    fw = Math.min(fw, w + 2 * pad);
  }
  const n = int(rand, 1, 3);
  const c = int(rand, 1, 4);
  const oh = Math.floor((h + 2 * pad - fh) / stride) + 1;
  const ow = Math.floor((w + 2 * pad - fw) / stride) + 1;
  return { n, c, h, w, fh, fw, stride, pad, oh, ow };
}

const describeG = (g: ConvGeometry): string =>
  `n ${g.n} c ${g.c} ${g.h}x${g.w} window ${g.fh}x${g.fw} stride ${g.stride} pad ${g.pad}`;

/** Indices where a and b differ (as bits, NaN equal to NaN), at most 3. */
function differences(a: ArrayLike<number>, b: ArrayLike<number>): string[] {
  const out: string[] = [];
  if (a.length !== b.length) return [`length ${a.length} != ${b.length}`];
  for (let i = 0; i < a.length && out.length < 3; i++) {
    if (!Object.is(a[i], b[i]) && !(Number.isNaN(a[i]) && Number.isNaN(b[i])))
      out.push(`[${i}] ${a[i]} != ${b[i]}`);
  }
  return out;
}

const garbage = (a: FloatArray | Int32Array): void => {
  a.fill(a instanceof Int32Array ? -7 : Number.NaN);
};

/** Pooling inputs: ties (small integers), signed zeros, and now and then inf, -inf and NaN. */
function poolValues(rand: () => number, a: FloatArray, special: boolean): void {
  for (let i = 0; i < a.length; i++) {
    const r = rand();
    a[i] = r < 0.3 ? int(rand, -2, 2) : r < 0.35 ? -0 : 2 * rand() - 1;
    if (special && r > 0.97)
      a[i] = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY][int(rand, 0, 2)];
  }
}

describe.each(variants)('wasm convolution kernels (%s) equal ref bit for bit', (_name, wasm) => {
  describe.each(['float32', 'float64'] as Dtype[])('%s', (dtype) => {
    it.each(['plain', 'resident', 'mixed'] as const)(
      'im2col and col2im on random geometries (%s arrays)',
      (placement) => {
        const rand = rng(dtype === 'float32' ? 21 : 22);
        const arrays = new Arrays(wasm, placement, rand);
        const failures: string[] = [];
        let written = 0;
        for (let t = 0; t < 150; t++) {
          const g = geometry(rand, false);
          const nx = g.n * g.c * g.h * g.w;
          const ncol = g.n * g.oh * g.ow * g.c * g.fh * g.fw;
          const x = arrays.make(dtype, nx);
          const [want, got] = [arrays.make(dtype, ncol), arrays.make(dtype, ncol)];
          garbage(want);
          garbage(got);
          refKernels.im2col(g, x, want);
          wasm.im2col(g, x, got);
          for (const d of differences(got, want)) failures.push(`im2col ${describeG(g)}: ${d}`);
          written += want.filter((v) => v !== 0).length;
          // col2im of random values: overlapping windows sum in the reference's order
          const col = arrays.make(dtype, ncol);
          const [dxWant, dxGot] = [arrays.make(dtype, nx), arrays.make(dtype, nx)];
          garbage(dxWant);
          garbage(dxGot);
          refKernels.col2im(g, col, dxWant);
          wasm.col2im(g, col, dxGot);
          for (const d of differences(dxGot, dxWant)) failures.push(`col2im ${describeG(g)}: ${d}`);
        }
        expect(failures).toEqual([]);
        expect(written).toBeGreaterThan(1000); // the test moved data, it did not compare zeros
      },
    );

    it('col2im sums in the reference order: reversing it changes the bits (so the test above can fail)', () => {
      // 1x1 image, 3x3 window with pad 1, stride 1 on a 3x3 input: the centre pixel gets 9 terms
      const g: ConvGeometry = { n: 1, c: 1, h: 3, w: 3, fh: 3, fw: 3, stride: 1, pad: 1, oh: 3, ow: 3 };
      const rand = rng(5);
      const col = dtype === 'float32' ? new Float32Array(81) : new Float64Array(81);
      let differs = false;
      for (let t = 0; t < 20 && !differs; t++) {
        for (let i = 0; i < col.length; i++) col[i] = (2 * rand() - 1) * 10 ** int(rand, -3, 3);
        const dx = col.slice(0, 9);
        wasm.col2im(g, col, dx);
        let reversed = 0;
        for (let r = 8; r >= 0; r--)
          reversed =
            dtype === 'float32'
              ? Math.fround(reversed + col[r * 9 + (8 - r)])
              : reversed + col[r * 9 + (8 - r)];
        differs = dx[4] !== reversed;
      }
      expect(differs).toBe(true);
    });

    it.each(['plain', 'resident', 'mixed'] as const)(
      'maxPool and maxPoolBackward on random geometries (%s arrays)',
      (placement) => {
        const rand = rng(dtype === 'float32' ? 31 : 32);
        const arrays = new Arrays(wasm, placement, rand);
        const failures: string[] = [];
        let fast = 0;
        let tiled = 0;
        for (let t = 0; t < 200; t++) {
          const g = geometry(rand, true);
          if (g.fh === 2 && g.fw === 2 && g.pad === 0 && g.stride === 2) {
            fast++;
            if (g.h === 2 * g.oh && g.w === 2 * g.ow) tiled++; // the backward's direct path
          }
          const nx = g.n * g.c * g.h * g.w;
          const nout = g.n * g.c * g.oh * g.ow;
          const x = arrays.make(dtype, nx);
          poolValues(rand, x, t % 3 === 0);
          const [want, got] = [arrays.make(dtype, nout), arrays.make(dtype, nout)];
          const resident = placement === 'resident' || (placement === 'mixed' && rand() < 0.5);
          const [argWant, argGot] = [
            new Int32Array(nout),
            resident ? wasm.alloc('int32', nout) : new Int32Array(nout),
          ];
          garbage(want);
          garbage(got);
          garbage(argWant);
          garbage(argGot);
          refKernels.maxPool(g, x, want, argWant);
          wasm.maxPool(g, x, got, argGot);
          for (const d of differences(got, want)) failures.push(`maxPool ${describeG(g)}: ${d}`);
          for (const d of differences(argGot, argWant)) failures.push(`maxPool argMax ${describeG(g)}: ${d}`);
          const dout = arrays.make(dtype, nout);
          if (t % 4 === 1) {
            // any indices into x, not only each window's own cells (dx is then a scatter)
            for (let o = 0; o < nout; o++) argWant[o] = argGot[o] = int(rand, 0, nx - 1);
          }
          if (t % 5 === 2) dout[int(rand, 0, nout - 1)] = -0; // 0 + -0 is +0
          const [dxWant, dxGot] = [arrays.make(dtype, nx), arrays.make(dtype, nx)];
          garbage(dxWant);
          garbage(dxGot);
          refKernels.maxPoolBackward(g, argWant, dout, dxWant);
          wasm.maxPoolBackward(g, argGot, dout, dxGot);
          for (const d of differences(dxGot, dxWant)) failures.push(`maxPoolBackward ${describeG(g)}: ${d}`);
        }
        expect(failures).toEqual([]);
        expect(fast).toBeGreaterThan(10); // the vectorized 2x2 path ran
        expect(tiled).toBeGreaterThan(3);
      },
    );

    it('maxPool 2x2 stride 2 on the book shape, with NaN, inf and ties in every lane position', () => {
      const g: ConvGeometry = { n: 2, c: 3, h: 24, w: 24, fh: 2, fw: 2, stride: 2, pad: 0, oh: 12, ow: 12 };
      const rand = rng(41);
      const x = wasm.alloc(dtype, 2 * 3 * 24 * 24) as FloatArray;
      poolValues(rand, x, true);
      const nout = 2 * 3 * 12 * 12;
      const want = dtype === 'float32' ? new Float32Array(nout) : new Float64Array(nout);
      const got = wasm.alloc(dtype, nout) as FloatArray;
      const [argWant, argGot] = [new Int32Array(nout), wasm.alloc('int32', nout)];
      refKernels.maxPool(g, x, want, argWant);
      wasm.maxPool(g, x, got, argGot);
      expect(differences(got, want)).toEqual([]);
      expect(differences(argGot, argWant)).toEqual([]);
      expect(Array.from(got).some(Number.isNaN)).toBe(true);
    });
  });

  it('reject bad arguments with the same messages as ref', () => {
    const g: ConvGeometry = { n: 1, c: 1, h: 4, w: 4, fh: 2, fw: 2, stride: 2, pad: 0, oh: 2, ow: 2 };
    const [x, col, out] = [new Float32Array(16), new Float32Array(16), new Float32Array(4)];
    const arg = new Int32Array(4);
    const calls: ((k: Kernels) => unknown)[] = [
      (k) => k.im2col({ ...g, oh: 3 }, x, col),
      (k) => k.im2col({ ...g, fh: 7 }, x, col),
      (k) => k.im2col({ ...g, stride: 0 }, x, col),
      (k) => k.im2col({ ...g, pad: 1.5 }, x, col),
      (k) => k.im2col(g, x, new Float32Array(15)),
      (k) => k.im2col(g, new Float64Array(16) as unknown as Float32Array, col),
      (k) => k.col2im(g, col, new Float32Array(3)),
      (k) => k.maxPool({ ...g, pad: 2, oh: 4, ow: 4 }, x, new Float32Array(16), new Int32Array(16)),
      (k) => k.maxPool(g, x, out, new Int32Array(3)),
      (k) => k.maxPool(g, x, out, new Float32Array(4) as unknown as Int32Array),
      (k) => k.maxPoolBackward(g, new Int32Array([0, 16, 1, 2]), out, x),
      (k) => k.maxPoolBackward(g, new Int32Array([0, 1, 2, -1]), out, x),
      (k) => k.maxPoolBackward(g, arg, out, new Float32Array(15)),
    ];
    for (const call of calls) {
      const message = (k: Kernels): string => errorOf(call, k);
      expect(message(wasm)).not.toBe('no error');
      expect(message(wasm)).toBe(message(refKernels));
    }
    // a bad argMax leaves dx untouched
    const dx = new Float32Array(16).fill(5);
    expect(() => wasm.maxPoolBackward(g, new Int32Array([0, 1, 2, 99]), out, dx)).toThrow(/argMax\[3\]/);
    expect(Array.from(dx)).toEqual(new Array(16).fill(5));
  });
});
