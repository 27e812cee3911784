/**
 * The safetensors format (Hugging Face's: what PyTorch and the Hub use for weights), written and
 * read with every rule of the reference implementation checked. Browser-safe: no Node imports.
 *
 * Layout: 8 bytes `N` (little-endian u64), then `N` bytes of UTF-8 JSON (the header, padded with
 * spaces to a multiple of 8 as the reference writer does), then the data section. The header maps
 * each tensor name to `{dtype, shape, data_offsets: [begin, end]}` (offsets relative to the data
 * section) and may hold `__metadata__`, a string-to-string map.
 *
 * Reading is safe on hostile input: the header is only `JSON.parse`d (no code runs, `__proto__`
 * keys are refused), every size is checked against the bytes actually present before anything is
 * allocated, and the tensors must tile the data section exactly (no overlap, no gap, no trailing
 * bytes), as the reference implementation requires. (A key repeated in the header is read as
 * JSON.parse reads it, the last one winning; the hidden entry's bytes then fail the no-gap rule.)
 * @module
 */
import { allocate, type DType } from '../tensor/dtype.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * The reference implementation's bound on the header (`MAX_HEADER_SIZE`, 100 MB).
 * @example decodeSafetensors(bytes, { maxHeaderBytes: SAFETENSORS_MAX_HEADER_BYTES })
 */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;

/** Key of the free-form metadata map in the header. */
const METADATA_KEY = '__metadata__';

/** scratchnet dtype -> safetensors dtype name, and element size in bytes. */
const ST_DTYPES: Record<DType, { name: string; itemsize: number }> = {
  float64: { name: 'F64', itemsize: 8 },
  float32: { name: 'F32', itemsize: 4 },
  int32: { name: 'I32', itemsize: 4 },
  uint8: { name: 'U8', itemsize: 1 },
  bool: { name: 'BOOL', itemsize: 1 },
};
const FROM_ST: Record<string, DType> = {
  F64: 'float64',
  F32: 'float32',
  I32: 'int32',
  U8: 'uint8',
  BOOL: 'bool',
};
/** Valid safetensors dtypes scratchnet has no tensor type for (named in the error). */
const UNSUPPORTED_ST = ['F16', 'BF16', 'I64', 'U64', 'I16', 'U16', 'I8', 'U32', 'F8_E4M3', 'F8_E5M2'];

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A file that is not valid safetensors (or, for the subclass `ModelFileError`, not a valid
 * scratchnet model). The message names the tensor and the field at fault.
 * @example
 * try { decodeSafetensors(bytes); } catch (e) { if (e instanceof SafetensorsError) console.error(e.message); }
 */
export class SafetensorsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SafetensorsError';
  }
}

/**
 * Options of {@link decodeSafetensors}.
 * @example decodeSafetensors(bytes, { maxHeaderBytes: 1 << 20 })
 */
export interface DecodeSafetensorsOptions {
  /** Largest header accepted, in bytes; default {@link SAFETENSORS_MAX_HEADER_BYTES} (100 MB). */
  maxHeaderBytes?: number;
}

/**
 * What {@link decodeSafetensors} returns.
 * @example const { tensors, metadata }: DecodedSafetensors = decodeSafetensors(bytes);
 */
export interface DecodedSafetensors {
  /** The tensors, in the order of their bytes in the file; each owns fresh memory. */
  tensors: Record<string, Tensor>;
  /** The `__metadata__` map (empty when the file has none). */
  metadata: Record<string, string>;
}

function fail(message: string): never {
  throw new SafetensorsError(`safetensors: ${message}`);
}

/** Rejects names that would touch an object's prototype when used as keys. */
function checkKey(where: string, key: string): void {
  if (key === '__proto__') fail(`${where}: the key '__proto__' is not allowed`);
}

/** The bytes of `t`'s elements, C order, little-endian (a view when `t` is contiguous on an LE host). */
function tensorBytes(t: Tensor): Uint8Array {
  const c = t.isContiguous && t.offset === 0 && t.data.length === t.size ? t : t.copy();
  const size = ST_DTYPES[c.dtype].itemsize;
  const raw = new Uint8Array(c.data.buffer, c.data.byteOffset, c.size * size);
  if (LITTLE_ENDIAN || size === 1) return raw;
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i += size)
    for (let k = 0; k < size; k++) out[i + k] = raw[i + size - 1 - k];
  return out;
}

/**
 * Encodes tensors (and an optional string-to-string metadata map) as a safetensors file: the
 * header lists `__metadata__` first, then the tensors in key order, whose bytes follow contiguously
 * in the same order, little-endian. Views are written as their elements in C order.
 * @param tensors name -> tensor (any of the five dtypes, any shape, 0-d and empty included)
 * @param metadata optional `__metadata__`; keys and values must be strings
 * @returns the file's bytes
 * @throws SafetensorsError for a metadata value that is not a string, or a reserved name
 * @example
 * const bytes = encodeSafetensors({ W1: tensor([[1, 2], [3, 4]]) }, { format: 'scratchnet' });
 * decodeSafetensors(bytes).tensors.W1.toArray(); // [[1, 2], [3, 4]]
 */
export function encodeSafetensors(
  tensors: Record<string, Tensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  const entries: string[] = [];
  if (metadata !== undefined) {
    if (metadata === null || typeof metadata !== 'object') fail('metadata: expected an object of strings');
    for (const [k, v] of Object.entries(metadata)) {
      checkKey('metadata', k);
      if (typeof v !== 'string') fail(`metadata '${k}': expected a string, got ${typeof v}`);
    }
    if (Object.keys(metadata).length > 0) {
      entries.push(`${JSON.stringify(METADATA_KEY)}:${JSON.stringify({ ...metadata })}`);
    }
  }
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    checkKey('tensor name', name);
    if (name === METADATA_KEY) fail(`tensor name '${METADATA_KEY}' is reserved for the metadata`);
    if (!(t instanceof Tensor)) fail(`tensor '${name}': expected a Tensor, got ${typeof t}`);
    const bytes = tensorBytes(t);
    const info = {
      dtype: ST_DTYPES[t.dtype].name,
      shape: [...t.shape],
      data_offsets: [offset, offset + bytes.length],
    };
    entries.push(`${JSON.stringify(name)}:${JSON.stringify(info)}`);
    chunks.push(bytes);
    offset += bytes.length;
  }
  const json = new TextEncoder().encode(`{${entries.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength, true);
  view.setUint32(4, Math.floor(headerLength / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let pos = 8 + headerLength;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}

/** One header entry after validation. */
interface Entry {
  name: string;
  dtype: DType;
  shape: number[];
  begin: number;
  end: number;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  return typeof v === 'string' ? `the string ${JSON.stringify(v.slice(0, 40))}` : `${typeof v} ${String(v)}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Reads and checks one tensor's header entry against the data section length. */
function readEntry(name: string, info: unknown, dataLength: number): Entry {
  const where = `tensor '${name}'`;
  if (!isPlainObject(info))
    fail(`${where}: expected an object {dtype, shape, data_offsets}, got ${describe(info)}`);
  for (const k of Object.keys(info)) {
    checkKey(where, k);
    if (k !== 'dtype' && k !== 'shape' && k !== 'data_offsets') {
      fail(`${where}: unknown field '${k}' (expected dtype, shape, data_offsets)`);
    }
  }
  const st = info.dtype;
  if (typeof st !== 'string') fail(`${where}: dtype: expected a string, got ${describe(st)}`);
  if (!Object.hasOwn(FROM_ST, st)) {
    const why = UNSUPPORTED_ST.includes(st)
      ? 'is a safetensors dtype scratchnet does not support'
      : 'is unknown';
    fail(`${where}: dtype: '${st.slice(0, 40)}' ${why} (supported: ${Object.keys(FROM_ST).join(', ')})`);
  }
  const dtype = FROM_ST[st];
  const shape = info.shape;
  if (!Array.isArray(shape))
    fail(`${where}: shape: expected an array of integers >= 0, got ${describe(shape)}`);
  let count = 1;
  shape.forEach((d, i) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      fail(`${where}: shape[${i}]: expected an integer >= 0, got ${describe(d)}`);
    }
    // Any count above the data section cannot match its byte length; stop growing it (no overflow).
    count = Math.min(count * d, dataLength + 1);
  });
  const offsets = info.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2) {
    fail(`${where}: data_offsets: expected [begin, end], got ${describe(offsets)}`);
  }
  const [begin, end] = offsets as unknown[];
  for (const [label, v] of [
    ['begin', begin],
    ['end', end],
  ] as const) {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      fail(`${where}: data_offsets ${label}: expected an integer >= 0, got ${describe(v)}`);
    }
  }
  const b = begin as number;
  const e = end as number;
  if (e < b) fail(`${where}: data_offsets: end ${e} is before begin ${b}`);
  if (e > dataLength) {
    fail(`${where}: data_offsets: [${b}, ${e}] ends past the data section (${dataLength} bytes)`);
  }
  const itemsize = ST_DTYPES[dtype].itemsize;
  if (count * itemsize !== e - b) {
    const expected = count > dataLength ? `more than ${dataLength}` : String(count * itemsize);
    fail(
      `${where}: data_offsets: [${b}, ${e}] holds ${e - b} bytes, but shape ${formatShape(shape as number[])} of ${st} needs ${expected}`,
    );
  }
  return { name, dtype, shape: shape as number[], begin: b, end: e };
}

/** Copies an entry's bytes into a new tensor (aligned, native-endian storage). */
function readTensor(entry: Entry, data: Uint8Array): Tensor {
  const count = entry.shape.reduce((a, d) => a * d, 1);
  const out = allocate(entry.dtype, count);
  const bytes = new Uint8Array(out.buffer);
  const src = data.subarray(entry.begin, entry.end);
  const size = ST_DTYPES[entry.dtype].itemsize;
  if (LITTLE_ENDIAN || size === 1) bytes.set(src);
  else
    for (let i = 0; i < src.length; i += size)
      for (let k = 0; k < size; k++) bytes[i + k] = src[i + size - 1 - k];
  if (entry.dtype === 'bool') {
    const i = bytes.findIndex((v) => v > 1);
    if (i >= 0) fail(`tensor '${entry.name}': BOOL element ${i} is ${bytes[i]}, expected 0 or 1`);
  }
  return new Tensor(out, entry.shape, { dtype: entry.dtype });
}

/**
 * Decodes and validates a safetensors file. Checks, in order: at least 8 bytes; the header length
 * (at most `maxHeaderBytes` and at most the bytes that follow); the header is UTF-8 JSON holding an
 * object; `__metadata__`, if present, maps strings to strings; each tensor has a supported dtype
 * (F64, F32, I32, U8, BOOL), a shape of integers >= 0 and `data_offsets` `[begin, end]` inside the
 * data section whose length is `prod(shape) * itemsize`; the tensors tile the data section exactly
 * (sorted by offset, each begins where the previous one ended, the last ends at the end of the
 * file); BOOL elements are 0 or 1. No key may be `__proto__`.
 * @param bytes the whole file
 * @param options `maxHeaderBytes` (default 100 MB)
 * @returns the tensors (fresh memory, in file order) and the metadata
 * @throws SafetensorsError naming the tensor and field at fault
 * @example
 * const { tensors, metadata } = decodeSafetensors(new Uint8Array(await file.arrayBuffer()));
 */
export function decodeSafetensors(
  bytes: Uint8Array,
  options: DecodeSafetensorsOptions = {},
): DecodedSafetensors {
  if (!(bytes instanceof Uint8Array))
    fail(`expected the file's bytes as a Uint8Array, got ${describe(bytes)}`);
  const maxHeader = options.maxHeaderBytes ?? SAFETENSORS_MAX_HEADER_BYTES;
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (n > maxHeader) fail(`header length ${n} is larger than the limit of ${maxHeader} bytes`);
  if (n > bytes.length - 8) {
    fail(
      `header length ${n} is larger than the ${bytes.length - 8} bytes after the length field (truncated file?)`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    fail('header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(header)) fail(`header: expected a JSON object, got ${describe(header)}`);
  const dataLength = bytes.length - 8 - n;
  const data = bytes.subarray(8 + n);
  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [key, value] of Object.entries(header)) {
    checkKey('header', key);
    if (key === METADATA_KEY) {
      if (!isPlainObject(value))
        fail(`${METADATA_KEY}: expected an object of strings, got ${describe(value)}`);
      for (const [mk, mv] of Object.entries(value)) {
        checkKey(METADATA_KEY, mk);
        if (typeof mv !== 'string') fail(`${METADATA_KEY} '${mk}': expected a string, got ${describe(mv)}`);
        metadata[mk] = mv;
      }
    } else {
      entries.push(readEntry(key, value, dataLength));
    }
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expectedBegin = 0;
  let previous: Entry | null = null;
  for (const e of entries) {
    if (e.begin < expectedBegin) {
      fail(
        `tensor '${e.name}': data_offsets [${e.begin}, ${e.end}] overlap tensor '${previous!.name}' [${previous!.begin}, ${previous!.end}]`,
      );
    }
    if (e.begin > expectedBegin) {
      const after = previous === null ? 'the start of the data section' : `tensor '${previous.name}'`;
      fail(
        `tensor '${e.name}': data_offsets begin ${e.begin} leaves a gap of ${e.begin - expectedBegin} bytes after ${after} (tensors must be contiguous)`,
      );
    }
    expectedBegin = e.end;
    previous = e;
  }
  if (expectedBegin !== dataLength) {
    fail(
      `the tensors cover ${expectedBegin} bytes of the ${dataLength}-byte data section (trailing bytes or a missing tensor)`,
    );
  }
  const tensors: Record<string, Tensor> = {};
  for (const e of entries) tensors[e.name] = readTensor(e, data);
  return { tensors, metadata };
}
