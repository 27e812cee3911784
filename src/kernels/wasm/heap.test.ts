import { describe, expect, it } from 'vitest';
import { ALIGN, WasmHeap } from './heap.js';
import { KernelMemory } from './memory.js';

describe('WasmHeap', () => {
  it('allocates aligned, disjoint blocks above the base and reuses freed ones', () => {
    const heap = new WasmHeap(new WebAssembly.Memory({ initial: 1, maximum: 64 }), 3000, 64);
    const a = heap.alloc(100);
    const b = heap.alloc(1);
    expect(a).toBeGreaterThanOrEqual(3000);
    expect(a % ALIGN).toBe(0);
    expect(b).toBeGreaterThanOrEqual(a + 100);
    heap.free(a);
    expect(heap.alloc(64)).toBe(a);
    expect(heap.blockCount).toBe(2);
  });

  it('coalesces neighbours so a large block fits again after frees', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 64 });
    const heap = new WasmHeap(memory, 0, 64);
    const blocks = Array.from({ length: 8 }, () => heap.alloc(4096));
    for (const p of [blocks[1], blocks[3], blocks[2]]) heap.free(p);
    expect(heap.alloc(3 * 4096)).toBe(blocks[1]);
    expect(memory.buffer.byteLength).toBe(65536);
  });

  it('grows the memory when nothing fits, and fails clearly at the maximum', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 });
    const heap = new WasmHeap(memory, 1024, 4);
    heap.alloc(100_000);
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(1024 + 100_000);
    expect(() => heap.alloc(300_000)).toThrow('would exceed its maximum of 4 pages');
    expect(() => heap.free(12)).toThrow('12 is not an allocated block');
  });
});

describe('KernelMemory', () => {
  it('keeps resident arrays valid and resident while the shared memory grows', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1024, shared: true });
    const mem = new KernelMemory(memory, 1024, 1024, true);
    const x = mem.alloc('float32', 10) as Float32Array;
    x.set([1, 2, 3]);
    mem.alloc('float64', 1_000_000); // grows the memory: a new buffer object
    expect(memory.buffer.byteLength).toBeGreaterThan(8_000_000);
    expect(Array.from(x.subarray(0, 4))).toEqual([1, 2, 3, 0]);
    expect(mem.isResident(x)).toBe(true);
    mem.free(x);
    mem.free(x); // a second free is a no-op
    expect(mem.isResident(new Float32Array(3))).toBe(false);
  });

  it('hands out ordinary arrays when the memory is not shared', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1024 });
    const mem = new KernelMemory(memory, 1024, 1024, false);
    const x = mem.alloc('int32', 5);
    expect(x).toBeInstanceOf(Int32Array);
    expect(mem.isResident(x)).toBe(false);
  });
});
