/**
 * The GEMM worker: its source (fixed JavaScript, started from a string so that no file has to be
 * found: `eval: true` in Node, a Blob URL in browsers) and the layout of the control block it shares
 * with the calling thread (`threads.ts`).
 *
 * The control block is a SharedArrayBuffer of {@link CONTROL_BYTES}: Int32 slots for the protocol,
 * Float64 arguments of the current product and its table of chunks (blocks of rows of C), the
 * message of a failure, and when each worker became ready. One product: the caller writes the
 * arguments and the table, resets DONE, publishes the number of chunks in REMAIN and bumps SEQ. Every
 * thread, the caller included, claims chunks with `Atomics.sub(REMAIN, 1)` (a positive old value r
 * means chunk r − 1 is its own), runs `gemm_f32/f64` on it with its own workspace and adds 1 to DONE.
 * The caller returns when DONE reaches the number of chunks. A worker spins on SEQ for a moment
 * after a product, then sleeps in `Atomics.wait`.
 * @module
 */

/**
 * Int32 slots of the control block.
 * @example Atomics.load(new Int32Array(control), SLOT.DONE) // chunks finished of the current product
 */
export const SLOT = {
  /** Bumped for each product (and for QUIT): what workers wait on. */
  SEQ: 0,
  /** Chunks not yet claimed (goes negative when over-claimed; reset per product). */
  REMAIN: 1,
  /** Chunks finished. */
  DONE: 2,
  /** Set to 1 to make the workers return. */
  QUIT: 3,
  /** 1 once a chunk failed (its message is in the message area). */
  ERROR: 4,
  /** Chunks that took the sparse path in a worker. */
  SPARSE: 5,
  /** Chunks run by workers since the pool started (never reset). */
  WORKER_CHUNKS: 6,
  /** First of the per-worker ready flags (one slot per worker). */
  READY: 16,
} as const;

/** Most workers a pool may have. */
export const MAX_WORKERS = 15;
/** Most chunks a product may be split into. */
export const MAX_CHUNKS = 64;
/** Byte offset and count of the Float64 arguments. */
export const ARGS_AT = 256;
/**
 * Indices of the Float64 arguments.
 * @example new Float64Array(control, ARGS_AT, ARG_COUNT)[ARG.N] // columns of C
 */
export const ARG = {
  F64: 0,
  TRANS_A: 1,
  TRANS_B: 2,
  N: 3,
  K: 4,
  ALPHA: 5,
  LDA: 6,
  B: 7,
  LDB: 8,
  BETA: 9,
  LDC: 10,
  BIAS: 11,
  ACT: 12,
  SPARSE: 13,
} as const;
/** Number of Float64 arguments. */
export const ARG_COUNT = 14;
/** Byte offset of the chunk table: (rows, address of A, address of C) per chunk. */
export const TABLE_AT = 512;
/** Byte offset and length (UTF-16 code units) of the message of a failure. */
export const MESSAGE_AT = TABLE_AT + MAX_CHUNKS * 24;
/** Characters kept of a failure's message. */
export const MESSAGE_LENGTH = 500;
/** Byte offset of the Float64 `Date.now()` at which each worker became ready. */
export const READY_TIME_AT = 3072;
/** Bytes of the control block. */
export const CONTROL_BYTES = 4096;
/**
 * Iterations a worker polls SEQ after a product before it sleeps in Atomics.wait: about 0.3 ms in
 * Node 20 on this machine (a product that follows sooner starts without the wake-up latency).
 */
export const SPIN = 20_000;

/**
 * What a worker receives when it starts.
 * @example const init: WorkerInit = { module, memory, control, index: 0, workspace: ws }
 */
export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  /** Index of the worker (its READY slot). */
  index: number;
  /** Address of its GEMM workspace in the memory. */
  workspace: number;
}

const BODY = `'use strict';
function start(d) {
  const x = new WebAssembly.Instance(d.module, { env: { memory: d.memory } }).exports;
  const ctl = new Int32Array(d.control);
  const arg = new Float64Array(d.control, ${ARGS_AT}, ${ARG_COUNT});
  const tab = new Float64Array(d.control, ${TABLE_AT}, ${3 * MAX_CHUNKS});
  const msg = new Uint16Array(d.control, ${MESSAGE_AT}, ${MESSAGE_LENGTH});
  new Float64Array(d.control, ${READY_TIME_AT}, ${MAX_WORKERS})[d.index] = Date.now();
  Atomics.store(ctl, ${SLOT.READY} + d.index, 1);
  const run = (i) => {
    x.gemm_set_sparse(arg[${ARG.SPARSE}]);
    const before = x.gemm_sparse_count();
    const f = arg[${ARG.F64}] === 1 ? x.gemm_f64 : x.gemm_f32;
    f(arg[${ARG.TRANS_A}], arg[${ARG.TRANS_B}], tab[3 * i], arg[${ARG.N}], arg[${ARG.K}], arg[${ARG.ALPHA}],
      tab[3 * i + 1], arg[${ARG.LDA}], arg[${ARG.B}], arg[${ARG.LDB}], arg[${ARG.BETA}], tab[3 * i + 2],
      arg[${ARG.LDC}], arg[${ARG.BIAS}], arg[${ARG.ACT}], d.workspace);
    if (x.gemm_sparse_count() !== before) Atomics.add(ctl, ${SLOT.SPARSE}, 1);
  };
  const fail = (e) => {
    if (Atomics.compareExchange(ctl, ${SLOT.ERROR}, 0, 1) !== 0) return;
    const text = String(e && e.stack ? e.stack : e).slice(0, ${MESSAGE_LENGTH - 1});
    for (let i = 0; i < text.length; i++) msg[i] = text.charCodeAt(i);
    msg[text.length] = 0;
  };
  let seen = -1;
  for (;;) {
    let s = Atomics.load(ctl, ${SLOT.SEQ});
    for (let i = 0; s === seen && i < ${SPIN}; i++) s = Atomics.load(ctl, ${SLOT.SEQ});
    while (s === seen) {
      Atomics.wait(ctl, ${SLOT.SEQ}, seen);
      s = Atomics.load(ctl, ${SLOT.SEQ});
    }
    if (Atomics.load(ctl, ${SLOT.QUIT}) !== 0) return;
    seen = s;
    for (let r = Atomics.sub(ctl, ${SLOT.REMAIN}, 1); r > 0; r = Atomics.sub(ctl, ${SLOT.REMAIN}, 1)) {
      try {
        run(r - 1);
      } catch (e) {
        fail(e);
      }
      Atomics.add(ctl, ${SLOT.WORKER_CHUNKS}, 1);
      Atomics.add(ctl, ${SLOT.DONE}, 1);
      Atomics.notify(ctl, ${SLOT.DONE});
    }
  }
}
`;

/**
 * The worker's source for Node's `new Worker(source, { eval: true, workerData })`: it takes
 * `worker_threads` from `process.getBuiltinModule` (Node 20.16+), so the string holds no `require`.
 * @example new Worker(nodeWorkerSource(), { eval: true, workerData: init })
 */
export function nodeWorkerSource(): string {
  return `${BODY}start(process.getBuiltinModule('node:worker_threads').workerData);\n`;
}

/**
 * The worker's source for a browser's module Worker from a Blob URL: it starts on its first message.
 * @example new Worker(URL.createObjectURL(new Blob([browserWorkerSource()], { type: 'text/javascript' })), { type: 'module' })
 */
export function browserWorkerSource(): string {
  return `${BODY}self.onmessage = (e) => { self.onmessage = null; start(e.data); };\n`;
}
