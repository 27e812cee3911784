/**
 * Differential tests of the ops kernels (`binaryOp`, `unaryOp`, `reduceRows`): WASM equals ref bit
 * for bit (NaN equals NaN), exp within 2 ulp, on sizes around the SIMD width (4 f32 / 2 f64 lanes,
 * loops of two vectors), the 8 partial sums and the 128-element blocks of the pairwise sum, with
 * NaN, ±inf and ±0 among random inputs; float32 and float64; ordinary, resident and mixed arrays;
 * shared and unshared memory (and the relaxed-SIMD build where the runtime has it); in place.
 */
import { describe, expect, it } from 'vitest';
import { errorOf, rng } from '../../../test/kernels-helpers.js';
import { refKernels } from '../ref/index.js';
import type { BinaryOp, FloatArray, Kernels, OperandLayout, ReduceOp, UnaryOp } from '../types.js';
import { WasmKernels } from './kernels.js';
import { detectFeatures } from './module.js';

const SIZES = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 127, 128, 129, 1000, 4099];
const BINARY: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'max', 'min'];
const UNARY: UnaryOp[] = ['neg', 'abs', 'sqrt', 'square', 'exp'];
const REDUCE: ReduceOp[] = ['sum', 'max', 'min'];
const SPECIALS = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0];
type Dtype = 'float32' | 'float64';
type Placement = 'plain' | 'resident' | 'mixed';

const variants: [string, WasmKernels][] = [
  ['shared memory', new WasmKernels({ relaxed: false, shared: true })],
  ['unshared memory', new WasmKernels({ relaxed: false, shared: false })],
];
if (detectFeatures().relaxedSimd)
  variants.push(['relaxed SIMD', new WasmKernels({ relaxed: true, shared: true })]);

/** Random values in [-2, 2), with about one in 8 replaced by NaN, ±inf, 0 or -0. */
function values(rand: () => number, n: number, specials = true): number[] {
  return Array.from({ length: n }, () =>
    specials && rand() < 0.125 ? SPECIALS[Math.floor(rand() * SPECIALS.length)] : 4 * rand() - 2,
  );
}

/** Builds arrays as the placement says: ordinary, resident in WASM memory, or either at random. */
function maker(wasm: Kernels, placement: Placement, rand: () => number, dtype: Dtype) {
  return (xs: readonly number[]): FloatArray => {
    const resident = placement === 'resident' || (placement === 'mixed' && rand() < 0.5);
    const a = resident
      ? (wasm.alloc(dtype, xs.length) as FloatArray)
      : dtype === 'float32'
        ? new Float32Array(xs.length)
        : new Float64Array(xs.length);
    a.set(xs);
    return a;
  };
}

/** Indices where got and want differ (NaN equals NaN; with `ulps`, within that many ulp of want). */
function diff(got: FloatArray, want: FloatArray, ulps = 0): string[] {
  const ulp = want instanceof Float32Array ? 2 ** -23 : 2 ** -52;
  const tiny = want instanceof Float32Array ? 2 ** -149 : 2 ** -1074;
  const bad: string[] = [];
  for (let i = 0; i < want.length && bad.length < 3; i++) {
    const [g, w] = [got[i], want[i]];
    if (Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w))) continue;
    if (ulps > 0 && Math.abs(g - w) <= ulps * (ulp * Math.abs(w) + tiny)) continue;
    bad.push(`[${i}] got ${g}, want ${w}`);
  }
  return bad;
}

const LAYOUT_PAIRS: [OperandLayout, OperandLayout][] = [
  ['full', 'full'],
  ['full', 'scalar'],
  ['scalar', 'full'],
  ['full', 'row'],
  ['row', 'full'],
  ['row', 'scalar'],
  ['scalar', 'scalar'],
];
const length = (layout: OperandLayout, m: number, n: number): number =>
  layout === 'full' ? m * n : layout === 'row' ? n : 1;

describe.each(variants)('wasm ops kernels (%s) equal ref', (_name, wasm) => {
  describe.each(['float32', 'float64'] as const)('%s', (dtype) => {
    it.each(['plain', 'resident', 'mixed'] as const)(
      'binaryOp, every op and layout (%s arrays)',
      (placement) => {
        const rand = rng(21);
        const make = maker(wasm, placement, rand, dtype);
        const failures: string[] = [];
        for (const n of SIZES) {
          for (const m of [1, 3]) {
            for (const [al, bl] of LAYOUT_PAIRS) {
              const a = make(values(rand, length(al, m, n)));
              const b = make(values(rand, length(bl, m, n)));
              for (const op of BINARY) {
                const want = make(new Array(m * n).fill(7));
                const got = make(new Array(m * n).fill(7));
                refKernels.binaryOp(op, m, n, a, al, b, bl, want);
                wasm.binaryOp(op, m, n, a, al, b, bl, got);
                for (const d of diff(got, want)) failures.push(`${op} ${m}x${n} ${al}/${bl}: ${d}`);
              }
            }
          }
        }
        expect(failures).toEqual([]);
      },
    );

    it.each(['plain', 'resident'] as const)('binaryOp in place: out is a, or b (%s arrays)', (placement) => {
      const rand = rng(22);
      const make = maker(wasm, placement, rand, dtype);
      const failures: string[] = [];
      for (const n of SIZES) {
        for (const op of BINARY) {
          const [xs, ys] = [values(rand, 2 * n), values(rand, n)];
          const want = make(xs);
          refKernels.binaryOp(op, 2, n, want, 'full', make(ys), 'row', want);
          const got = make(xs);
          wasm.binaryOp(op, 2, n, got, 'full', make(ys), 'row', got);
          failures.push(...diff(got, want).map((d) => `${op} a ${n}: ${d}`));
          const want2 = make(xs);
          refKernels.binaryOp(op, 1, 2 * n, make([ys[0] ?? 1]), 'scalar', want2, 'full', want2);
          const got2 = make(xs);
          wasm.binaryOp(op, 1, 2 * n, make([ys[0] ?? 1]), 'scalar', got2, 'full', got2);
          failures.push(...diff(got2, want2).map((d) => `${op} b ${n}: ${d}`));
        }
      }
      expect(failures).toEqual([]);
    });

    it.each(['plain', 'resident', 'mixed'] as const)(
      'unaryOp, bit for bit except exp (%s arrays)',
      (placement) => {
        const rand = rng(23);
        const make = maker(wasm, placement, rand, dtype);
        const failures: string[] = [];
        for (const n of SIZES) {
          // exp over its whole range: overflow to inf, subnormal results, underflow to 0
          const x = make(values(rand, n).map((v, i) => (i % 3 === 0 ? v * 60 : v)));
          for (const op of UNARY) {
            const [want, got] = [make(new Array(n).fill(7)), make(new Array(n).fill(7))];
            refKernels.unaryOp(op, n, x, want);
            wasm.unaryOp(op, n, x, got);
            failures.push(...diff(got, want, op === 'exp' ? 2 : 0).map((d) => `${op} ${n}: ${d}`));
            const inPlace = make(Array.from(x));
            wasm.unaryOp(op, n, inPlace, inPlace);
            failures.push(...diff(inPlace, got).map((d) => `${op} ${n} in place: ${d}`));
          }
        }
        expect(failures).toEqual([]);
      },
    );

    it.each(['plain', 'resident', 'mixed'] as const)('reduceRows, bit for bit (%s arrays)', (placement) => {
      const rand = rng(24);
      const make = maker(wasm, placement, rand, dtype);
      const failures: string[] = [];
      for (const n of [...SIZES, 100003]) {
        for (const m of n > 5000 ? [1] : [1, 2, 5]) {
          // with specials (NaN in most rows), and without (sums of finite values, where order matters)
          for (const specials of [true, false]) {
            const a = make(values(rand, m * n, specials && rand() < 0.5));
            for (const op of REDUCE) {
              const [want, got] = [make(new Array(m).fill(7)), make(new Array(m).fill(7))];
              refKernels.reduceRows(op, m, n, a, want);
              wasm.reduceRows(op, m, n, a, got);
              failures.push(...diff(got, want).map((d) => `${op} ${m}x${n}: ${d}`));
            }
          }
        }
      }
      expect(failures).toEqual([]);
    });
  });

  it('reduceRows: NaN wins, and of equal extrema (0, -0) the last one, as ref', () => {
    const cases: [number[], number, number][] = [
      // values, max, min
      [[-1, 0, -0, -2], -0, -2],
      [[-1, -0, 0, -2], 0, -2],
      [[1, 0, -0, 2], 2, -0],
      [[...new Array(300).fill(-5), 0, ...new Array(40).fill(-3), -0, -7], -0, -7],
      [[...new Array(301).fill(5), -0, ...new Array(40).fill(3), 0, 7], 7, 0],
      [[...new Array(130).fill(1), Number.NaN, 2, 3], Number.NaN, Number.NaN],
      [
        [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY],
        Number.NEGATIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
      ],
      [[], Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
    ];
    for (const dtype of ['float32', 'float64'] as const) {
      for (const [xs, mx, mn] of cases) {
        const a = dtype === 'float32' ? new Float32Array(xs) : new Float64Array(xs);
        for (const k of [refKernels, wasm]) {
          const out = dtype === 'float32' ? new Float32Array(2) : new Float64Array(2);
          k.reduceRows('max', 1, xs.length, a, out.subarray(0, 1));
          k.reduceRows('min', 1, xs.length, a, out.subarray(1));
          expect([k.name, dtype, xs.length, out[0], out[1]]).toEqual([k.name, dtype, xs.length, mx, mn]);
        }
      }
    }
  });

  it('reduceRows sum is numpy pairwise, not a plain loop: the known float32 case', () => {
    // 1e4 then 4098 times 1e-3: a left-to-right float32 loop rounds every 1e-3 against 1e4 (ulp
    // 2**-10); the pairwise sum adds the small values among themselves first
    const n = 4099;
    const a = new Float32Array(n).fill(1e-3);
    a[0] = 1e4;
    const out = new Float32Array(1);
    wasm.reduceRows('sum', 1, n, a, out);
    let plain = 0;
    for (let i = 0; i < n; i++) plain = Math.fround(plain + a[i]);
    const ref = new Float32Array(1);
    refKernels.reduceRows('sum', 1, n, a, ref);
    expect(out[0]).toBe(ref[0]);
    expect(out[0]).not.toBe(plain);
  });

  it('rejects bad arguments with the same messages as ref, naming the argument', () => {
    const f32 = new Float32Array(6);
    const f64 = new Float64Array(6) as unknown as Float32Array;
    const calls: [(k: Kernels) => unknown, string][] = [
      [(k) => k.binaryOp('pow' as BinaryOp, 1, 6, f32, 'full', f32, 'full', f32), 'op'],
      [(k) => k.binaryOp('add', 1, 6, f32, 'column' as OperandLayout, f32, 'full', f32), 'aLayout'],
      [(k) => k.binaryOp('add', 2, 4, f32, 'full', f32, 'row', f32), 'a: needs at least 8'],
      [(k) => k.binaryOp('add', 2, 4, f32, 'row', f32, 'full', f32), 'b: needs at least 8'],
      [(k) => k.binaryOp('add', 1, 3, f32, 'full', f64, 'full', f32), 'Float32Array'],
      [(k) => k.binaryOp('add', -1, 3, f32, 'full', f32, 'full', f32), 'm'],
      [(k) => k.unaryOp('tanh' as UnaryOp, 3, f32, f32), 'op'],
      [(k) => k.unaryOp('exp', 7, f32, f32), 'x: needs at least 7'],
      [(k) => k.reduceRows('prod' as ReduceOp, 1, 3, f32, f32), 'op'],
      [(k) => k.reduceRows('sum', 2, 4, f32, f32), 'a: needs at least 8'],
      [(k) => k.reduceRows('sum', 7, 0, f32, f32), 'out: needs at least 7'],
    ];
    for (const [call, expected] of calls) {
      const message = (k: Kernels): string => errorOf(call, k);
      expect(message(wasm)).toContain(expected);
      expect(message(wasm)).toBe(message(refKernels));
    }
  });
});
