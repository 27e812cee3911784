/**
 * When and how a {@link WasmKernels} GEMM is split between threads: the thread count and threshold,
 * the lazily started {@link GemmPool} with one workspace per worker, the split into blocks of rows,
 * and the statistics.
 * @module
 */
import type { KernelMemory } from './memory.js';
import type { KernelExports } from './module.js';
import { availableCores, type GemmJob, GemmPool, splitRows, threadsUnavailableReason } from './threads.js';
import { MAX_WORKERS } from './worker-source.js';

/**
 * Default smallest product (multiply-adds m·n·k) split between threads: 8 million (200³). Measured
 * with `bench/threads.ts` on 2 cores (AMD EPYC, Node 20): from 200³ up, 2 threads ran 1.3x to 1.9x
 * as fast as 1 whenever the second core was free; below, the 784-deep products of the MLP
 * training step (n = 50: each block packs all of B; the sparse path) gained little or lost. When
 * other processes hold the second core, splitting does not pay at any size (0.7x to 1.0x).
 * @example new WasmKernels({ threadMinProduct: DEFAULT_THREAD_MIN_PRODUCT / 2 }) // split smaller products too
 */
export const DEFAULT_THREAD_MIN_PRODUCT = 8_000_000;
/** Rows of the micro-kernel (asm/gemm.ts MR): blocks of C start at multiples of it. */
const MR = 4;
/** Blocks of rows per thread: a few, so that a thread slowed by other processes gets fewer. */
const CHUNKS_PER_THREAD = 2;

/**
 * The threads of a {@link WasmKernels}, as {@link WasmKernels.threadInfo} reports them.
 * @example const { threads, startupMs, workerChunks } = k.threadInfo
 */
export interface ThreadInfo {
  /** Threads a large GEMM uses (the calling thread included). */
  threads: number;
  /** Smallest product (m·n·k) that is split. */
  minProduct: number;
  /** Workers started. */
  workers: number;
  /** Workers ready to take work. */
  ready: number;
  /** Milliseconds the calling thread spent starting the workers (null before the first large GEMM). */
  spawnMs: number | null;
  /** Milliseconds from the start of the workers until all were ready (null until then). */
  startupMs: number | null;
  /** GEMMs split between threads so far. */
  parallelProducts: number;
  /** Blocks of rows of those that the workers computed (the calling thread took the others). */
  workerChunks: number;
  /** Why there are no worker threads here, or null. */
  unavailable: string | null;
  /** The first error a worker reported outside the products (e.g. it could not start), or null. */
  workerError: string | null;
}

/**
 * The arguments of a product that every block shares (addresses already staged).
 * @example const job: SplitJob = { f64: false, transA: false, transB: false, n, k, alpha: 1, lda: k, b: pb, ldb: n, beta: 0, ldc: n, bias: 0, act: 0 }
 */
export type SplitJob = Omit<GemmJob, 'chunks' | 'sparse'>;

/**
 * The default number of threads for large GEMMs: min(2, available cores).
 * @example defaultThreads() // 2 on this 2-core machine
 */
export function defaultThreads(): number {
  return Math.min(2, availableCores());
}

/**
 * The thread pool of one kernels instance.
 * @example
 * const t = new GemmThreads(module, mem, exports, 2, undefined);
 * if (t.wants(m, n, k)) t.run(job, m, pa, pc, true, ws);
 */
export class GemmThreads {
  /** Added to the module's count of sparse products (a split product counts once). */
  sparseAdjust = 0;
  /** Whether the calling thread takes blocks too (false: it only waits; for tests of the workers). */
  callerRuns = true;
  private count: number;
  private readonly minProduct: number;
  private pool: GemmPool | null = null;
  private workspaces: number[] = [];
  private reason: string | null = null;
  private parallel = 0;
  private chunksBefore = 0;
  private lastSpawnMs: number | null = null;

  constructor(
    private readonly module: WebAssembly.Module,
    private readonly mem: KernelMemory,
    private readonly x: KernelExports,
    threads: number | undefined,
    minProduct: number | undefined,
  ) {
    this.reason = mem.shared ? threadsUnavailableReason() : 'the memory is not shared';
    this.count = this.check(threads ?? defaultThreads());
    if (minProduct !== undefined && !(Number.isFinite(minProduct) && minProduct >= 0))
      throw new RangeError(`WasmKernels: threadMinProduct: expected a number >= 0, got ${minProduct}`);
    this.minProduct = minProduct ?? DEFAULT_THREAD_MIN_PRODUCT;
  }

  private check(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > MAX_WORKERS + 1)
      throw new RangeError(
        `WasmKernels: threads: expected an integer from 1 to ${MAX_WORKERS + 1}, got ${n}`,
      );
    return n;
  }

  /** Threads in effect (1 when unavailable). */
  get threads(): number {
    return this.reason === null ? this.count : 1;
  }
  set threads(n: number) {
    const count = this.check(n);
    if (count === this.count) return;
    void this.dispose();
    this.count = count;
  }

  /** Whether a product of this shape is split. */
  wants(m: number, n: number, k: number): boolean {
    return this.count > 1 && this.reason === null && m >= 2 * MR && m * n * k >= this.minProduct;
  }

  /** The pool, started on first use; null (with {@link reason} set) where workers cannot run. */
  private start(): GemmPool | null {
    if (this.pool && !this.pool.disposed) return this.pool;
    void this.dispose();
    const bytes = this.x.gemm_workspace_bytes();
    const workspaces = Array.from({ length: this.count - 1 }, () => this.mem.allocBlock(bytes));
    const pool = GemmPool.create({ module: this.module, memory: this.mem.memory, workspaces });
    if (typeof pool === 'string') {
      for (const ws of workspaces) this.mem.heap.free(ws);
      this.reason = pool;
      return null;
    }
    this.pool = pool;
    this.workspaces = workspaces;
    this.lastSpawnMs = pool.spawnMs;
    return pool;
  }

  /**
   * Runs C = op(A)·op(B) (with the job's alpha, beta, bias, activation) split into blocks of rows,
   * op(A) at `pa` and C at `pc`, the calling thread using the workspace `ws`.
   */
  run(job: SplitJob, m: number, pa: number, pc: number, sparse: boolean, ws: number): void {
    const x = this.x;
    const f = job.f64 ? x.gemm_f64 : x.gemm_f32;
    const pool = this.start();
    const [tA, tB] = [job.transA ? 1 : 0, job.transB ? 1 : 0];
    const { n, k, alpha, lda, b, ldb, beta, ldc, bias, act } = job;
    // rows of C from op(A) at a into C at c, on this thread's instance and workspace
    const block = (rows: number, a: number, c: number): void =>
      f(tA, tB, rows, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias, act, ws);
    if (pool === null) {
      block(m, pa, pc);
      return;
    }
    const S = job.f64 ? 8 : 4;
    const chunks = splitRows(m, this.count * CHUNKS_PER_THREAD, MR).map(
      ([r0, rows]): [number, number, number] => [
        rows,
        pa + (job.transA ? r0 : r0 * job.lda) * S,
        pc + r0 * job.ldc * S,
      ],
    );
    const before = x.gemm_sparse_count();
    const timeoutMs = 10_000 + (chunks[0][0] * job.n * job.k) / 1e5;
    let inWorkers: number;
    try {
      inWorkers = pool.run({ ...job, sparse, chunks }, block, timeoutMs, this.callerRuns);
    } catch (e) {
      if (pool.disposed) {
        // the workers did not finish: run on one thread from now on
        this.reason = e instanceof Error ? e.message : String(e);
        void this.dispose();
      }
      throw e;
    }
    const inCaller = x.gemm_sparse_count() - before;
    this.sparseAdjust += (inCaller + inWorkers > 0 ? 1 : 0) - inCaller;
    this.parallel++;
  }

  /** The statistics. */
  info(): ThreadInfo {
    const pool = this.pool && !this.pool.disposed ? this.pool : null;
    return {
      threads: this.threads,
      minProduct: this.minProduct,
      workers: pool?.size ?? 0,
      ready: pool?.ready ?? 0,
      spawnMs: this.lastSpawnMs,
      startupMs: pool?.startupMs ?? null,
      parallelProducts: this.parallel,
      workerChunks: this.chunksBefore + (pool?.workerChunks ?? 0),
      unavailable: this.reason,
      workerError: pool?.workerError ?? null,
    };
  }

  /** Stops the workers and frees their workspaces once they have ended. */
  dispose(): Promise<void> {
    const pool = this.pool;
    if (pool === null) return Promise.resolve();
    this.pool = null;
    this.chunksBefore += pool.workerChunks;
    const workspaces = this.workspaces;
    this.workspaces = [];
    return pool.dispose().then(() => {
      for (const ws of workspaces) this.mem.heap.free(ws);
    });
  }
}
