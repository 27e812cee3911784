/**
 * The WASM SIMD implementation of {@link Kernels}: argument checks (shared with ref), staging of
 * arguments that are not resident in WebAssembly memory, and the call into the module.
 * @module
 */
import {
  checkBiasAct,
  checkElementwise,
  checkGemm,
  checkSoftmaxCrossEntropy,
  checkSumRows,
  extent,
} from '../check.js';
import type {
  Activation,
  BinaryOp,
  ConvGeometry,
  FloatArray,
  KernelDType,
  Kernels,
  OperandLayout,
  ReduceOp,
  UnaryOp,
} from '../types.js';
import { wasmCol2im, wasmIm2col, wasmMaxPool, wasmMaxPoolBackward } from './conv.js';
import { GemmThreads, type ThreadInfo } from './gemm-threads.js';
import { createMemory, type KernelArray, KernelMemory } from './memory.js';
import {
  compileModule,
  defaultVariant,
  instantiate,
  type KernelExports,
  type ModuleVariant,
} from './module.js';
import { wasmBinaryOp, wasmReduceRows, wasmUnaryOp } from './ops.js';
import { wasmAdam, wasmOptimizerStep } from './optim.js';

/** Options of {@link WasmKernels}; omitted parts use what the runtime offers. */
export interface WasmKernelsOptions {
  /** Use the relaxed-SIMD build (default: when the runtime validates it). */
  relaxed?: boolean;
  /** Use shared memory, which allows resident arrays (default: when the runtime offers it). */
  shared?: boolean;
  /**
   * Let the GEMM skip the zeros of a mostly-zero A (default true). The results are the same bits
   * either way (see `asm/gemm.ts`); false forces the dense path (for tests and benchmarks).
   */
  sparse?: boolean;
  /**
   * Threads for large GEMMs: the calling thread plus `threads - 1` workers sharing the memory
   * (default: min(2, available cores); 1 where workers or shared memory are unavailable, or on a
   * browser's main thread). The results are the same bits with any number of threads.
   */
  threads?: number;
  /**
   * Smallest product, in multiply-adds m·n·k, that is split between threads (default
   * `DEFAULT_THREAD_MIN_PRODUCT` in `gemm-threads.ts`); smaller ones run on the calling thread alone.
   */
  threadMinProduct?: number;
}

const ACT: Record<Activation, number> = { identity: 0, relu: 1, sigmoid: 2 };

/**
 * The kernels compiled to WebAssembly with 128-bit SIMD. Construction compiles the module
 * synchronously (see `module.ts` for browsers' main threads).
 * @example
 * const k = new WasmKernels();
 * const W = k.alloc('float32', 784 * 50); // resident: no copies when kernels read or write it
 * k.gemm(false, false, 100, 50, 784, 1, x, 784, W, 50, 0, out, 50); // out (100,50) = x (100,784) · W (784,50)
 */
export class WasmKernels implements Kernels {
  readonly name = 'wasm' as const;
  /** Which build and memory this instance uses. */
  readonly variant: ModuleVariant;
  /** The memory, its heap and the staging of arguments. */
  readonly mem: KernelMemory;
  private readonly x: KernelExports;
  private ws = 0;
  private sparsePath: boolean;
  private readonly pool: GemmThreads;

  constructor(options: WasmKernelsOptions = {}) {
    const auto = defaultVariant();
    this.variant = { relaxed: options.relaxed ?? auto.relaxed, shared: options.shared ?? auto.shared };
    const mod = compileModule(this.variant);
    const { memory, maximumPages } = createMemory(this.variant.shared, 32);
    this.x = instantiate(mod, memory);
    this.sparsePath = options.sparse !== false;
    this.x.gemm_set_sparse(this.sparsePath ? 1 : 0);
    this.mem = new KernelMemory(memory, this.x.heap_base(), maximumPages, this.variant.shared);
    this.pool = new GemmThreads(mod, this.mem, this.x, options.threads, options.threadMinProduct);
  }

  /**
   * Threads for large GEMMs (see {@link WasmKernelsOptions.threads}); setting it stops the current
   * workers, and the next large product starts as many as needed. Reads back what is in effect
   * (1 where threads are unavailable).
   * @example (getKernels() as WasmKernels).threads = 1 // single-threaded from now on
   */
  get threads(): number {
    return this.pool.threads;
  }
  set threads(n: number) {
    this.pool.threads = n;
  }

  /**
   * The worker threads' state: threads in effect, workers started and ready, their start-up cost,
   * how many products were split, and why threads are unavailable (or null).
   * @example k.threadInfo // { threads: 2, workers: 1, ready: 1, spawnMs: 3.1, startupMs: 41, ... }
   */
  get threadInfo(): ThreadInfo {
    return this.pool.info();
  }

  /**
   * Stops the worker threads (the kernels keep working: a later large product starts them again).
   * Resolves when they have ended.
   * @example await k.dispose()
   */
  dispose(): Promise<void> {
    return this.pool.dispose();
  }

  /**
   * Whether the GEMM may skip the zeros of a mostly-zero A (see {@link WasmKernelsOptions.sparse});
   * the results are the same bits either way.
   * @example (getKernels() as WasmKernels).sparse = false // dense products only (benchmarks)
   */
  get sparse(): boolean {
    return this.sparsePath;
  }
  set sparse(on: boolean) {
    this.sparsePath = Boolean(on);
    this.x.gemm_set_sparse(this.sparsePath ? 1 : 0);
  }

  /**
   * How many GEMMs so far skipped the zeros of a mostly-zero A (the sparse path of `asm/gemm.ts`);
   * a GEMM split between threads counts once when any of its blocks did.
   * @example k.sparseProducts // 3 after one training step of a 784-50-10 net on MNIST
   */
  get sparseProducts(): number {
    return this.x.gemm_sparse_count() + this.pool.sparseAdjust;
  }

  /**
   * How many of those products reused the compressed A of an earlier one: the same A (address,
   * shape and every byte compared), as when a training step multiplies its input batch three times.
   * @example k.sparseReuses // 2 after one training step: the backward product and the loss after the update
   */
  get sparseReuses(): number {
    return this.x.gemm_sparse_reuses();
  }

  private workspace(): number {
    if (this.ws === 0) this.ws = this.mem.allocBlock(this.x.gemm_workspace_bytes());
    return this.ws;
  }

  gemm<T extends FloatArray>(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: T,
    lda: number,
    b: T,
    ldb: number,
    beta: number,
    c: T,
    ldc: number,
  ): void {
    checkGemm('gemm', transA, transB, m, n, k, a, lda, b, ldb, c, ldc);
    this.runGemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, null, 0);
  }

  gemmBiasAct<T extends FloatArray>(
    m: number,
    n: number,
    k: number,
    a: T,
    lda: number,
    b: T,
    ldb: number,
    bias: T | null,
    c: T,
    ldc: number,
    act: Activation,
  ): void {
    checkGemm('gemmBiasAct', false, false, m, n, k, a, lda, b, ldb, c, ldc);
    checkBiasAct('gemmBiasAct', n, bias, c, act);
    this.runGemm(false, false, m, n, k, 1, a, lda, b, ldb, 0, c, ldc, bias, ACT[act]);
  }

  private runGemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: FloatArray,
    lda: number,
    b: FloatArray,
    ldb: number,
    beta: number,
    c: FloatArray,
    ldc: number,
    bias: FloatArray | null,
    act: number,
  ): void {
    if (m === 0 || n === 0) return;
    const ws = this.workspace();
    const na = transA ? extent(k, m, lda) : extent(m, k, lda);
    const nb = transB ? extent(n, k, ldb) : extent(k, n, ldb);
    const nc = extent(m, n, ldc);
    const mem = this.mem;
    mem.begin(mem.bytes(a, na) + mem.bytes(b, nb) + mem.bytes(c, nc) + (bias ? mem.bytes(bias, n) : 0));
    const pa = mem.input(a, na);
    const pb = mem.input(b, nb);
    const pbias = bias ? mem.input(bias, n) : 0;
    // C is read when beta != 0, and also when it has gaps between rows, so that they are kept.
    const pc = mem.output(c, nc, beta !== 0 || ldc !== n);
    const f64 = c instanceof Float64Array;
    if (this.pool.wants(m, n, k)) {
      const job = { f64, transA, transB, n, k, alpha, lda, b: pb, ldb, beta, ldc, bias: pbias, act };
      this.pool.run(job, m, pa, pc, this.sparsePath, ws);
    } else {
      const f = f64 ? this.x.gemm_f64 : this.x.gemm_f32;
      f(transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, pbias, act, ws);
    }
    mem.end();
  }

  axpy<T extends FloatArray>(n: number, alpha: number, x: T, y: T): void {
    checkElementwise('axpy', n, { x, y });
    const mem = this.mem;
    mem.begin(mem.bytes(x, n) + mem.bytes(y, n));
    const px = mem.input(x, n);
    const py = mem.output(y, n, true);
    (y instanceof Float32Array ? this.x.axpy_f32 : this.x.axpy_f64)(n, alpha, px, py);
    mem.end();
  }

  sumRows<T extends FloatArray>(m: number, n: number, a: T, lda: number, out: T): void {
    checkSumRows('sumRows', m, n, a, lda, out);
    const na = extent(m, n, lda);
    const mem = this.mem;
    mem.begin(mem.bytes(a, na) + mem.bytes(out, n));
    const pa = mem.input(a, na);
    const po = mem.output(out, n, false);
    (out instanceof Float32Array ? this.x.sum_rows_f32 : this.x.sum_rows_f64)(m, n, pa, lda, po);
    mem.end();
  }

  relu<T extends FloatArray>(n: number, x: T, y: T): void {
    checkElementwise('relu', n, { x, y });
    this.unary(n, x, y, y instanceof Float32Array ? this.x.relu_f32 : this.x.relu_f64);
  }

  sigmoid<T extends FloatArray>(n: number, x: T, y: T): void {
    checkElementwise('sigmoid', n, { x, y });
    this.unary(n, x, y, y instanceof Float32Array ? this.x.sigmoid_f32 : this.x.sigmoid_f64);
  }

  reluBackward<T extends FloatArray>(n: number, x: T, dout: T, dx: T): void {
    checkElementwise('reluBackward', n, { x, dout, dx });
    this.binary(
      n,
      x,
      dout,
      dx,
      dx instanceof Float32Array ? this.x.relu_backward_f32 : this.x.relu_backward_f64,
    );
  }

  sigmoidBackward<T extends FloatArray>(n: number, y: T, dout: T, dx: T): void {
    checkElementwise('sigmoidBackward', n, { y, dout, dx });
    this.binary(
      n,
      y,
      dout,
      dx,
      dx instanceof Float32Array ? this.x.sigmoid_backward_f32 : this.x.sigmoid_backward_f64,
    );
  }

  private unary(n: number, x: FloatArray, y: FloatArray, f: (n: number, x: number, y: number) => void): void {
    const mem = this.mem;
    mem.begin(mem.bytes(x, n) + mem.bytes(y, n));
    const px = mem.input(x, n);
    const py = mem.output(y, n, false);
    f(n, px, py);
    mem.end();
  }

  private binary(
    n: number,
    a: FloatArray,
    b: FloatArray,
    out: FloatArray,
    f: (n: number, a: number, b: number, o: number) => void,
  ): void {
    const mem = this.mem;
    mem.begin(mem.bytes(a, n) + mem.bytes(b, n) + mem.bytes(out, n));
    const pa = mem.input(a, n);
    const pb = mem.input(b, n);
    const po = mem.output(out, n, false);
    f(n, pa, pb, po);
    mem.end();
  }

  softmaxCrossEntropy<T extends FloatArray>(
    m: number,
    n: number,
    x: T,
    t: Int32Array | T,
    y: T,
    dx: T | null,
  ): number {
    checkSoftmaxCrossEntropy('softmaxCrossEntropy', m, n, x, t, y, dx);
    if (m === 0) return Number.NaN; // numpy: the mean of nothing
    const size = m * n;
    const nt = t instanceof Int32Array ? m : size;
    const mem = this.mem;
    mem.begin(mem.bytes(x, size) + mem.bytes(t, nt) + mem.bytes(y, size) + (dx ? mem.bytes(dx, size) : 0));
    const px = mem.input(x, size);
    const pt = mem.input(t, nt);
    const py = mem.output(y, size, false);
    const pd = dx ? mem.output(dx, size, false) : 0;
    const f = y instanceof Float32Array ? this.x.softmax_cross_entropy_f32 : this.x.softmax_cross_entropy_f64;
    const loss = f(m, n, px, pt, t instanceof Int32Array ? 0 : 1, py, pd);
    mem.end();
    return loss;
  }

  adam<T extends FloatArray>(
    n: number,
    lrT: number,
    beta1: number,
    beta2: number,
    p: T,
    g: T,
    m: T,
    v: T,
  ): void {
    wasmAdam(this.x, this.mem, n, lrT, beta1, beta2, p, g, m, v);
  }

  momentum<T extends FloatArray>(n: number, lr: number, momentum: number, p: T, g: T, v: T): void {
    wasmOptimizerStep(this.x, this.mem, 'momentum', n, lr, momentum, p, g, v);
  }

  nesterov<T extends FloatArray>(n: number, lr: number, momentum: number, p: T, g: T, v: T): void {
    wasmOptimizerStep(this.x, this.mem, 'nesterov', n, lr, momentum, p, g, v);
  }

  adagrad<T extends FloatArray>(n: number, lr: number, p: T, g: T, h: T): void {
    wasmOptimizerStep(this.x, this.mem, 'adagrad', n, lr, 0, p, g, h);
  }

  rmsprop<T extends FloatArray>(n: number, lr: number, decayRate: number, p: T, g: T, h: T): void {
    wasmOptimizerStep(this.x, this.mem, 'rmsprop', n, lr, decayRate, p, g, h);
  }

  binaryOp<T extends FloatArray>(
    op: BinaryOp,
    m: number,
    n: number,
    a: T,
    aLayout: OperandLayout,
    b: T,
    bLayout: OperandLayout,
    out: T,
  ): void {
    wasmBinaryOp(this.x, this.mem, op, m, n, a, aLayout, b, bLayout, out);
  }

  unaryOp<T extends FloatArray>(op: UnaryOp, n: number, x: T, y: T): void {
    wasmUnaryOp(this.x, this.mem, op, n, x, y);
  }

  reduceRows<T extends FloatArray>(op: ReduceOp, m: number, n: number, a: T, out: T): void {
    wasmReduceRows(this.x, this.mem, op, m, n, a, out);
  }

  im2col<T extends FloatArray>(g: ConvGeometry, x: T, col: T): void {
    wasmIm2col(this.x, this.mem, g, x, col);
  }

  col2im<T extends FloatArray>(g: ConvGeometry, col: T, x: T): void {
    wasmCol2im(this.x, this.mem, g, col, x);
  }

  maxPool<T extends FloatArray>(g: ConvGeometry, x: T, out: T, argMax: Int32Array): void {
    wasmMaxPool(this.x, this.mem, g, x, out, argMax);
  }

  maxPoolBackward<T extends FloatArray>(g: ConvGeometry, argMax: Int32Array, dout: T, dx: T): void {
    wasmMaxPoolBackward(this.x, this.mem, g, argMax, dout, dx);
  }

  alloc(dtype: 'float32', length: number): Float32Array;
  alloc(dtype: 'float64', length: number): Float64Array;
  alloc(dtype: 'int32', length: number): Int32Array;
  alloc(dtype: KernelDType, length: number): FloatArray | Int32Array;
  alloc(dtype: KernelDType, length: number): FloatArray | Int32Array {
    return this.mem.alloc(dtype, length);
  }

  free(array: KernelArray): void {
    this.mem.free(array);
  }

  isResident(array: KernelArray): boolean {
    return this.mem.isResident(array);
  }
}
