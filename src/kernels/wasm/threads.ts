/**
 * A pool of worker threads for large GEMMs: each worker instantiates the same compiled
 * `WebAssembly.Module` on the same shared `WebAssembly.Memory` and gets its own workspace block. A
 * product is split into blocks of rows of C (multiples of the micro-kernel's 4 rows, so that every
 * element is computed by the same operations in the same order as with one thread: the results are
 * the same bits); the calling thread and the workers claim the blocks from a shared counter, so a
 * worker that is not running yet (or is descheduled) leaves its share to the others instead of
 * making the caller wait. The protocol is described in `worker-source.ts`.
 *
 * Workers are created with `worker_threads` in Node (taken from `process.getBuiltinModule`, Node
 * 20.16+, so that the browser entry imports nothing of Node) and as module Workers from a Blob URL in
 * browsers. The calling thread must be allowed to block (`Atomics.wait`): not a browser's main thread.
 * @module
 */
import {
  ARG,
  ARG_COUNT,
  ARGS_AT,
  browserWorkerSource,
  CONTROL_BYTES,
  MAX_CHUNKS,
  MAX_WORKERS,
  MESSAGE_AT,
  MESSAGE_LENGTH,
  nodeWorkerSource,
  READY_TIME_AT,
  SLOT,
  TABLE_AT,
  type WorkerInit,
} from './worker-source.js';

/** What the pool needs of Node's `worker_threads.Worker`. */
interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
  on(event: 'error', listener: (error: Error) => void): void;
}
type NodeWorkerCtor = new (
  source: string,
  options: { eval: true; workerData: WorkerInit; name?: string },
) => NodeWorker;

/** A started worker: how to end it. */
interface Started {
  terminate(): Promise<unknown>;
}

/** `process.getBuiltinModule` where it exists (Node 20.16+), without typing the browser build against Node. */
function builtin(id: string): unknown {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return typeof p?.getBuiltinModule === 'function' ? p.getBuiltinModule(id) : undefined;
}

/** Whether this thread may block in `Atomics.wait` (not on a browser's main thread). */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts one worker; `onError` receives errors outside the chunks (e.g. a failed start). */
type Spawn = (init: WorkerInit, onError: (message: string) => void) => Started;

/** How workers are started here, or the reason why they cannot be. */
function workerFactory(): { spawn: Spawn } | string {
  if (typeof SharedArrayBuffer !== 'function') return 'no SharedArrayBuffer';
  if (!canBlock()) return 'this thread may not block in Atomics.wait (a browser main thread)';
  const wt = builtin('node:worker_threads') as { Worker?: NodeWorkerCtor } | undefined;
  if (wt?.Worker) {
    const Worker = wt.Worker;
    return {
      spawn: (init, onError) => {
        const w = new Worker(nodeWorkerSource(), { eval: true, workerData: init, name: 'scratchnet-gemm' });
        w.unref();
        // a worker that never becomes ready takes no chunks; failures of chunks come back through the control block
        w.on('error', (e) => onError(e.message));
        return w;
      },
    };
  }
  const g = globalThis as { process?: { versions?: { node?: string } } };
  if (g.process?.versions?.node) return 'Node without process.getBuiltinModule (needs Node 20.16+)';
  if (
    typeof Worker !== 'function' ||
    typeof Blob !== 'function' ||
    typeof URL?.createObjectURL !== 'function'
  )
    return 'no Worker';
  return {
    spawn: (init, onError) => {
      const url = URL.createObjectURL(new Blob([browserWorkerSource()], { type: 'text/javascript' }));
      const w = new Worker(url, { type: 'module', name: 'scratchnet-gemm' });
      w.onerror = (e) =>
        onError(e.message || 'the worker could not start (a Content-Security-Policy without blob: workers?)');
      w.postMessage(init);
      return {
        terminate: () => {
          w.terminate();
          URL.revokeObjectURL(url);
          return Promise.resolve();
        },
      };
    },
  };
}

/**
 * Why worker threads cannot run GEMMs here, or null when they can (shared memory is checked by the
 * caller: the memory must be shared).
 * @example threadsUnavailableReason() // null in Node 20.16+, a reason on a browser's main thread
 */
export function threadsUnavailableReason(): string | null {
  const f = workerFactory();
  return typeof f === 'string' ? f : null;
}

/**
 * Number of logical processors the runtime reports (1 when it says nothing).
 * @example availableCores() // 2 on this machine
 */
export function availableCores(): number {
  const os = builtin('node:os') as
    | { availableParallelism?: () => number; cpus?: () => unknown[] }
    | undefined;
  const n =
    os?.availableParallelism?.() ??
    os?.cpus?.().length ??
    (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof n === 'number' && n >= 1 ? Math.floor(n) : 1;
}

/**
 * One product for {@link GemmPool.run}: the arguments of `gemm_f32/f64` that all chunks share, and
 * the chunks.
 * @example const job: GemmJob = { ...splitJob, sparse: true, chunks: [[32, pa, pc], [32, pa + 32 * k * 4, pc + 32 * n * 4]] }
 */
export interface GemmJob {
  f64: boolean;
  transA: boolean;
  transB: boolean;
  n: number;
  k: number;
  alpha: number;
  lda: number;
  /** Address of B. */
  b: number;
  ldb: number;
  beta: number;
  ldc: number;
  /** Address of the bias, or 0. */
  bias: number;
  act: number;
  sparse: boolean;
  /** Per chunk: rows of C, address of its first row of op(A), address of its first row of C. */
  chunks: [rows: number, a: number, c: number][];
}

/**
 * Options of {@link GemmPool}.
 * @example GemmPool.create({ module: compileModule(variant), memory, workspaces: [mem.allocBlock(bytes)] })
 */
export interface GemmPoolOptions {
  /** The compiled kernels module (the caller's). */
  module: WebAssembly.Module;
  /** The shared memory it runs on. */
  memory: WebAssembly.Memory;
  /** One workspace address per worker (each `gemm_workspace_bytes()` long). */
  workspaces: number[];
}

/**
 * Worker threads that run blocks of rows of a GEMM alongside the calling thread.
 * @example
 * const pool = GemmPool.create({ module, memory, workspaces: [ws1] });
 * if (typeof pool !== 'string') pool.run(job, (rows, a, c) => exports.gemm_f32(...));
 */
export class GemmPool {
  /** Number of workers. */
  readonly size: number;
  /** Milliseconds the calling thread spent creating the workers. */
  readonly spawnMs: number;
  private readonly control = new SharedArrayBuffer(CONTROL_BYTES);
  private readonly ctl = new Int32Array(this.control);
  private readonly args = new Float64Array(this.control, ARGS_AT, ARG_COUNT);
  private readonly table = new Float64Array(this.control, TABLE_AT, 3 * MAX_CHUNKS);
  private readonly readyTimes = new Float64Array(this.control, READY_TIME_AT, MAX_WORKERS);
  private readonly workers: Started[] = [];
  private readonly createdAt = Date.now();
  private readyCount = 0;
  private closed = false;
  private ended: Promise<void> | null = null;

  /** The first error a worker reported outside its chunks (e.g. it could not start), or null. */
  workerError: string | null = null;

  private constructor(options: GemmPoolOptions, spawn: Spawn) {
    const t0 = performance.now();
    this.size = options.workspaces.length;
    if (this.size < 1 || this.size > MAX_WORKERS)
      throw new RangeError(`GemmPool: expected 1 to ${MAX_WORKERS} workers, got ${this.size}`);
    Atomics.store(this.ctl, SLOT.REMAIN, 0);
    options.workspaces.forEach((workspace, index) => {
      this.workers.push(
        spawn(
          { module: options.module, memory: options.memory, control: this.control, index, workspace },
          (m) => {
            this.workerError ??= `worker ${index}: ${m}`;
          },
        ),
      );
    });
    this.spawnMs = performance.now() - t0;
  }

  /**
   * Starts the workers (they become ready in the background), or returns why it cannot.
   * @example const pool = GemmPool.create({ module, memory, workspaces: [ws] })
   */
  static create(options: GemmPoolOptions): GemmPool | string {
    const f = workerFactory();
    if (typeof f === 'string') return f;
    if (!(options.memory.buffer instanceof SharedArrayBuffer)) return 'the memory is not shared';
    return new GemmPool(options, f.spawn);
  }

  /** Number of workers ready to take chunks. */
  get ready(): number {
    if (this.readyCount < this.size) {
      let n = 0;
      for (let i = 0; i < this.size; i++) n += Atomics.load(this.ctl, SLOT.READY + i);
      this.readyCount = n;
    }
    return this.readyCount;
  }

  /** Milliseconds from creation until every worker was ready, or null while some are not. */
  get startupMs(): number | null {
    if (this.ready < this.size) return null;
    let last = 0;
    for (let i = 0; i < this.size; i++) last = Math.max(last, this.readyTimes[i]);
    return last - this.createdAt;
  }

  /** Chunks the workers have run since the pool started. */
  get workerChunks(): number {
    return Atomics.load(this.ctl, SLOT.WORKER_CHUNKS);
  }

  /** Whether {@link dispose} was called or the pool failed. */
  get disposed(): boolean {
    return this.closed;
  }

  /**
   * Runs a product: the calling thread claims chunks too (`runChunk(rows, a, c)`, on its own
   * instance and workspace), then waits for the chunks the workers took. Throws if a worker's chunk
   * failed, or when the workers' chunks are not done `timeoutMs` after the caller ran out of chunks
   * (the pool is then disposed). Returns how many chunks took the sparse path in the workers.
   * With `callerRuns` false the caller only waits (for tests).
   * @example pool.run(job, (rows, a, c) => x.gemm_f32(0, 0, rows, n, k, 1, a, k, b, n, 0, c, n, 0, 0, ws), 10_000)
   */
  run(
    job: GemmJob,
    runChunk: (rows: number, a: number, c: number) => void,
    timeoutMs: number,
    callerRuns = true,
  ): number {
    if (this.closed) throw new Error('GemmPool.run: the pool was disposed');
    const count = job.chunks.length;
    if (count < 1 || count > MAX_CHUNKS)
      throw new RangeError(`GemmPool.run: expected 1 to ${MAX_CHUNKS} chunks, got ${count}`);
    const { args, table, ctl } = this;
    args[ARG.F64] = job.f64 ? 1 : 0;
    args[ARG.TRANS_A] = job.transA ? 1 : 0;
    args[ARG.TRANS_B] = job.transB ? 1 : 0;
    args[ARG.N] = job.n;
    args[ARG.K] = job.k;
    args[ARG.ALPHA] = job.alpha;
    args[ARG.LDA] = job.lda;
    args[ARG.B] = job.b;
    args[ARG.LDB] = job.ldb;
    args[ARG.BETA] = job.beta;
    args[ARG.LDC] = job.ldc;
    args[ARG.BIAS] = job.bias;
    args[ARG.ACT] = job.act;
    args[ARG.SPARSE] = job.sparse ? 1 : 0;
    for (let i = 0; i < count; i++) table.set(job.chunks[i], 3 * i);
    Atomics.store(ctl, SLOT.DONE, 0);
    Atomics.store(ctl, SLOT.ERROR, 0);
    Atomics.store(ctl, SLOT.SPARSE, 0);
    Atomics.store(ctl, SLOT.REMAIN, count); // publishes everything above
    Atomics.add(ctl, SLOT.SEQ, 1);
    Atomics.notify(ctl, SLOT.SEQ);
    let failure: unknown = null;
    if (callerRuns) {
      for (let r = Atomics.sub(ctl, SLOT.REMAIN, 1); r > 0; r = Atomics.sub(ctl, SLOT.REMAIN, 1)) {
        const [rows, a, c] = job.chunks[r - 1];
        try {
          runChunk(rows, a, c);
        } catch (e) {
          failure ??= e;
        }
        Atomics.add(ctl, SLOT.DONE, 1);
      }
    }
    this.waitDone(count, timeoutMs);
    if (failure !== null) throw failure;
    if (Atomics.load(ctl, SLOT.ERROR) !== 0)
      throw new Error(`gemm: a worker thread failed: ${this.message()}`);
    return Atomics.load(ctl, SLOT.SPARSE);
  }

  /** Waits until DONE reaches `count`: a short spin, then Atomics.wait, within `timeoutMs`. */
  private waitDone(count: number, timeoutMs: number): void {
    const ctl = this.ctl;
    let done = Atomics.load(ctl, SLOT.DONE);
    for (let i = 0; done < count && i < 2000; i++) done = Atomics.load(ctl, SLOT.DONE);
    const end = performance.now() + timeoutMs;
    while (done < count) {
      const left = end - performance.now();
      if (left <= 0) {
        void this.dispose();
        throw new Error(
          `gemm: worker threads did not finish their part within ${Math.round(timeoutMs)} ms; the pool was stopped`,
        );
      }
      Atomics.wait(ctl, SLOT.DONE, done, left);
      done = Atomics.load(ctl, SLOT.DONE);
    }
  }

  /** The failure message a worker wrote. */
  private message(): string {
    const codes = new Uint16Array(this.control, MESSAGE_AT, MESSAGE_LENGTH);
    const end = codes.indexOf(0);
    return String.fromCharCode(...codes.subarray(0, end < 0 ? MESSAGE_LENGTH : end));
  }

  /**
   * Ends the workers: idle ones return at once; a worker still inside a chunk (after a timeout) is
   * terminated. Resolves when every worker has ended (then their workspaces may be reused).
   * @example await pool.dispose()
   */
  dispose(): Promise<void> {
    if (this.ended) return this.ended;
    this.closed = true;
    Atomics.store(this.ctl, SLOT.REMAIN, 0);
    Atomics.store(this.ctl, SLOT.QUIT, 1);
    Atomics.add(this.ctl, SLOT.SEQ, 1);
    Atomics.notify(this.ctl, SLOT.SEQ);
    this.ended = Promise.all(this.workers.map((w) => w.terminate())).then(() => undefined);
    return this.ended;
  }
}

/**
 * Splits m rows into about `parts` blocks whose sizes are multiples of `align` (the micro-kernel's
 * rows; the last block takes the rest): [first row, rows] each, at most {@link MAX_CHUNKS}.
 * @example splitRows(10, 2, 4) // [[0, 8], [8, 2]]
 */
export function splitRows(m: number, parts: number, align: number): [start: number, rows: number][] {
  const count = Math.min(Math.max(1, Math.floor(parts)), MAX_CHUNKS);
  const size = Math.max(align, Math.ceil(m / count / align) * align);
  const out: [number, number][] = [];
  for (let r = 0; r < m; r += size) out.push([r, Math.min(size, m - r)]);
  return out;
}
