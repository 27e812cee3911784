import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { decodeNumber, loadFixture } from '../../test/helpers/fixtures.js';
import { arange, fromData, tensor, zeros } from './create.js';
import { allocate, type DType } from './dtype.js';
import {
  type FloatFormatOptions,
  formatFloatPositional,
  formatFloatScientific,
  formatTensor,
} from './format.js';
import type { Tensor } from './tensor.js';

type Num = number | string;
interface ReprCase {
  dtype: DType;
  shape: number[];
  data?: Num[];
  /** value[i] = ((i * m) % p - off) / d * scale, then cast to dtype */
  gen?: [number, number, number, number, number];
  transpose?: boolean;
  note?: string;
  repr: string;
}
interface Fixtures {
  numpy: string;
  repr: ReprCase[];
  floatfmt_options: { kind: 'p' | 's'; opts: Record<string, number | boolean | string> }[];
  floatfmt: { x: Num; f32: boolean; out: (string | null)[] }[];
}
const fx = loadFixture<Fixtures>('tensor.json');

function reprInput(c: ReprCase): Tensor {
  const size = c.shape.reduce((a, b) => a * b, 1);
  let values: number[];
  if (c.gen) {
    const [m, p, off, d, scale] = c.gen;
    values = Array.from({ length: size }, (_, i) => ((((i * m) % p) - off) / d) * scale);
    if (c.dtype === 'bool') values = values.map((v) => (v !== 0 ? 1 : 0));
  } else values = (c.data ?? []).map(decodeNumber);
  const data = allocate(c.dtype, size);
  data.set(values);
  const t = fromData(data, c.shape, c.dtype);
  return c.transpose ? t.T : t;
}

describe('formatTensor against numpy repr', () => {
  it('has fixtures from numpy 2', () => {
    expect(fx.numpy.startsWith('2.')).toBe(true);
    expect(fx.repr.length).toBeGreaterThan(300);
  });
  it.each(fx.repr.map((c, i) => [i, c.dtype, c.shape.join('x'), c] as const))(
    'case %i: %s %s',
    (_i, _dtype, _shape, c) => {
      expect(formatTensor(reprInput(c))).toBe(c.repr);
    },
  );
});

describe('formatTensor examples', () => {
  it('prints the common cases as numpy', () => {
    expect(formatTensor(tensor([1, 2, 3]))).toBe('array([1., 2., 3.])');
    expect(
      formatTensor(
        tensor([
          [0.1, 0.2],
          [0.3, 0.4],
        ]),
      ),
    ).toBe('array([[0.1, 0.2],\n       [0.3, 0.4]])');
    expect(formatTensor(tensor([0.123456789, 1]))).toBe('array([0.12345679, 1.        ])');
    expect(formatTensor(tensor([1e-5, 1]))).toBe('array([1.e-05, 1.e+00])');
    expect(formatTensor(tensor([Number.NaN, 1.5, Number.NEGATIVE_INFINITY]))).toBe(
      'array([ nan,  1.5, -inf])',
    );
    expect(formatTensor(tensor([-0]))).toBe('array([-0.])');
    expect(formatTensor(tensor([1, 2, 3], { dtype: 'int32' }))).toBe('array([1, 2, 3], dtype=int32)');
    expect(formatTensor(tensor([1, 2], { dtype: 'uint8' }))).toBe('array([1, 2], dtype=uint8)');
    expect(formatTensor(tensor([0.1, 0.5], { dtype: 'float32' }))).toBe('array([0.1, 0.5], dtype=float32)');
    expect(formatTensor(tensor([true, false]))).toBe('array([ True, False])');
    expect(formatTensor(tensor(3))).toBe('array(3.)');
    expect(formatTensor(tensor(true))).toBe('array(True)');
    expect(formatTensor(zeros([0]))).toBe('array([], dtype=float64)');
    expect(formatTensor(zeros([0, 3]))).toBe('array([], shape=(0, 3), dtype=float64)');
  });
  it('prints float32 with the shortest digits that identify the float32', () => {
    expect(formatTensor(tensor(0.1, { dtype: 'float32' }))).toBe('array(0.1, dtype=float32)');
    expect(formatTensor(tensor([1 / 3], { dtype: 'float32' }))).toBe('array([0.33333334], dtype=float32)');
  });
  it('summarises more than 1000 elements, adding the shape', () => {
    expect(formatTensor(arange(2000))).toBe(
      'array([0.000e+00, 1.000e+00, 2.000e+00, ..., 1.997e+03, 1.998e+03,\n       1.999e+03], shape=(2000,))',
    );
    expect(formatTensor(arange(1001, undefined, 1, { dtype: 'int32' }).reshape(7, 11, 13))).toContain('...');
    expect(formatTensor(arange(1000))).not.toContain('...');
  });
  it('separates 3-D blocks by a blank line', () => {
    expect(formatTensor(arange(8).reshape(2, 2, 2))).toBe(
      'array([[[0., 1.],\n        [2., 3.]],\n\n       [[4., 5.],\n        [6., 7.]]])',
    );
  });
  it('reads views through their strides and offset', () => {
    const x = arange(12).reshape(3, 4);
    expect(formatTensor(x.slice('1:', '::-2'))).toBe('array([[ 7.,  5.],\n       [11.,  9.]])');
    expect(formatTensor(x.T.slice(1))).toBe('array([1., 5., 9.])');
    expect(formatTensor(x.slice(2, 3))).toBe('array(11.)');
    expect(formatTensor(tensor([1, 2, 3]).broadcastTo([2, 3]))).toBe(
      'array([[1., 2., 3.],\n       [1., 2., 3.]])',
    );
  });
  it('is what toString and console.log show', () => {
    const x = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'int32' },
    );
    expect(x.toString()).toBe(formatTensor(x));
    expect(String(x)).toBe('array([[1, 2],\n       [3, 4]], dtype=int32)');
    expect(inspect(x)).toBe(formatTensor(x));
  });
});

describe('formatFloatPositional / formatFloatScientific against numpy', () => {
  const camel = (k: string) => k.replace(/_(\w)/g, (_m, ch: string) => ch.toUpperCase());
  const rows = fx.floatfmt.flatMap((c) =>
    fx.floatfmt_options.flatMap((o, k) => {
      const expected = c.out[k];
      if (expected === null) return [];
      const options: Record<string, unknown> = { float32: c.f32 };
      for (const [key, v] of Object.entries(o.opts)) options[camel(key)] = v;
      return [{ kind: o.kind, x: decodeNumber(c.x), options: options as FloatFormatOptions, expected }];
    }),
  );
  it('has many cases', () => {
    expect(rows.length).toBeGreaterThan(1500);
  });
  it('matches numpy for every value and option set', () => {
    const mismatches: string[] = [];
    for (const r of rows) {
      const got = (r.kind === 'p' ? formatFloatPositional : formatFloatScientific)(r.x, r.options);
      if (got !== r.expected)
        mismatches.push(`${r.kind} ${r.x} ${JSON.stringify(r.options)}: ${got} != ${r.expected}`);
    }
    expect(mismatches).toEqual([]);
  });
  it('gives the shortest round-trip digits by default', () => {
    expect(formatFloatPositional(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(formatFloatPositional(0.1, { float32: true })).toBe('0.1');
    expect(formatFloatPositional(0.1, { unique: false, precision: 20 })).toBe('0.10000000000000000555');
    expect(formatFloatScientific(12345)).toBe('1.2345e+04');
    expect(formatFloatScientific(-1e-300, { trim: '.' })).toBe('-1.e-300');
    expect(formatFloatPositional(Number.NaN)).toBe('nan');
    expect(formatFloatScientific(Number.NEGATIVE_INFINITY)).toBe('-inf');
    expect(formatFloatPositional(Number.POSITIVE_INFINITY, { sign: true })).toBe('+inf');
  });
  it('agrees with JavaScript shortest digits for random doubles', () => {
    const buf = new DataView(new ArrayBuffer(8));
    let seed = 12345;
    for (let i = 0; i < 2000; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      buf.setUint32(0, seed);
      seed = (seed * 1103515245 + 12345) >>> 0;
      buf.setUint32(4, seed);
      const x = buf.getFloat64(0);
      if (!Number.isFinite(x)) continue;
      const s = formatFloatScientific(x, { trim: '-' });
      expect(Number(s)).toBe(x);
      const [mant, exp] = x.toExponential().split('e');
      expect(s).toBe(`${mant}e${exp[0]}${exp.slice(1).padStart(2, '0')}`);
    }
  });
});
