/**
 * A small allocator over a WebAssembly.Memory, managed from JavaScript (the kernels module never
 * allocates): first fit over an address-ordered free list, blocks aligned to 64 bytes (a cache line),
 * neighbours coalesced on free, the memory grown (by at least a quarter) when nothing fits.
 * @module
 */

/** Alignment of every block, in bytes. */
export const ALIGN = 64;
const PAGE = 65536;

const alignUp = (x: number): number => Math.ceil(x / ALIGN) * ALIGN;

/** A free range [ptr, ptr + size). */
interface Range {
  ptr: number;
  size: number;
}

/**
 * Allocates byte ranges of a WebAssembly memory.
 * @example
 * const heap = new WasmHeap(new WebAssembly.Memory({ initial: 1, maximum: 1024 }), 4096);
 * const p = heap.alloc(1000); // a 64-byte aligned offset >= 4096
 * heap.free(p);
 */
export class WasmHeap {
  /** The memory the blocks live in. */
  readonly memory: WebAssembly.Memory;
  /** Largest size the memory may grow to, in pages. */
  readonly maximumPages: number;
  private readonly free_: Range[] = [];
  private readonly used_ = new Map<number, number>();
  private end: number;

  /**
   * @param memory the memory to allocate from
   * @param base first byte the heap may use (bytes below it belong to the module's static data)
   * @param maximumPages the memory's maximum, in 64 KiB pages
   */
  constructor(memory: WebAssembly.Memory, base: number, maximumPages = 65536) {
    this.memory = memory;
    this.maximumPages = maximumPages;
    const start = alignUp(base);
    this.end = memory.buffer.byteLength;
    if (this.end > start) this.free_.push({ ptr: start, size: this.end - start });
    else this.end = start;
  }

  /** Bytes in allocated blocks. */
  get allocatedBytes(): number {
    let s = 0;
    for (const size of this.used_.values()) s += size;
    return s;
  }

  /** Number of allocated blocks. */
  get blockCount(): number {
    return this.used_.size;
  }

  /**
   * Allocates `bytes` (rounded up to 64) and returns the block's byte offset. Throws a RangeError
   * when the memory cannot grow enough.
   * @example heap.alloc(4 * 784 * 50) // offset of room for a (784, 50) float32 matrix
   */
  alloc(bytes: number): number {
    if (!Number.isInteger(bytes) || bytes < 0)
      throw new RangeError(`WasmHeap.alloc: bytes: expected an integer >= 0, got ${bytes}`);
    const size = alignUp(Math.max(bytes, 1));
    let i = this.free_.findIndex((r) => r.size >= size);
    if (i < 0) {
      this.grow(size);
      i = this.free_.findIndex((r) => r.size >= size);
    }
    const r = this.free_[i];
    const ptr = r.ptr;
    if (r.size === size) this.free_.splice(i, 1);
    else {
      r.ptr += size;
      r.size -= size;
    }
    this.used_.set(ptr, size);
    return ptr;
  }

  /**
   * Returns a block to the heap. Throws for an offset that is not an allocated block.
   * @example heap.free(p)
   */
  free(ptr: number): void {
    const size = this.used_.get(ptr);
    if (size === undefined) throw new RangeError(`WasmHeap.free: ${ptr} is not an allocated block`);
    this.used_.delete(ptr);
    this.release(ptr, size);
  }

  /** True if `ptr` is the start of an allocated block. */
  owns(ptr: number): boolean {
    return this.used_.has(ptr);
  }

  /** Size in bytes of the allocated block at `ptr` (0 if none). */
  sizeOf(ptr: number): number {
    return this.used_.get(ptr) ?? 0;
  }

  /** Inserts a free range in address order, merging with its neighbours. */
  private release(ptr: number, size: number): void {
    const list = this.free_;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].ptr < ptr) lo = mid + 1;
      else hi = mid;
    }
    const prev = list[lo - 1];
    const next = list[lo];
    if (prev && prev.ptr + prev.size === ptr) {
      prev.size += size;
      if (next && prev.ptr + prev.size === next.ptr) {
        prev.size += next.size;
        list.splice(lo, 1);
      }
    } else if (next && ptr + size === next.ptr) {
      next.ptr = ptr;
      next.size += size;
    } else {
      list.splice(lo, 0, { ptr, size });
    }
  }

  /** Grows the memory so that a block of `size` bytes fits at its end. */
  private grow(size: number): void {
    const last = this.free_[this.free_.length - 1];
    const tailFree = last && last.ptr + last.size === this.end ? last.size : 0;
    const oldPages = this.memory.buffer.byteLength / PAGE;
    const neededPages = Math.ceil((this.end + size - tailFree) / PAGE) - oldPages;
    const pages = Math.min(Math.max(neededPages, Math.ceil(oldPages / 4)), this.maximumPages - oldPages);
    if (pages < neededPages) {
      throw new RangeError(
        `WasmHeap: cannot allocate ${size} bytes: the WebAssembly memory would exceed its maximum of ${this.maximumPages} pages (${this.maximumPages / 16} MiB)`,
      );
    }
    this.memory.grow(pages);
    const newEnd = (oldPages + pages) * PAGE;
    this.release(this.end, newEnd - this.end);
    this.end = newEnd;
  }
}
