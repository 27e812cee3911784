import { readFileSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, SafetensorsError } from '../src/io/safetensors.js';
import { arange, fromData, tensor } from '../src/tensor/create.js';
import type { DType } from '../src/tensor/dtype.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { pyFloat, pythonRead, pythonWrite, tempDir } from './io-helpers.js';

const SPECIAL = [
  0.1,
  -0,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  5e-324,
  1.7976931348623157e308,
];

/** One tensor per dtype and shape kind: 0-d, empty, 1-d, 3-d, and a non-contiguous view. */
function sampleTensors(): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  const dtypes: DType[] = ['float64', 'float32', 'int32', 'uint8', 'bool'];
  for (const dtype of dtypes) {
    out[`${dtype}.scalar`] = tensor(dtype === 'bool' ? true : 7, { dtype });
    out[`${dtype}.empty`] = fromData(new Float64Array(0), [0, 3]).astype(dtype);
    out[`${dtype}.empty0`] = fromData(new Float64Array(0), [2, 0, 5]).astype(dtype);
    out[`${dtype}.vector`] = arange(5).astype(dtype);
    out[`${dtype}.cube`] = arange(24).reshape(2, 3, 4).sub(12).astype(dtype);
    out[`${dtype}.view`] = arange(12).reshape(3, 4).T.astype(dtype).T.slice('::2'); // strided view
  }
  out['float64.special'] = tensor(SPECIAL);
  out['float32.special'] = tensor(SPECIAL, { dtype: 'float32' });
  out['int32.extremes'] = tensor([-2147483648, 2147483647, -1, 0], { dtype: 'int32' });
  out['uint8.extremes'] = tensor([0, 1, 254, 255], { dtype: 'uint8' });
  return out;
}

function expectSameTensor(a: Tensor, b: Tensor): void {
  expect(b.dtype).toBe(a.dtype);
  expect(b.shape).toEqual(a.shape);
  const x = a.toFlatArray();
  const y = b.toFlatArray();
  expect(y.length).toBe(x.length);
  for (let i = 0; i < x.length; i++)
    expect(Object.is(x[i], y[i]), `element ${i}: ${x[i]} vs ${y[i]}`).toBe(true);
}

describe('safetensors round trip', () => {
  it('keeps every dtype, shape (0-d, empty, views) and value bit for bit', () => {
    const tensors = sampleTensors();
    const bytes = encodeSafetensors(tensors, { a: 'b', unicode: 'ünïcode ✓', empty: '' });
    const back = decodeSafetensors(bytes);
    expect(Object.keys(back.tensors)).toEqual(Object.keys(tensors));
    for (const [k, t] of Object.entries(tensors)) expectSameTensor(t, back.tensors[k]);
    expect(back.metadata).toEqual({ a: 'b', unicode: 'ünïcode ✓', empty: '' });
  });

  it('writes no __metadata__ when there is none, and round-trips an empty file', () => {
    const bytes = encodeSafetensors({});
    expect(bytes.length).toBe(16);
    expect(new TextDecoder().decode(bytes.subarray(8))).toBe('{}      ');
    expect(decodeSafetensors(bytes)).toEqual({ tensors: {}, metadata: {} });
  });

  it('lays the file out as the reference writer: u64 length, space-padded header, contiguous data', () => {
    const bytes = encodeSafetensors({
      b: tensor([1, 2], { dtype: 'float32' }),
      a: tensor([3], { dtype: 'uint8' }),
    });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(header.trimEnd()).toBe(
      '{"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"U8","shape":[1],"data_offsets":[8,9]}}',
    );
    expect([...bytes.subarray(8 + n)]).toEqual([0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 3]);
  });

  it('returns tensors that own aligned memory, whatever the file offset', () => {
    const bytes = encodeSafetensors({ u: tensor([1], { dtype: 'uint8' }), f: tensor([1.5, 2.5]) });
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const { tensors } = decodeSafetensors(shifted.subarray(3));
    expect(tensors.f.toFlatArray()).toEqual([1.5, 2.5]);
    expect(tensors.f.data.buffer).not.toBe(shifted.buffer);
  });

  it('refuses bad input to the encoder', () => {
    const t = tensor([1]);
    expect(() => encodeSafetensors({ __metadata__: t })).toThrow(/reserved/);
    expect(() => encodeSafetensors(JSON.parse('{"__proto__": 1}'))).toThrow(/__proto__/);
    expect(() => encodeSafetensors({ a: t }, { k: 3 as unknown as string })).toThrow(
      /metadata 'k': expected a string/,
    );
    expect(() => encodeSafetensors({ a: [1] as unknown as Tensor })).toThrow(SafetensorsError);
  });
});

describe('safetensors against an independent reader and writer (Python, test/fixtures/io_*.py)', () => {
  const dir = tempDir();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a file scratchnet writes passes the reference rules and holds the same values', () => {
    const tensors = sampleTensors();
    const py = pythonRead(encodeSafetensors(tensors, { format: 'scratchnet', note: 'ünïcode ✓' }));
    expect(py.metadata).toEqual({ format: 'scratchnet', note: 'ünïcode ✓' });
    expect(Object.keys(py.tensors).sort()).toEqual(Object.keys(tensors).sort());
    const names: Record<DType, string> = {
      float64: 'F64',
      float32: 'F32',
      int32: 'I32',
      uint8: 'U8',
      bool: 'BOOL',
    };
    for (const [k, t] of Object.entries(tensors)) {
      const p = py.tensors[k];
      expect(p.dtype, k).toBe(names[t.dtype]);
      expect(p.shape, k).toEqual(t.shape);
      const values = p.values.map((v) => (typeof v === 'string' ? pyFloat(v) : Number(v)));
      const mine = t.toFlatArray();
      expect(values.length, k).toBe(mine.length);
      for (let i = 0; i < values.length; i++) {
        expect(Object.is(values[i], mine[i]), `${k}[${i}]: ${values[i]} vs ${mine[i]}`).toBe(true);
      }
    }
  });

  it('a file the Python writer made reads back with the values it wrote', () => {
    const { tensors, metadata } = decodeSafetensors(new Uint8Array(readFileSync(pythonWrite(dir))));
    expect(metadata).toEqual({ writer: 'python', note: 'ünïcode ✓' });
    expect(tensors.weight.dtype).toBe('float64');
    expect(tensors.weight.shape).toEqual([2, 3]);
    const w = tensors.weight.toFlatArray();
    const expected = [0.1, -2.5, 1e300, Number.POSITIVE_INFINITY, -0, 5e-324];
    for (let i = 0; i < 6; i++) expect(Object.is(w[i], expected[i]), `weight[${i}]`).toBe(true);
    expect(tensors.scale.shape).toEqual([]);
    expect(tensors.scale.item()).toBe(1.5);
    expect(tensors.half.toFlatArray()).toEqual([
      Math.fround(0.1),
      Number.NEGATIVE_INFINITY,
      3.4028234663852886e38,
      1.401298464324817e-45,
    ]);
    expect(tensors.counts.toArray()).toEqual([
      [-2147483648, 2147483647],
      [0, -1],
    ]);
    expect(tensors.empty.shape).toEqual([0, 4]);
    expect(tensors.empty.dtype).toBe('int32');
    expect(tensors.pixels.toFlatArray()).toEqual([0, 128, 255]);
    expect(tensors.mask.dtype).toBe('bool');
    expect(tensors.mask.toArray()).toEqual([[true], [false]]);
  });
});
