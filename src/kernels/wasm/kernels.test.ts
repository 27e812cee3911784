/**
 * Differential tests: every WASM kernel equals the reference kernel (tolerances in
 * test/kernels-helpers.ts), for float32 and float64, with ordinary, resident and mixed arguments,
 * in both memory modes (shared and not). The relaxed-SIMD build is covered by test/kernels-relaxed.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  Arrays,
  EDGE_SIZES,
  ELEMENTWISE_SIZES,
  elementwiseFailures,
  errorOf,
  gemmCases,
  gemmFailures,
  rng,
  softmaxFailures,
  sumRowsFailures,
} from '../../../test/kernels-helpers.js';
import { refKernels } from '../ref/index.js';
import type { Kernels } from '../types.js';
import { WasmKernels } from './kernels.js';
import { detectFeatures } from './module.js';

const variants: [string, Kernels][] = [
  ['shared memory', new WasmKernels({ relaxed: false, shared: true })],
  ['unshared memory', new WasmKernels({ relaxed: false, shared: false })],
];
if (detectFeatures().relaxedSimd)
  variants.push(['relaxed SIMD', new WasmKernels({ relaxed: true, shared: true })]);

describe.each(variants)('wasm kernels (%s) equal ref', (_name, wasm) => {
  const placements = ['plain', 'resident', 'mixed'] as const;

  describe.each(['float32', 'float64'] as const)('%s', (dtype) => {
    it.each(placements)(
      'gemm on random shapes, all transposes, alpha/beta, padded rows (%s arrays)',
      (placement) => {
        const rand = rng(dtype === 'float32' ? 11 : 12);
        const arrays = new Arrays(wasm, placement, rand);
        const failures = gemmCases(rand, 96).flatMap((c) => gemmFailures(refKernels, wasm, dtype, c, arrays));
        expect(failures).toEqual([]);
      },
    );

    it('gemm on every pair of edge sizes (m, n) with k around the block', () => {
      const arrays = new Arrays(wasm, 'plain', rng(3));
      const failures: string[] = [];
      for (const m of EDGE_SIZES) {
        for (const n of EDGE_SIZES) {
          const k = [1, 3, 8, 255, 257][(m + n) % 5];
          for (let t = 0; t < 4; t++) {
            const c = {
              transA: (t & 1) === 1,
              transB: (t & 2) === 2,
              m,
              n,
              k,
              alpha: 1,
              beta: t === 3 ? 0.5 : 0,
              pad: 0,
            };
            failures.push(...gemmFailures(refKernels, wasm, dtype, c, arrays));
          }
        }
      }
      expect(failures).toEqual([]);
    });

    it('gemm across every cache block (k > KC_MAX = 1024: two depth blocks; then n > NC, m > MC)', () => {
      const arrays = new Arrays(wasm, 'mixed', rng(4));
      const n = dtype === 'float32' ? 515 : 259;
      const failures: string[] = [];
      for (let t = 0; t < 4; t++) {
        const c = {
          transA: (t & 1) === 1,
          transB: (t & 2) === 2,
          m: 131,
          n,
          k: 1100,
          alpha: 0.75,
          beta: t % 2,
          pad: t,
        };
        failures.push(...gemmFailures(refKernels, wasm, dtype, c, arrays));
      }
      expect(failures).toEqual([]);
    });

    it('gemmBiasAct (identity, relu, sigmoid) on random shapes', () => {
      const rand = rng(5);
      const arrays = new Arrays(wasm, 'mixed', rand);
      const failures = gemmCases(rand, 48).flatMap((c) =>
        gemmFailures(refKernels, wasm, dtype, c, arrays, true),
      );
      expect(failures).toEqual([]);
    });

    it.each(placements)('elementwise kernels and adam, bit for bit except exp (%s arrays)', (placement) => {
      const arrays = new Arrays(wasm, placement, rng(6));
      expect(
        ELEMENTWISE_SIZES.flatMap((n) => elementwiseFailures(refKernels, wasm, dtype, n, arrays)),
      ).toEqual([]);
    });

    it('sigmoid over the whole exponent range, with inf, NaN and subnormal results', () => {
      const xs = [
        Number.NaN,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        0,
        -0,
        88.7,
        -88.7,
        745,
        -745,
      ];
      for (let i = 0; i < 4000; i++) xs.push(-120 + 0.06 * i);
      const x = dtype === 'float32' ? new Float32Array(xs) : new Float64Array(xs);
      const [want, got] = [x.slice(), wasm.alloc(dtype, x.length) as typeof x];
      refKernels.sigmoid(x.length, x, want);
      wasm.sigmoid(x.length, x, got);
      const rel = dtype === 'float32' ? 1e-6 : 1e-13;
      const bad = Array.from(x).filter((_, i) => {
        const ok =
          Object.is(got[i], want[i]) || Math.abs(got[i] - want[i]) <= rel * Math.abs(want[i]) + 1e-40;
        return !ok;
      });
      expect(bad).toEqual([]);
    });

    it('sumRows, bit for bit', () => {
      const arrays = new Arrays(wasm, 'mixed', rng(7));
      const failures: string[] = [];
      for (const m of [0, 1, 2, 5, 100]) {
        for (const n of [1, 3, 7, 8, 9, 16, 17, 50, 784])
          failures.push(...sumRowsFailures(refKernels, wasm, dtype, m, n, (m + n) % 3, arrays));
      }
      expect(failures).toEqual([]);
    });

    it('softmaxCrossEntropy with labels and one-hot targets', () => {
      const arrays = new Arrays(wasm, 'mixed', rng(8));
      const failures: string[] = [];
      for (const [m, n] of [
        [1, 1],
        [1, 10],
        [2, 3],
        [100, 10],
        [7, 33],
      ]) {
        failures.push(...softmaxFailures(refKernels, wasm, dtype, m, n, false, arrays));
        failures.push(...softmaxFailures(refKernels, wasm, dtype, m, n, true, arrays));
      }
      expect(failures).toEqual([]);
    });
  });

  it('rejects bad arguments with the same messages as ref', () => {
    const f32 = new Float32Array(6);
    const calls: ((k: Kernels) => unknown)[] = [
      (k) => k.gemm(false, false, 2, 3, 4, 1, f32, 4, f32, 3, 0, f32, 3),
      (k) => k.gemm(false, false, 2, 2, 2, 1, f32, 1, f32, 2, 0, f32, 2),
      (k) =>
        k.gemm(
          false,
          false,
          1,
          1,
          1,
          1,
          f32,
          1,
          new Float64Array(1) as unknown as Float32Array,
          1,
          0,
          f32,
          1,
        ),
      (k) => k.gemm(false, false, -1, 1, 1, 1, f32, 1, f32, 1, 0, f32, 1),
      (k) => k.gemmBiasAct(1, 2, 1, f32, 1, f32, 2, new Float32Array(1), f32, 2, 'relu'),
      (k) => k.gemmBiasAct(1, 1, 1, f32, 1, f32, 1, null, f32, 1, 'tanh' as 'relu'),
      (k) => k.axpy(7, 1, f32, f32),
      (k) => k.sumRows(2, 3, f32, 2, f32),
      (k) => k.softmaxCrossEntropy(2, 3, f32, new Int32Array([0, 3]), f32, null),
      (k) => k.softmaxCrossEntropy(2, 3, f32, new Int32Array([0]), f32, null),
      (k) => k.adam(3, 0.1, 0.9, 0.999, f32, f32, f32, new Float64Array(3) as unknown as Float32Array),
    ];
    for (const call of calls) {
      const message = (k: Kernels): string => errorOf(call, k);
      expect(message(wasm)).not.toBe('no error');
      expect(message(wasm)).toBe(message(refKernels));
    }
  });
});

describe('the Affine training step of the 784-50-10 network, through the kernels', () => {
  it('gives the same loss and gradients with wasm and ref (float32)', () => {
    const wasm = variants[0][1];
    const run = (k: Kernels): number[] => {
      const rand = rng(99);
      const r = (n: number, s: number): Float32Array => {
        const a = k.alloc('float32', n);
        for (let i = 0; i < n; i++) a[i] = (2 * rand() - 1) * s;
        return a;
      };
      const [x, W1, b1, W2, b2] = [
        r(100 * 784, 1),
        r(784 * 50, 0.05),
        r(50, 0.1),
        r(50 * 10, 0.3),
        r(10, 0.1),
      ];
      const t = new Int32Array(100).map((_, i) => (i * 7) % 10);
      const [h, s, p, ds, dh] = [100 * 50, 100 * 10, 100 * 10, 100 * 10, 100 * 50].map((n) =>
        k.alloc('float32', n),
      );
      const [dW1, db1, dW2, db2] = [784 * 50, 50, 50 * 10, 10].map((n) => k.alloc('float32', n));
      const losses: number[] = [];
      for (let step = 0; step < 3; step++) {
        k.gemmBiasAct(100, 50, 784, x, 784, W1, 50, b1, h, 50, 'sigmoid');
        k.gemmBiasAct(100, 10, 50, h, 50, W2, 10, b2, s, 10, 'identity');
        losses.push(k.softmaxCrossEntropy(100, 10, s, t, p, ds));
        k.gemm(true, false, 50, 10, 100, 1, h, 50, ds, 10, 0, dW2, 10);
        k.sumRows(100, 10, ds, 10, db2);
        k.gemm(false, true, 100, 50, 10, 1, ds, 10, W2, 10, 0, dh, 50);
        k.sigmoidBackward(100 * 50, h, dh, dh);
        k.gemm(true, false, 784, 50, 100, 1, x, 784, dh, 50, 0, dW1, 50);
        k.sumRows(100, 50, dh, 50, db1);
        for (const [param, grad] of [
          [W1, dW1],
          [b1, db1],
          [W2, dW2],
          [b2, db2],
        ] as const)
          k.axpy(param.length, -0.1, grad, param);
      }
      return [...losses, ...W1.slice(0, 5), ...b2];
    };
    const got = run(wasm);
    const want = run(refKernels);
    for (let i = 0; i < got.length; i++)
      expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want[i])));
  });
});

describe('staging of ordinary arrays', () => {
  it('reuses its scratch: memory stays flat over repeated calls', () => {
    const wasm = new WasmKernels({ relaxed: false });
    const [x, w, out] = [new Float32Array(100 * 784), new Float32Array(784 * 50), new Float32Array(100 * 50)];
    wasm.gemm(false, false, 100, 50, 784, 1, x, 784, w, 50, 0, out, 50);
    const bytes = wasm.mem.byteLength;
    const blocks = wasm.mem.heap.blockCount;
    for (let i = 0; i < 200; i++) {
      wasm.gemm(false, false, 100, 50, 784, 1, x, 784, w, 50, 0, out, 50);
      wasm.sigmoid(out.length, out, out);
    }
    expect([wasm.mem.byteLength, wasm.mem.heap.blockCount]).toEqual([bytes, blocks]);
  });
});
