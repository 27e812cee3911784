/**
 * The IDX file format of MNIST (and Fashion-MNIST, EMNIST, ...), browser-safe: `readIdx` parses the
 * bytes of an uncompressed IDX file into a Tensor and `writeIdx` produces them.
 *
 * Layout (all integers big-endian), as documented with the MNIST files:
 * ```
 * offset 0  2 bytes  magic: 0x00 0x00
 * offset 2  1 byte   type:  0x08 ubyte, 0x09 byte, 0x0B short, 0x0C int, 0x0D float, 0x0E double
 * offset 3  1 byte   ndim
 * offset 4  4 bytes  per dimension: its length (uint32)
 * then      the elements in C order, each big-endian
 * ```
 * Gzip-compressed files (`*.gz`, first bytes `1f 8b`) cannot be read here without a decompressor;
 * `readIdx` says so, and Node's `readIdxFile(path)` (from `scratchnet/node`) decompresses them.
 *
 * @module
 */
import { Tensor } from '../tensor/tensor.js';

/** The element types of IDX, by the name used in the format's documentation. */
export type IdxType = 'ubyte' | 'byte' | 'short' | 'int' | 'float' | 'double';

interface IdxTypeInfo {
  name: IdxType;
  code: number;
  bytes: number;
  dtype: 'uint8' | 'int32' | 'float32' | 'float64';
}

const TYPES: readonly IdxTypeInfo[] = [
  { name: 'ubyte', code: 0x08, bytes: 1, dtype: 'uint8' },
  { name: 'byte', code: 0x09, bytes: 1, dtype: 'int32' },
  { name: 'short', code: 0x0b, bytes: 2, dtype: 'int32' },
  { name: 'int', code: 0x0c, bytes: 4, dtype: 'int32' },
  { name: 'float', code: 0x0d, bytes: 4, dtype: 'float32' },
  { name: 'double', code: 0x0e, bytes: 8, dtype: 'float64' },
];

/** The largest number of dimensions `readIdx` accepts (real files have 1 to 4). */
export const IDX_MAX_NDIM = 16;

const hex = (v: number, width = 2): string => `0x${v.toString(16).padStart(width, '0')}`;
const typeList = TYPES.map((t) => `${hex(t.code)} (${t.name})`).join(', ');

/**
 * A damaged or unsupported IDX file. `field` names the part of the file that is wrong (`'header'`,
 * `'magic'`, `'type'`, `'ndim'`, `'data'`, `'gzip'`), `expected` and `actual` say how.
 */
export class IdxFormatError extends Error {
  readonly field: string;
  readonly expected: string;
  readonly actual: string;

  constructor(
    field: string,
    expected: string,
    actual: string,
    options?: { cause?: unknown; prefix?: string },
  ) {
    super(`${options?.prefix ?? 'readIdx'}: ${field}: expected ${expected}, got ${actual}`, {
      cause: options?.cause,
    });
    this.name = 'IdxFormatError';
    this.field = field;
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * True if `bytes` starts with the gzip magic number `1f 8b`.
 * @example isGzip(new Uint8Array([0x1f, 0x8b, 8, 0])) // true
 */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The parsed header of an IDX file. */
export interface IdxHeader {
  /** Element type. */
  type: IdxType;
  /** The dtype `readIdx` gives that type. */
  dtype: 'uint8' | 'int32' | 'float32' | 'float64';
  /** Dimensions. */
  shape: number[];
  /** Bytes of the header (4 + 4 * ndim): where the elements start. */
  dataOffset: number;
  /** Bytes of the elements (product of the dimensions times the element size). */
  dataBytes: number;
}

function toBytes(buffer: Uint8Array | ArrayBuffer, fn: string): Uint8Array {
  if (buffer instanceof Uint8Array) return buffer;
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer);
  const what =
    buffer === null
      ? 'null'
      : typeof buffer === 'object'
        ? (buffer as object).constructor?.name
        : typeof buffer;
  throw new TypeError(`${fn}: buffer: expected a Uint8Array or ArrayBuffer, got ${what}`);
}

/**
 * Parses and validates the header of an IDX file, without reading (or allocating for) the elements.
 * Every check happens here, before any allocation, so a hostile header (say, dimensions of 2**32 - 1
 * in a 20-byte file) costs nothing: the element count must match the bytes that follow exactly.
 * @throws IdxFormatError naming the damaged field, what was expected and what was found.
 * @example readIdxHeader(bytes) // { type: 'ubyte', dtype: 'uint8', shape: [60000, 28, 28], dataOffset: 16, ... }
 */
export function readIdxHeader(buffer: Uint8Array | ArrayBuffer): IdxHeader {
  const bytes = toBytes(buffer, 'readIdxHeader');
  const n = bytes.length;
  if (isGzip(bytes)) {
    throw new IdxFormatError(
      'gzip',
      "uncompressed IDX data (decompress it first, or in Node use readIdxFile(path) from 'scratchnet/node', which reads .gz files)",
      'gzip-compressed data (starts with 1f 8b)',
    );
  }
  if (n < 4) {
    throw new IdxFormatError(
      'header',
      'at least 4 bytes (magic, type, ndim)',
      `${n} byte${n === 1 ? '' : 's'} (truncated)`,
    );
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new IdxFormatError('magic', 'bytes 00 00 at offset 0', hex((bytes[0] << 8) | bytes[1], 4));
  }
  const info = TYPES.find((t) => t.code === bytes[2]);
  if (!info) throw new IdxFormatError('type', `one of ${typeList} at offset 2`, hex(bytes[2]));
  const ndim = bytes[3];
  if (ndim < 1 || ndim > IDX_MAX_NDIM) {
    throw new IdxFormatError('ndim', `1 to ${IDX_MAX_NDIM} at offset 3`, String(ndim));
  }
  const dataOffset = 4 + 4 * ndim;
  if (n < dataOffset) {
    throw new IdxFormatError(
      'header',
      `${dataOffset} bytes for ${ndim} dimension${ndim === 1 ? '' : 's'} (4 + 4 * ${ndim})`,
      `${n} bytes (truncated)`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  // A float product cannot overflow to Infinity here ((2**32)**16 = 2**512) and is only compared.
  let count = 1;
  for (let i = 0; i < ndim; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    shape.push(d);
    count *= d;
  }
  const dataBytes = count * info.bytes;
  const available = n - dataOffset;
  if (dataBytes !== available) {
    const dims = `(${shape.join(', ')})`;
    const what = dataBytes > available ? 'truncated data' : 'trailing bytes after the data';
    throw new IdxFormatError(
      'data',
      `${dims} x ${info.bytes} byte${info.bytes === 1 ? '' : 's'} (${info.name}) = ${dataBytes} bytes after the ${dataOffset}-byte header`,
      `${available} bytes (${what})`,
    );
  }
  return { type: info.name, dtype: info.dtype, shape, dataOffset, dataBytes };
}

/**
 * Parses an uncompressed IDX file into a new Tensor (a copy; the buffer is not kept):
 * `ubyte` gives uint8, `byte`, `short` and `int` give int32, `float` float32 and `double` float64.
 * The header is validated completely before anything is allocated (see `readIdxHeader`).
 * Gzip data is refused with an error that points to Node's `readIdxFile`.
 * @throws IdxFormatError naming the damaged field, what was expected and what was found.
 * @example
 * const images = readIdx(bytes); // (60000, 28, 28) uint8 for train-images-idx3-ubyte
 */
export function readIdx(buffer: Uint8Array | ArrayBuffer): Tensor {
  const bytes = toBytes(buffer, 'readIdx');
  const h = readIdxHeader(bytes);
  const count = h.dataBytes / (TYPES.find((t) => t.name === h.type) as IdxTypeInfo).bytes;
  const start = h.dataOffset;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (h.type) {
    case 'ubyte': {
      const out = new Uint8Array(count);
      out.set(bytes.subarray(start, start + count));
      return new Tensor(out, h.shape, { dtype: 'uint8' });
    }
    case 'byte': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt8(start + i);
      return new Tensor(out, h.shape, { dtype: 'int32' });
    }
    case 'short': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(start + 2 * i, false);
      return new Tensor(out, h.shape, { dtype: 'int32' });
    }
    case 'int': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(start + 4 * i, false);
      return new Tensor(out, h.shape, { dtype: 'int32' });
    }
    case 'float': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(start + 4 * i, false);
      return new Tensor(out, h.shape, { dtype: 'float32' });
    }
    case 'double': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(start + 8 * i, false);
      return new Tensor(out, h.shape, { dtype: 'float64' });
    }
  }
}

const DEFAULT_TYPE: Record<Tensor['dtype'], IdxType> = {
  uint8: 'ubyte',
  bool: 'ubyte',
  int32: 'int',
  float32: 'float',
  float64: 'double',
};

const INT_RANGE: Partial<Record<IdxType, [number, number]>> = {
  ubyte: [0, 255],
  byte: [-128, 127],
  short: [-32768, 32767],
  int: [-2147483648, 2147483647],
};

/**
 * Encodes a tensor as an uncompressed IDX file (the inverse of `readIdx`). The element type follows
 * the dtype (uint8 and bool: ubyte, int32: int, float32: float, float64: double) unless `type` is
 * given; integer values must fit the chosen type and be integers, else it throws (no silent wrap).
 * @example writeIdx(tensor([1, 2, 3], { dtype: 'uint8' })) // Uint8Array [0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3]
 */
export function writeIdx(x: Tensor, options: { type?: IdxType } = {}): Uint8Array {
  const type = options.type ?? DEFAULT_TYPE[x.dtype];
  const info = TYPES.find((t) => t.name === type);
  if (!info)
    throw new TypeError(
      `writeIdx: type: expected one of ${TYPES.map((t) => `'${t.name}'`).join(', ')}, got ${String(type)}`,
    );
  if (x.ndim < 1 || x.ndim > IDX_MAX_NDIM) {
    throw new RangeError(`writeIdx: x: expected 1 to ${IDX_MAX_NDIM} dimensions, got ${x.ndim}`);
  }
  for (const d of x.shape) {
    if (d > 0xffffffff) throw new RangeError(`writeIdx: x: dimension ${d} does not fit in 32 bits`);
  }
  const src = x.isContiguous ? x : x.copy();
  const count = src.size;
  const values = src.data.subarray(src.offset, src.offset + count);
  const header = 4 + 4 * x.ndim;
  const out = new Uint8Array(header + count * info.bytes);
  const view = new DataView(out.buffer);
  out[2] = info.code;
  out[3] = x.ndim;
  for (let i = 0; i < x.ndim; i++) view.setUint32(4 + 4 * i, x.shape[i], false);
  const range = INT_RANGE[type];
  if (type === 'ubyte' && (x.dtype === 'uint8' || x.dtype === 'bool')) {
    out.set(values, header);
    return out;
  }
  for (let i = 0; i < count; i++) {
    const v = values[i];
    if (range && !(Number.isInteger(v) && v >= range[0] && v <= range[1])) {
      throw new RangeError(
        `writeIdx: element ${i} is ${v}, which IDX type '${type}' cannot hold (integers ${range[0]}..${range[1]})`,
      );
    }
    const p = header + i * info.bytes;
    switch (type) {
      case 'ubyte':
        out[p] = v;
        break;
      case 'byte':
        view.setInt8(p, v);
        break;
      case 'short':
        view.setInt16(p, v, false);
        break;
      case 'int':
        view.setInt32(p, v, false);
        break;
      case 'float':
        view.setFloat32(p, v, false);
        break;
      case 'double':
        view.setFloat64(p, v, false);
        break;
    }
  }
  return out;
}
