/**
 * The kernels: hot loops on contiguous typed arrays, below `ops/` and `layers/`.
 * `getKernels()` returns the active implementation (WASM SIMD when available, else the TypeScript
 * reference); `setBackend('ref' | 'wasm' | 'auto')` chooses.
 * @example
 * import { getKernels } from './kernels/index.js';
 * getKernels().gemm(false, false, 100, 50, 784, 1, x, 784, W, 50, 0, out, 50); // out (100,50) = x · W
 * @module
 */
export { refKernels } from './ref/index.js';
export {
  type BackendChoice,
  getBackend,
  getBackendChoice,
  getKernels,
  getThreads,
  initWasm,
  setBackend,
  setThreads,
  wasmUnavailableReason,
} from './select.js';
export type { Activation, BackendName, FloatArray, KernelDType, Kernels } from './types.js';
export type { ThreadInfo } from './wasm/gemm-threads.js';
export { WasmKernels, type WasmKernelsOptions } from './wasm/kernels.js';
export { detectFeatures, type WasmFeatures } from './wasm/module.js';
