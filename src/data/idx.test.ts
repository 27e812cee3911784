import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Tensor } from '../tensor/tensor.js';
import { IdxFormatError, isGzip, readIdx, readIdxHeader, writeIdx } from './idx.js';

/** An IDX file written byte by byte, independently of `writeIdx`. */
function makeIdx(code: number, dims: number[], values: number[]): Uint8Array {
  const size = { 8: 1, 9: 1, 11: 2, 12: 4, 13: 4, 14: 8 }[code] ?? 1;
  const out = new Uint8Array(4 + 4 * dims.length + values.length * size);
  const v = new DataView(out.buffer);
  out[2] = code;
  out[3] = dims.length;
  dims.forEach((d, i) => {
    v.setUint32(4 + 4 * i, d);
  });
  const base = 4 + 4 * dims.length;
  values.forEach((x, i) => {
    const p = base + i * size;
    if (code === 0x08) v.setUint8(p, x);
    else if (code === 0x09) v.setInt8(p, x);
    else if (code === 0x0b) v.setInt16(p, x);
    else if (code === 0x0c) v.setInt32(p, x);
    else if (code === 0x0d) v.setFloat32(p, x);
    else v.setFloat64(p, x);
  });
  return out;
}

function errorOf(fn: () => unknown): IdxFormatError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(IdxFormatError);
    return err as IdxFormatError;
  }
  throw new Error('expected an error');
}

describe('readIdx: reading', () => {
  it('reads ubyte images as uint8 with their shape', () => {
    const bytes = makeIdx(0x08, [2, 2, 3], [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
    const x = readIdx(bytes);
    expect(x.dtype).toBe('uint8');
    expect(x.shape).toEqual([2, 2, 3]);
    expect(x.toFlatArray()).toEqual([0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
    expect(x.base).toBeNull();
  });

  it('reads each element type big-endian into its dtype', () => {
    const cases: [number, string, number[]][] = [
      [0x09, 'int32', [-128, -1, 0, 127]],
      [0x0b, 'int32', [-32768, -2, 258, 32767]],
      [0x0c, 'int32', [-2147483648, -5, 65536 + 7, 2147483647]],
      [0x0d, 'float32', [-1.5, 0, 3.25, Math.fround(0.1)]],
      [0x0e, 'float64', [-1e300, 0.1, Math.PI, 5e-324]],
    ];
    for (const [code, dtype, values] of cases) {
      const x = readIdx(makeIdx(code, [2, 2], values));
      expect(x.dtype).toBe(dtype);
      expect(x.shape).toEqual([2, 2]);
      expect(x.toFlatArray()).toEqual(values);
    }
  });

  it('accepts an ArrayBuffer and a Uint8Array view at an offset', () => {
    const file = makeIdx(0x08, [3], [7, 8, 9]);
    expect(readIdx(file.slice().buffer).toFlatArray()).toEqual([7, 8, 9]);
    const padded = new Uint8Array(file.length + 5);
    padded.set(file, 3);
    expect(readIdx(padded.subarray(3, 3 + file.length)).toFlatArray()).toEqual([7, 8, 9]);
  });

  it('copies: changing the buffer later does not change the tensor', () => {
    const file = makeIdx(0x08, [2], [1, 2]);
    const x = readIdx(file);
    file[file.length - 1] = 99;
    expect(x.toFlatArray()).toEqual([1, 2]);
  });

  it('reads empty dimensions', () => {
    const x = readIdx(makeIdx(0x08, [0, 28, 28], []));
    expect(x.shape).toEqual([0, 28, 28]);
    expect(x.size).toBe(0);
  });

  it('round-trips through writeIdx for every dtype and type', () => {
    const u8 = new Tensor(new Uint8Array([0, 9, 255, 3, 4, 5]), [2, 3]);
    expect(writeIdx(u8)).toEqual(makeIdx(0x08, [2, 3], [0, 9, 255, 3, 4, 5]));
    const i32 = new Tensor(new Int32Array([-7, 0, 1 << 30]), [3]);
    expect(writeIdx(i32)).toEqual(makeIdx(0x0c, [3], [-7, 0, 1 << 30]));
    expect(() => writeIdx(i32, { type: 'short' })).toThrow();
    const small = new Tensor(new Int32Array([-7, 0, 300]), [3]);
    expect(readIdx(writeIdx(small, { type: 'short' })).toFlatArray()).toEqual([-7, 0, 300]);
    expect(() => writeIdx(small, { type: 'byte' })).toThrow(/element 2 is 300/);
    const f32 = new Tensor(new Float32Array([0.5, -2.25]), [1, 2]);
    expect(writeIdx(f32)).toEqual(makeIdx(0x0d, [1, 2], [0.5, -2.25]));
    const f64 = new Tensor(new Float64Array([0.1, 0.2, 0.3, 0.4]), [2, 1, 2]);
    const back = readIdx(writeIdx(f64));
    expect(back.dtype).toBe('float64');
    expect(back.shape).toEqual([2, 1, 2]);
    expect(back.toFlatArray()).toEqual([0.1, 0.2, 0.3, 0.4]);
    // a non-contiguous view is written in C order
    const view = new Tensor(new Uint8Array([1, 2, 3, 4, 5, 6]), [2, 3]).transpose();
    expect(readIdx(writeIdx(view)).toFlatArray()).toEqual([1, 4, 2, 5, 3, 6]);
    expect(() => writeIdx(new Tensor(new Float64Array([1]), []))).toThrow(/1 to 16 dimensions, got 0/);
  });

  it('readIdxHeader describes the file without reading the data', () => {
    expect(readIdxHeader(makeIdx(0x0b, [3, 2], [1, 2, 3, 4, 5, 6]))).toEqual({
      type: 'short',
      dtype: 'int32',
      shape: [3, 2],
      dataOffset: 12,
      dataBytes: 12,
    });
  });
});

describe('readIdx: damage', () => {
  const good = makeIdx(0x08, [2, 3], [1, 2, 3, 4, 5, 6]);

  it('truncated header: fewer than 4 bytes', () => {
    for (const n of [0, 1, 3]) {
      const e = errorOf(() => readIdx(good.subarray(0, n)));
      expect(e.field).toBe('header');
      expect(e.message).toMatch(/expected at least 4 bytes/);
    }
  });

  it('truncated header: dimensions cut off', () => {
    const e = errorOf(() => readIdx(good.subarray(0, 9)));
    expect(e.field).toBe('header');
    expect(e.message).toBe(
      'readIdx: header: expected 12 bytes for 2 dimensions (4 + 4 * 2), got 9 bytes (truncated)',
    );
  });

  it('wrong magic', () => {
    const bad = good.slice();
    bad[1] = 0x01;
    const e = errorOf(() => readIdx(bad));
    expect(e.field).toBe('magic');
    expect(e.actual).toBe('0x0001');
  });

  it('unknown element type', () => {
    for (const code of [0x00, 0x07, 0x0a, 0x0f, 0xff]) {
      const bad = good.slice();
      bad[2] = code;
      const e = errorOf(() => readIdx(bad));
      expect(e.field).toBe('type');
      expect(e.message).toContain('0x08 (ubyte)');
      expect(e.actual).toBe(`0x${code.toString(16).padStart(2, '0')}`);
    }
  });

  it('ndim 0 or above 16', () => {
    for (const nd of [0, 17, 255]) {
      const bad = new Uint8Array(4 + 4 * nd + 8);
      bad[2] = 0x08;
      bad[3] = nd;
      const e = errorOf(() => readIdx(bad));
      expect(e.field).toBe('ndim');
      expect(e.actual).toBe(String(nd));
    }
  });

  it('data shorter than the dimensions say', () => {
    const e = errorOf(() => readIdx(good.subarray(0, good.length - 1)));
    expect(e.field).toBe('data');
    expect(e.message).toBe(
      'readIdx: data: expected (2, 3) x 1 byte (ubyte) = 6 bytes after the 12-byte header, got 5 bytes (truncated data)',
    );
  });

  it('data longer than the dimensions say', () => {
    const longer = new Uint8Array(good.length + 2);
    longer.set(good);
    const e = errorOf(() => readIdx(longer));
    expect(e.field).toBe('data');
    expect(e.actual).toBe('8 bytes (trailing bytes after the data)');
    const doubles = makeIdx(0x0e, [3], [1, 2, 3]);
    const e2 = errorOf(() => readIdx(doubles.subarray(0, doubles.length - 4)));
    expect(e2.expected).toContain('(3) x 8 bytes (double) = 24 bytes');
  });

  it('huge dimensions in a 20-byte file fail fast without allocating', () => {
    const hostile = new Uint8Array(20);
    const v = new DataView(hostile.buffer);
    hostile[2] = 0x0e;
    hostile[3] = 3;
    v.setUint32(4, 0xffffffff);
    v.setUint32(8, 0xffffffff);
    v.setUint32(12, 0xffffffff);
    const before = process.memoryUsage().arrayBuffers;
    const t0 = performance.now();
    const e = errorOf(() => readIdx(hostile));
    expect(performance.now() - t0).toBeLessThan(50);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1 << 20);
    expect(e.field).toBe('data');
    expect(e.actual).toBe('4 bytes (truncated data)');
    // 16 dimensions of 2**32 - 1: the product stays finite, the comparison still fails
    const h16 = new Uint8Array(4 + 64 + 3);
    h16[2] = 0x08;
    h16[3] = 16;
    for (let i = 0; i < 16; i++) new DataView(h16.buffer).setUint32(4 + 4 * i, 0xffffffff);
    expect(errorOf(() => readIdx(h16)).field).toBe('data');
  });

  it('gzip data: a clear error pointing to readIdxFile', () => {
    expect(isGzip(new Uint8Array([0x1f, 0x8b, 8]))).toBe(true);
    expect(isGzip(good)).toBe(false);
    const e = errorOf(() => readIdx(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3])));
    expect(e.field).toBe('gzip');
    expect(e.message).toContain('readIdxFile');
  });

  it('a non-buffer argument is a TypeError', () => {
    expect(() => readIdx([0, 0, 8, 1] as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => readIdx(null as unknown as Uint8Array)).toThrow(
      /expected a Uint8Array or ArrayBuffer, got null/,
    );
  });
});

describe('readIdx: fuzz', () => {
  /** Calls readIdx and returns how it ended; anything but a Tensor or an Error fails the property. */
  function attempt(bytes: Uint8Array): 'ok' | 'error' {
    try {
      const t = readIdx(bytes);
      expect(t).toBeInstanceOf(Tensor);
      return 'ok';
    } catch (err) {
      expect(err).toBeInstanceOf(Error);
      return 'error';
    }
  }

  it('random bytes either parse or throw an Error', () => {
    const start = performance.now();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        attempt(bytes);
      }),
      { numRuns: 2000 },
    );
    // header-shaped random data, so that more cases get past the magic and type checks
    const headerish = fc
      .tuple(
        fc.constantFrom(0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e, 0x00, 0x10),
        fc.integer({ min: 0, max: 5 }),
        fc.array(fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constant(0xffffffff), fc.nat()), {
          maxLength: 5,
        }),
        fc.uint8Array({ maxLength: 100 }),
      )
      .map(([code, nd, dims, tail]) => {
        const out = new Uint8Array(4 + 4 * dims.length + tail.length);
        out[2] = code;
        out[3] = nd;
        dims.forEach((d, i) => {
          new DataView(out.buffer).setUint32(4 + 4 * i, d);
        });
        out.set(tail, 4 + 4 * dims.length);
        return out;
      });
    fc.assert(
      fc.property(headerish, (bytes) => {
        attempt(bytes);
      }),
      { numRuns: 2000 },
    );
    expect(performance.now() - start).toBeLessThan(20_000);
  });

  it('mutations of a valid file either parse (to the right size) or throw an Error', () => {
    const valid = writeIdx(
      new Tensor(
        new Float32Array(24).map((_, i) => i / 3),
        [2, 3, 4],
      ),
    );
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('grow' as const), extra: fc.uint8Array({ maxLength: 16 }) }),
    );
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (mutations) => {
        let bytes = valid.slice();
        for (const m of mutations) {
          if (m.kind === 'set' && bytes.length > 0) bytes[m.at % bytes.length] = m.value;
          else if (m.kind === 'cut') bytes = bytes.slice(0, m.at % (bytes.length + 1));
          else if (m.kind === 'grow') {
            const longer = new Uint8Array(bytes.length + m.extra.length);
            longer.set(bytes);
            longer.set(m.extra, bytes.length);
            bytes = longer;
          }
        }
        if (attempt(bytes) === 'ok') {
          const h = readIdxHeader(bytes);
          expect(h.dataOffset + h.dataBytes).toBe(bytes.length);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
