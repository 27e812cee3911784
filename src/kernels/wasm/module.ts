/**
 * Loading the WebAssembly kernels: feature detection, the embedded module bytes, compilation.
 *
 * Two builds are embedded (scripts/build-wasm.mjs): plain 128-bit SIMD, and the same with relaxed
 * SIMD (`f32x4.relaxed_madd`, a fused multiply-add on CPUs with FMA). Relaxed SIMD is used when the
 * runtime validates it: Chrome 114+, Node 22+; Node 20 only with `node --experimental-wasm-relaxed-simd`.
 *
 * The module imports its memory (`env.memory`). Shared memory (a SharedArrayBuffer that never
 * detaches when it grows, so views into it stay valid) is used where the runtime allows it: Node, and
 * browsers with cross-origin isolation. Elsewhere the one "shared" bit of the memory import is
 * cleared before compiling.
 * @module
 */
import { WASM_RELAXED, WASM_SIMD } from './binary.generated.js';

/** `(v128, v128, v128) -> v128` applying `f32x4.add` twice: valid where WebAssembly SIMD is. */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0, 10, 16, 1, 14, 0, 32, 0, 32,
  1, 32, 2, 253, 228, 1, 253, 228, 1, 11,
]);

/** The same signature with one `f32x4.relaxed_madd`: valid where relaxed SIMD is. */
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0, 10, 13, 1, 11, 0, 32, 0, 32,
  1, 32, 2, 253, 133, 2, 11,
]);

/** What the runtime offers. */
export interface WasmFeatures {
  /** WebAssembly with 128-bit SIMD. */
  simd: boolean;
  /** Relaxed SIMD (fused multiply-add). */
  relaxedSimd: boolean;
  /** Shared WebAssembly memory (SharedArrayBuffer; browsers need cross-origin isolation). */
  sharedMemory: boolean;
}

/** Which embedded build, with which memory. */
export interface ModuleVariant {
  relaxed: boolean;
  shared: boolean;
}

let features: WasmFeatures | null = null;

/**
 * Detects (once) what the runtime offers, by validating tiny modules.
 * @example detectFeatures() // { simd: true, relaxedSimd: false, sharedMemory: true } on Node 20
 */
export function detectFeatures(): WasmFeatures {
  if (features) return features;
  const wasm = typeof WebAssembly === 'object' && typeof WebAssembly.validate === 'function';
  const validate = (bytes: Uint8Array<ArrayBuffer>): boolean => {
    try {
      return wasm && WebAssembly.validate(bytes);
    } catch {
      return false;
    }
  };
  let sharedMemory = false;
  if (
    wasm &&
    typeof SharedArrayBuffer === 'function' &&
    (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false
  ) {
    try {
      sharedMemory =
        new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
    } catch {
      sharedMemory = false;
    }
  }
  const simd = validate(SIMD_PROBE);
  features = { simd, relaxedSimd: simd && validate(RELAXED_PROBE), sharedMemory };
  return features;
}

/**
 * The variant to use by default: relaxed SIMD and shared memory wherever available.
 * @example defaultVariant() // { relaxed: false, shared: true } on Node 20 without flags
 */
export function defaultVariant(): ModuleVariant {
  const f = detectFeatures();
  return { relaxed: f.relaxedSimd, shared: f.sharedMemory };
}

/**
 * Decodes base64 (no Node Buffer needed: `atob` exists in browsers and Node 16+).
 * @example decodeBase64('AGFzbQ==') // Uint8Array [0, 97, 115, 109]
 */
export function decodeBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Reads an unsigned LEB128 at `pos`; returns [value, next position]. */
function readLeb(bytes: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[pos++];
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [value, pos];
    shift += 7;
  }
}

/**
 * Position of the limits flags of the first imported memory (`0x03`: shared with a maximum,
 * `0x01`: a maximum only), found by walking the import section.
 * @example memoryImportFlagsOffset(bytes) // e.g. 123
 */
export function memoryImportFlagsOffset(bytes: Uint8Array): number {
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos];
    const [size, body] = readLeb(bytes, pos + 1);
    if (id === 2) {
      let [count, p] = readLeb(bytes, body);
      for (; count > 0; count--) {
        let len: number;
        [len, p] = readLeb(bytes, p); // module name
        [len, p] = readLeb(bytes, p + len); // field name
        p += len;
        const kind = bytes[p++];
        if (kind === 2) return p;
        if (kind === 0) [, p] = readLeb(bytes, p);
        else if (kind === 1) p = skipLimits(bytes, p + 1);
        else if (kind === 3) p += 2;
        else throw new Error(`wasm module: import kind ${kind} not understood`);
      }
    }
    pos = body + size;
  }
  throw new Error('wasm module: no memory import found');
}

/** Skips a limits record (flags, minimum, maximum if flagged). */
function skipLimits(bytes: Uint8Array, p: number): number {
  const flags = bytes[p];
  let [, q] = readLeb(bytes, p + 1);
  if (flags & 1) [, q] = readLeb(bytes, q);
  return q;
}

/**
 * The embedded bytes of one variant (a fresh copy).
 * @example moduleBytes({ relaxed: false, shared: true }).length // about 17 000
 */
export function moduleBytes(variant: ModuleVariant): Uint8Array {
  const bytes = decodeBase64(variant.relaxed ? WASM_RELAXED : WASM_SIMD);
  const at = memoryImportFlagsOffset(bytes);
  if (bytes[at] !== 0x03)
    throw new Error(`wasm module: expected a shared memory import, found limits flags ${bytes[at]}`);
  if (!variant.shared) bytes[at] = 0x01;
  return bytes;
}

const compiled = new Map<string, WebAssembly.Module>();
const key = (v: ModuleVariant): string =>
  `${v.relaxed ? 'relaxed' : 'simd'}-${v.shared ? 'shared' : 'unshared'}`;

/**
 * The compiled module if it is already there (from {@link compileModule} or {@link compileModuleAsync}).
 * @example cachedModule({ relaxed: false, shared: true }) // WebAssembly.Module | undefined
 */
export function cachedModule(variant: ModuleVariant): WebAssembly.Module | undefined {
  return compiled.get(key(variant));
}

/**
 * Compiles a variant synchronously (cached). Works in Node and in workers; a browser's main thread
 * may refuse synchronous compilation of modules this large: use {@link compileModuleAsync} there.
 * @example const mod = compileModule(defaultVariant())
 */
export function compileModule(variant: ModuleVariant): WebAssembly.Module {
  let mod = compiled.get(key(variant));
  if (!mod) {
    mod = new WebAssembly.Module(moduleBytes(variant) as BufferSource);
    compiled.set(key(variant), mod);
  }
  return mod;
}

/**
 * Compiles a variant asynchronously (cached); afterwards {@link compileModule} returns at once.
 * @example await compileModuleAsync(defaultVariant())
 */
export async function compileModuleAsync(variant: ModuleVariant): Promise<WebAssembly.Module> {
  let mod = compiled.get(key(variant));
  if (!mod) {
    mod = await WebAssembly.compile(moduleBytes(variant) as BufferSource);
    compiled.set(key(variant), mod);
  }
  return mod;
}

/** The exports of the kernels module (pointers are byte offsets into the memory). */
export interface KernelExports {
  heap_base(): number;
  gemm_workspace_bytes(): number;
  gemm_set_sparse(on: number): void;
  momentum_f32(n: number, lr: number, momentum: number, p: number, g: number, v: number): void;
  momentum_f64(n: number, lr: number, momentum: number, p: number, g: number, v: number): void;
  nesterov_f32(n: number, lr: number, momentum: number, p: number, g: number, v: number): void;
  nesterov_f64(n: number, lr: number, momentum: number, p: number, g: number, v: number): void;
  adagrad_f32(n: number, lr: number, unused: number, p: number, g: number, h: number): void;
  adagrad_f64(n: number, lr: number, unused: number, p: number, g: number, h: number): void;
  rmsprop_f32(n: number, lr: number, decay: number, p: number, g: number, h: number): void;
  rmsprop_f64(n: number, lr: number, decay: number, p: number, g: number, h: number): void;
  gemm_sparse_count(): number;
  gemm_sparse_reuses(): number;
  gemm_f32: GemmExport;
  gemm_f64: GemmExport;
  axpy_f32: (n: number, alpha: number, x: number, y: number) => void;
  axpy_f64: (n: number, alpha: number, x: number, y: number) => void;
  relu_f32: (n: number, x: number, y: number) => void;
  relu_f64: (n: number, x: number, y: number) => void;
  relu_backward_f32: (n: number, x: number, dout: number, dx: number) => void;
  relu_backward_f64: (n: number, x: number, dout: number, dx: number) => void;
  sigmoid_f32: (n: number, x: number, y: number) => void;
  sigmoid_f64: (n: number, x: number, y: number) => void;
  sigmoid_backward_f32: (n: number, y: number, dout: number, dx: number) => void;
  sigmoid_backward_f64: (n: number, y: number, dout: number, dx: number) => void;
  sum_rows_f32: (m: number, n: number, a: number, lda: number, out: number) => void;
  sum_rows_f64: (m: number, n: number, a: number, lda: number, out: number) => void;
  softmax_cross_entropy_f32: SoftmaxExport;
  softmax_cross_entropy_f64: SoftmaxExport;
  adam_f32: AdamExport;
  adam_f64: AdamExport;
  /** `(op, m, n, a, aLayout, b, bLayout, out)`, codes as in asm/binary.ts. */
  binary_f32: (
    op: number,
    m: number,
    n: number,
    a: number,
    al: number,
    b: number,
    bl: number,
    out: number,
  ) => void;
  binary_f64: (
    op: number,
    m: number,
    n: number,
    a: number,
    al: number,
    b: number,
    bl: number,
    out: number,
  ) => void;
  /** `(op, n, x, y)`, codes as in asm/unary.ts. */
  unary_f32: (op: number, n: number, x: number, y: number) => void;
  unary_f64: (op: number, n: number, x: number, y: number) => void;
  /** `(op, m, n, a, out)`, codes as in asm/reduce.ts. */
  reduce_rows_f32: (op: number, m: number, n: number, a: number, out: number) => void;
  reduce_rows_f64: (op: number, m: number, n: number, a: number, out: number) => void;
  im2col_f32: ConvExport;
  im2col_f64: ConvExport;
  col2im_f32: ConvExport;
  col2im_f64: ConvExport;
  max_pool_f32: ConvExport;
  max_pool_f64: ConvExport;
  max_pool_backward_f32: MaxPoolBackwardExport;
  max_pool_backward_f64: MaxPoolBackwardExport;
}

/**
 * `im2col(n, c, h, w, fh, fw, stride, pad, oh, ow, x, col)`, `col2im(..., col, x)`,
 * `max_pool(planes, h, w, fh, fw, stride, pad, oh, ow, x, out, argMax)`.
 */
export type ConvExport = (...args: number[]) => void;
/**
 * `(planes, h, w, fh, fw, stride, pad, oh, ow, argMax, dout, dx) -> -1`, or the first index of
 * argMax outside [0, planes*h*w).
 */
export type MaxPoolBackwardExport = (...args: number[]) => number;

/** `gemm_f32/f64(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias, act, ws)`. */
export type GemmExport = (...args: number[]) => void;
/** `(m, n, x, t, oneHot, y, dx) -> loss`. */
export type SoftmaxExport = (
  m: number,
  n: number,
  x: number,
  t: number,
  oneHot: number,
  y: number,
  dx: number,
) => number;
/** `(n, lrT, beta1, beta2, p, g, m, v)`. */
export type AdamExport = (
  n: number,
  lrT: number,
  beta1: number,
  beta2: number,
  p: number,
  g: number,
  m: number,
  v: number,
) => void;

/**
 * Instantiates a compiled module on `memory` (synchronously: instantiation is cheap).
 * @example const exports = instantiate(compileModule(v), new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true }))
 */
export function instantiate(mod: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  const instance = new WebAssembly.Instance(mod, { env: { memory } });
  return instance.exports as unknown as KernelExports;
}
