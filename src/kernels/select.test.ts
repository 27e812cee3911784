import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { refKernels } from './ref/index.js';
import {
  getBackend,
  getBackendChoice,
  getKernels,
  getThreads,
  initWasm,
  setBackend,
  setThreads,
  wasmUnavailableReason,
} from './select.js';
import type { WasmKernels } from './wasm/kernels.js';

afterEach(() => {
  setBackend('auto');
});

describe('choosing the kernels', () => {
  it("is 'auto' by default, which is WASM on Node", () => {
    expect(getBackendChoice()).toBe('auto');
    expect(getBackend()).toBe('wasm');
    expect(wasmUnavailableReason()).toBeNull();
  });

  it('can be forced to ref and back, and each call of getKernels sees the choice', () => {
    expect(setBackend('ref')).toBe(refKernels);
    expect(getKernels()).toBe(refKernels);
    expect(getBackend()).toBe('ref');
    expect(setBackend('wasm').name).toBe('wasm');
    expect(getKernels().name).toBe('wasm');
  });

  it('keeps one WASM instance, so resident arrays stay resident', () => {
    const k = setBackend('wasm');
    const x = k.alloc('float32', 8);
    setBackend('ref');
    expect(setBackend('wasm')).toBe(k);
    expect(k.isResident(x)).toBe(true);
  });

  it('rejects unknown names', () => {
    expect(() => setBackend('gpu' as 'ref')).toThrow("setBackend: expected 'ref', 'wasm' or 'auto', got gpu");
  });

  it('initWasm resolves to true where WASM is available', async () => {
    await expect(initWasm()).resolves.toBe(true);
    expect(getBackend()).toBe('wasm');
  });

  it("setThreads sets the shared instance's threads; getThreads reports them (1 with ref)", () => {
    const k = setBackend('wasm') as WasmKernels;
    expect(setThreads(1)).toBe(1);
    expect(k.threads).toBe(1);
    const auto = setThreads('auto');
    expect(auto).toBe(k.threadInfo.unavailable === null ? Math.min(2, availableParallelism()) : 1);
    expect(getThreads()).toBe(auto);
    setBackend('ref');
    expect(getThreads()).toBe(1);
    setBackend('auto');
    expect(() => setThreads(0)).toThrow("setThreads: expected an integer >= 1 or 'auto', got 0");
    expect(() => setThreads(1.5)).toThrow('setThreads: expected an integer >= 1');
  });
});
