/**
 * Damaged and hostile safetensors files: each is refused with a SafetensorsError whose message
 * names the problem; nothing else is ever thrown, nothing is allocated from unchecked sizes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, SafetensorsError } from '../src/io/safetensors.js';
import { tensor } from '../src/tensor/create.js';

/** A file from a header (object or raw text) and a data section; `length` overrides N. */
function craft(header: unknown, data: number[] | Uint8Array = [], length?: number | bigint): Uint8Array {
  const text = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(length ?? text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

const f64 = (begin: number, end: number, shape: unknown = [(end - begin) / 8]) => ({
  dtype: 'F64',
  shape,
  data_offsets: [begin, end],
});

function rejects(bytes: Uint8Array, pattern: RegExp, options = {}): void {
  let error: unknown = null;
  try {
    decodeSafetensors(bytes, options);
  } catch (e) {
    error = e;
  }
  expect(error, `expected a SafetensorsError matching ${pattern}`).toBeInstanceOf(SafetensorsError);
  expect((error as Error).message).toMatch(pattern);
}

/** Decodes, returning the error (a SafetensorsError) or null; anything else fails the test. */
function tryDecode(bytes: Uint8Array): SafetensorsError | null {
  try {
    decodeSafetensors(bytes);
    return null;
  } catch (e) {
    if (e instanceof SafetensorsError) return e;
    throw e;
  }
}

const good = encodeSafetensors(
  {
    w: tensor([
      [1.5, -2],
      [3, 4],
    ]),
    s: tensor(2, { dtype: 'float32' }),
    m: tensor([true, false]),
    e: tensor([], { dtype: 'int32' }),
  },
  { format: 'scratchnet' },
);

describe('damaged files', () => {
  it('a file truncated at every byte position is refused with an error, never a crash', () => {
    for (let n = 0; n < good.length; n++) {
      const e = tryDecode(good.subarray(0, n));
      expect(e, `truncated to ${n} bytes`).toBeInstanceOf(SafetensorsError);
    }
    expect(tryDecode(good)).toBeNull();
  });

  it('names the cause: too short, header length past the end, not UTF-8, not JSON, not an object', () => {
    rejects(new Uint8Array(5), /5 bytes, shorter than the 8-byte header length/);
    rejects(craft({}, [], 1000), /header length 1000 is larger than the 2 bytes after the length field/);
    rejects(craft('\xff'.repeat(0), [], 0), /not valid JSON/);
    const latin1 = craft('{}');
    latin1[8] = 0xff;
    rejects(latin1, /not valid UTF-8/);
    rejects(craft('{"a": '), /not valid JSON/);
    rejects(craft('[1, 2]'), /expected a JSON object, got an array/);
    rejects(craft('null'), /expected a JSON object, got null/);
    rejects(craft('"x"'), /expected a JSON object/);
  });

  it('refuses a huge header length before reading anything (u64 max, 100 MB bound, maxHeaderBytes)', () => {
    rejects(craft({}, [], 0xffffffffffffffffn), /larger than the limit of 100000000 bytes/);
    rejects(craft({}, [], 100_000_001), /larger than the limit/);
    rejects(craft({ x: 1 }), /larger than the limit of 4 bytes/, { maxHeaderBytes: 4 });
  });

  it('refuses offsets out of range, reversed, overlapping, with gaps or trailing bytes', () => {
    const data = new Array(32).fill(0);
    rejects(
      craft({ a: f64(0, 40, [5]) }, data),
      /tensor 'a': data_offsets: \[0, 40\] ends past the data section \(32 bytes\)/,
    );
    rejects(craft({ a: f64(16, 8, [1]) }, data), /tensor 'a': data_offsets: end 8 is before begin 16/);
    rejects(
      craft({ a: f64(0, 16), b: f64(8, 24), c: f64(24, 32) }, data),
      /tensor 'b': data_offsets \[8, 24\] overlap tensor 'a'/,
    );
    rejects(craft({ a: f64(0, 8), b: f64(16, 32) }, data), /tensor 'b': .*gap of 8 bytes after tensor 'a'/);
    rejects(craft({ a: f64(8, 32) }, data), /gap of 8 bytes after the start of the data section/);
    rejects(craft({ a: f64(0, 24) }, data), /cover 24 bytes of the 32-byte data section/);
    rejects(craft({}, [1, 2, 3]), /cover 0 bytes of the 3-byte data section/);
    rejects(
      craft({ a: f64(-8, 8, [2]) }, data),
      /data_offsets begin: expected an integer >= 0, got number -8/,
    );
    rejects(craft({ a: f64(0, 2 ** 60, [1]) }, data), /data_offsets end: expected an integer >= 0/);
    rejects(
      craft({ a: { dtype: 'F64', shape: [1], data_offsets: [0] } }, data),
      /data_offsets: expected \[begin, end\]/,
    );
    rejects(
      craft({ a: { dtype: 'F64', shape: [1], data_offsets: '0,8' } }, data),
      /data_offsets: expected \[begin, end\]/,
    );
  });

  it('refuses a dtype, shape or byte length that do not agree', () => {
    const data = new Array(16).fill(0);
    rejects(craft({ a: { ...f64(0, 16), dtype: 'F128' } }, data), /tensor 'a': dtype: 'F128' is unknown/);
    rejects(
      craft({ a: { ...f64(0, 16), dtype: 'F16' } }, data),
      /'F16' is a safetensors dtype scratchnet does not support/,
    );
    rejects(craft({ a: { ...f64(0, 16), dtype: 3 } }, data), /tensor 'a': dtype: expected a string/);
    rejects(craft({ a: f64(0, 16, [3]) }, data), /holds 16 bytes, but shape \(3,\) of F64 needs 24/);
    rejects(craft({ a: f64(0, 16, [-2]) }, data), /shape\[0\]: expected an integer >= 0, got number -2/);
    rejects(craft({ a: f64(0, 16, [1.5]) }, data), /shape\[0\]: expected an integer >= 0/);
    rejects(
      craft({ a: f64(0, 16, ['2']) }, data),
      /shape\[0\]: expected an integer >= 0, got the string "2"/,
    );
    rejects(craft({ a: f64(0, 16, 2) }, data), /shape: expected an array/);
    rejects(craft({ a: f64(0, 16, [2 ** 40, 2 ** 40, 2 ** 40]) }, data), /needs more than 16/);
    rejects(craft({ a: { ...f64(0, 16), extra: 1 } }, data), /tensor 'a': unknown field 'extra'/);
    rejects(craft({ a: [1, 2] }, data), /tensor 'a': expected an object/);
    rejects(craft({ a: { dtype: 'BOOL', shape: [2], data_offsets: [0, 2] } }, [1, 2]), /BOOL element 1 is 2/);
  });

  it('refuses __proto__ keys anywhere, and metadata that is not a map of strings', () => {
    const data = new Array(8).fill(0);
    rejects(craft(`{"__proto__": ${JSON.stringify(f64(0, 8))}}`, data), /'__proto__' is not allowed/);
    rejects(craft(`{"__metadata__": {"__proto__": "x"}}`), /'__proto__' is not allowed/);
    rejects(
      craft(`{"a": {"__proto__": {}, "dtype": "F64", "shape": [1], "data_offsets": [0, 8]}}`, data),
      /'__proto__'/,
    );
    rejects(craft({ __metadata__: { a: 1 } }), /__metadata__ 'a': expected a string, got number 1/);
    rejects(craft({ __metadata__: { a: null } }), /__metadata__ 'a': expected a string, got null/);
    rejects(craft({ __metadata__: ['x'] }), /__metadata__: expected an object of strings/);
    rejects(craft({ __metadata__: 'x' }), /__metadata__: expected an object of strings/);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });
});

describe('fuzzing', () => {
  it('random byte changes give a valid result or a SafetensorsError, never anything else', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        (edits) => {
          const bytes = good.slice();
          for (const [i, v] of edits) bytes[i] = v;
          const e = tryDecode(bytes);
          if (e) expect(e.message).toMatch(/^safetensors: /);
        },
      ),
      { numRuns: 3000, seed: 42 },
    );
  });

  it('random slices, insertions and deletions are handled', () => {
    fc.assert(
      fc.property(fc.nat(good.length), fc.nat(good.length), fc.uint8Array({ maxLength: 16 }), (a, b, ins) => {
        const [lo, hi] = a < b ? [a, b] : [b, a];
        const bytes = new Uint8Array([...good.subarray(0, lo), ...ins, ...good.subarray(hi)]);
        tryDecode(bytes);
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  it('arbitrary JSON headers over arbitrary data never escape as another error', () => {
    const info = fc.record(
      {
        dtype: fc.oneof(fc.constantFrom('F64', 'F32', 'I32', 'U8', 'BOOL', 'F16', 'X'), fc.anything()),
        shape: fc.oneof(fc.array(fc.integer({ min: -2, max: 6 }), { maxLength: 4 }), fc.anything()),
        data_offsets: fc.oneof(
          fc.tuple(fc.integer({ min: -1, max: 70 }), fc.integer({ min: -1, max: 70 })),
          fc.anything(),
        ),
      },
      { requiredKeys: [] },
    );
    const header = fc.dictionary(
      fc.oneof(fc.string(), fc.constant('__metadata__')),
      fc.oneof(info, fc.anything()),
    );
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 64 }), (h, data) => {
        tryDecode(craft(h, data));
      }),
      { numRuns: 3000, seed: 1 },
    );
  });

  it('valid random files round-trip', () => {
    const dtypes = ['float64', 'float32', 'int32', 'uint8', 'bool'] as const;
    const entry = fc.record({
      dtype: fc.constantFrom(...dtypes),
      shape: fc.array(fc.nat(3), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), entry, { maxKeys: 5 }), (spec) => {
        const tensors: Record<string, ReturnType<typeof tensor>> = {};
        for (const [name, { dtype, shape }] of Object.entries(spec)) {
          if (name === '__metadata__' || name === '__proto__') continue;
          const n = shape.reduce((a, d) => a * d, 1);
          tensors[name] = tensor(Array.from({ length: n }, (_, i) => (i * 37) % 2))
            .reshape(shape)
            .astype(dtype);
        }
        const back = decodeSafetensors(encodeSafetensors(tensors)).tensors;
        expect(Object.keys(back).sort()).toEqual(Object.keys(tensors).sort());
        for (const [k, t] of Object.entries(tensors)) expect(back[k].toArray()).toEqual(t.toArray());
      }),
      { numRuns: 300, seed: 3 },
    );
  });
});
