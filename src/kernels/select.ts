/**
 * Choosing the kernels: WASM SIMD when the runtime has WebAssembly with SIMD, the TypeScript
 * reference otherwise, or whichever the user forces with {@link setBackend}. This is the one switch;
 * every caller asks {@link getKernels} for the active implementation at the time of the call.
 *
 * In a browser's main thread synchronous compilation of the module may be refused; there, call
 * `await initWasm()` once at start-up (the choice 'auto' then switches to WASM).
 * @module
 */
import { refKernels } from './ref/index.js';
import type { BackendName, Kernels } from './types.js';
import { defaultThreads } from './wasm/gemm-threads.js';
import { WasmKernels } from './wasm/kernels.js';
import { compileModuleAsync, defaultVariant, detectFeatures } from './wasm/module.js';

/** What {@link setBackend} accepts: an implementation, or 'auto' (WASM when available). */
export type BackendChoice = BackendName | 'auto';

let choice: BackendChoice = 'auto';
let active: Kernels | null = null;
let wasm: WasmKernels | null = null;
let wasmError: string | null = null;
/** Threads for large GEMMs set by {@link setThreads}; null: the default. */
let threadChoice: number | null = null;

/** The shared WASM instance, created on first use; throws with the reason when unavailable. */
function loadWasm(): WasmKernels {
  if (wasm) return wasm;
  if (!detectFeatures().simd) {
    wasmError = 'this runtime has no WebAssembly with 128-bit SIMD';
  } else {
    try {
      wasm = new WasmKernels(threadChoice === null ? {} : { threads: threadChoice });
      wasmError = null;
      return wasm;
    } catch (e) {
      wasmError = `the WebAssembly module could not be loaded: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  throw new Error(`setBackend('wasm'): ${wasmError}`);
}

function resolve(c: BackendChoice): Kernels {
  if (c === 'ref') return refKernels;
  if (c === 'wasm') return loadWasm();
  try {
    return loadWasm();
  } catch {
    return refKernels;
  }
}

/**
 * Chooses the kernels: 'wasm' (throws, with the reason, if it cannot load), 'ref', or 'auto' (the
 * default: WASM when available, else ref). Returns the active kernels.
 * @example setBackend('ref'); // every later kernel call runs the TypeScript reference
 */
export function setBackend(c: BackendChoice): Kernels {
  if (c !== 'ref' && c !== 'wasm' && c !== 'auto') {
    throw new RangeError(`setBackend: expected 'ref', 'wasm' or 'auto', got ${String(c)}`);
  }
  active = resolve(c);
  choice = c;
  return active;
}

/**
 * The name of the active implementation ('wasm' or 'ref').
 * @example getBackend() // 'wasm' on Node 20
 */
export function getBackend(): BackendName {
  return getKernels().name;
}

/**
 * What the user chose ('auto' unless {@link setBackend} was called).
 * @example getBackendChoice() // 'auto'
 */
export function getBackendChoice(): BackendChoice {
  return choice;
}

/**
 * The active kernels (resolving 'auto' on first use).
 * @example getKernels().axpy(n, -lr, grad, param) // SGD step on (n,) arrays
 */
export function getKernels(): Kernels {
  if (active === null) active = resolve(choice);
  return active;
}

/**
 * Why WASM is not in use, or null if it is available (loads it to find out).
 * @example wasmUnavailableReason() // null on Node 20
 */
export function wasmUnavailableReason(): string | null {
  try {
    loadWasm();
    return null;
  } catch {
    return wasmError;
  }
}

/**
 * Compiles the WASM module asynchronously (for browsers' main threads, where synchronous compilation
 * may be refused). Resolves to true when WASM is then available; with the choice 'auto' it becomes
 * the active implementation.
 * @example await initWasm(); getBackend() // 'wasm'
 */
export async function initWasm(): Promise<boolean> {
  if (!detectFeatures().simd) return false;
  try {
    await compileModuleAsync(defaultVariant());
  } catch (e) {
    wasmError = `the WebAssembly module could not be compiled: ${e instanceof Error ? e.message : String(e)}`;
    return false;
  }
  if (choice === 'auto') active = resolve('auto');
  return wasmUnavailableReason() === null;
}

/**
 * Sets how many threads large matrix products may use on the WASM backend: an integer >= 1, or
 * 'auto' (the default: min(2, cores)). Results are the same bits with any number; 1 keeps
 * everything on the calling thread (no workers). Returns the threads now in effect (1 where workers
 * or shared memory are unavailable, or with the ref backend).
 * @example setThreads(1) // one thread, e.g. on a machine shared with other work
 */
export function setThreads(n: number | 'auto'): number {
  if (n !== 'auto' && !(typeof n === 'number' && Number.isInteger(n) && n >= 1)) {
    throw new RangeError(`setThreads: expected an integer >= 1 or 'auto', got ${String(n)}`);
  }
  threadChoice = n === 'auto' ? null : n;
  if (wasm) wasm.threads = threadChoice ?? defaultThreads();
  return getThreads();
}

/**
 * The threads large matrix products use with the active kernels (1 with ref, or where workers are
 * unavailable).
 * @example getThreads() // 2 on a 2-core machine with Node 20.16+
 */
export function getThreads(): number {
  const k = getKernels();
  return k instanceof WasmKernels ? k.threads : 1;
}
