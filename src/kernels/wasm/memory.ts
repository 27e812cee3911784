/**
 * The WASM backend's memory: one WebAssembly.Memory with a {@link WasmHeap}, resident arrays
 * (typed-array views into it, handed to users by `alloc`), and the per-call staging of arguments
 * that are not resident (copied into a reusable scratch block before the call, and outputs copied
 * back after it).
 *
 * With shared memory, growing never detaches: every SharedArrayBuffer that `memory.buffer` ever
 * returned aliases the same bytes from offset 0, so a view's `byteOffset` is its address and old
 * views stay valid. Without shared memory (browsers without cross-origin isolation) growing would
 * detach views, so `alloc` then returns ordinary arrays and every call copies.
 * @module
 */
import type { FloatArray, KernelDType } from '../types.js';
import { ALIGN, WasmHeap } from './heap.js';

/** Any array the kernels take. */
export type KernelArray = FloatArray | Int32Array;

const BYTES: Record<KernelDType, number> = { float32: 4, float64: 8, int32: 4 };

/**
 * Creates the memory: shared when asked, with the largest maximum the runtime accepts.
 * @example const { memory, maximumPages } = createMemory(true, 16)
 */
export function createMemory(
  shared: boolean,
  initialPages: number,
): { memory: WebAssembly.Memory; maximumPages: number } {
  let error: unknown = null;
  for (const maximum of [65536, 16384, 4096]) {
    try {
      return {
        memory: new WebAssembly.Memory({ initial: initialPages, maximum, shared }),
        maximumPages: maximum,
      };
    } catch (e) {
      error = e;
    }
  }
  throw error;
}

/**
 * Memory, heap, resident arrays and argument staging of one WASM backend instance.
 * @example
 * const mem = new KernelMemory(createMemory(true, 16).memory, 4096, 65536, true);
 * const x = mem.alloc('float32', 100); // resident Float32Array (100,)
 * mem.begin(mem.bytes(y, 100)); const py = mem.output(y, 100, false); ...; mem.end();
 */
export class KernelMemory {
  readonly memory: WebAssembly.Memory;
  readonly heap: WasmHeap;
  /** Whether the memory is shared (resident arrays possible). */
  readonly shared: boolean;
  private buffers = new WeakSet<ArrayBufferLike>();
  private current: ArrayBufferLike;
  private u8!: Uint8Array;
  private f32!: Float32Array;
  private f64!: Float64Array;
  private i32!: Int32Array;
  private scratch = 0;
  private scratchSize = 0;
  private top = 0;
  private pending: { array: KernelArray; ptr: number; count: number }[] = [];
  private readonly registry = new FinalizationRegistry<number>((ptr) => {
    if (this.heap.owns(ptr)) this.heap.free(ptr);
  });

  constructor(memory: WebAssembly.Memory, base: number, maximumPages: number, shared: boolean) {
    this.memory = memory;
    this.shared = shared;
    this.heap = new WasmHeap(memory, base, maximumPages);
    this.current = memory.buffer;
    this.refresh();
  }

  /** Re-derives the typed views after the memory grew (a new buffer object). */
  private refresh(): void {
    const buf = this.memory.buffer;
    if (buf === this.current && this.u8 !== undefined) return;
    this.current = buf;
    if (this.shared) this.buffers.add(buf);
    this.u8 = new Uint8Array(buf);
    this.f32 = new Float32Array(buf);
    this.f64 = new Float64Array(buf);
    this.i32 = new Int32Array(buf);
  }

  /**
   * A zero-filled resident array of `length` elements (an ordinary array if the memory is not shared).
   * @example mem.alloc('float64', 10) // Float64Array (10,)
   */
  alloc(dtype: KernelDType, length: number): KernelArray {
    if (!Number.isInteger(length) || length < 0)
      throw new RangeError(`alloc: length: expected an integer >= 0, got ${length}`);
    const Ctor =
      dtype === 'float32'
        ? Float32Array
        : dtype === 'float64'
          ? Float64Array
          : dtype === 'int32'
            ? Int32Array
            : null;
    if (Ctor === null)
      throw new TypeError(`alloc: dtype: expected 'float32', 'float64' or 'int32', got ${String(dtype)}`);
    if (!this.shared) return new Ctor(length);
    const ptr = this.heap.alloc(length * BYTES[dtype]);
    this.refresh();
    const array = new Ctor(this.current as ArrayBuffer, ptr, length);
    array.fill(0);
    this.registry.register(array, ptr, array);
    return array;
  }

  /**
   * Frees an array that {@link alloc} returned (a no-op for any other array, or the second time).
   * @example mem.free(x)
   */
  free(array: KernelArray): void {
    if (!this.isResident(array)) return;
    if (this.registry.unregister(array) && this.heap.owns(array.byteOffset)) this.heap.free(array.byteOffset);
  }

  /** Whether `array` lives in this memory (its byteOffset is then its address). */
  isResident(array: KernelArray): boolean {
    return this.shared && this.buffers.has(array.buffer);
  }

  /** Allocates `bytes` of memory the caller manages (e.g. the GEMM workspace). */
  allocBlock(bytes: number): number {
    const ptr = this.heap.alloc(bytes);
    this.refresh();
    return ptr;
  }

  /** Scratch bytes that staging `count` elements of `array` needs (0 if resident). */
  bytes(array: KernelArray, count: number): number {
    return this.isResident(array) ? 0 : Math.ceil((count * array.BYTES_PER_ELEMENT) / ALIGN) * ALIGN;
  }

  /** Starts a call whose staged arguments need `bytes` of scratch in total (see {@link bytes}). */
  begin(bytes: number): void {
    if (bytes > this.scratchSize) {
      if (this.scratchSize > 0) this.heap.free(this.scratch);
      this.scratchSize = Math.max(bytes, 2 * this.scratchSize, 1 << 16);
      this.scratch = this.heap.alloc(this.scratchSize);
    }
    this.refresh();
    this.top = this.scratch;
    this.pending.length = 0;
  }

  /** Address of an input: its own if resident, else a scratch copy of its first `count` elements. */
  input(array: KernelArray, count: number): number {
    if (this.isResident(array)) return array.byteOffset;
    const ptr = this.top;
    this.top += this.bytes(array, count);
    const src = array.length === count ? array : array.subarray(0, count);
    if (array instanceof Float64Array) this.f64.set(src, ptr >> 3);
    else if (array instanceof Float32Array) this.f32.set(src, ptr >> 2);
    else this.i32.set(src, ptr >> 2);
    return ptr;
  }

  /**
   * Address of an output: its own if resident, else scratch that {@link end} copies back into the
   * first `count` elements (after copying them in first if `read`, for in-out arguments).
   */
  output(array: KernelArray, count: number, read: boolean): number {
    if (this.isResident(array)) return array.byteOffset;
    const ptr = read ? this.input(array, count) : this.top;
    if (!read) this.top += this.bytes(array, count);
    this.pending.push({ array, ptr, count });
    return ptr;
  }

  /** Ends a call: copies staged outputs back. */
  end(): void {
    for (const { array, ptr, count } of this.pending) {
      const bpe = array.BYTES_PER_ELEMENT;
      const view =
        array instanceof Float64Array ? this.f64 : array instanceof Float32Array ? this.f32 : this.i32;
      array.set(view.subarray(ptr / bpe, ptr / bpe + count));
    }
    this.pending.length = 0;
  }

  /** Bytes of the memory (for tests and diagnostics). */
  get byteLength(): number {
    return this.u8.byteLength;
  }
}
