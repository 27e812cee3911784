/**
 * GEMM on worker threads: the same bits as one thread (shapes around the blocks of rows the product
 * is split into, every transpose, alpha/beta, padded rows, fused bias and activations, the sparse
 * path, float32 and float64), with the workers doing all the blocks or sharing them with the calling
 * thread; the threshold and the thread option; disposal; failures of a worker come back as errors.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rng } from '../../../test/kernels-helpers.js';
import { filled, sleep, threaded, threadFailures, until } from '../../../test/threads-helpers.js';
import { WasmKernels } from './kernels.js';
import { compileModule, detectFeatures, instantiate } from './module.js';
import { type GemmJob, GemmPool, splitRows, threadsUnavailableReason } from './threads.js';

const available = threadsUnavailableReason() === null;
const one = new WasmKernels({ relaxed: false, threads: 1 });

describe.runIf(available)('GEMM on worker threads equals one thread bit for bit', () => {
  describe.each([
    ['the worker doing every block', false],
    ['the worker and the calling thread sharing the blocks', true],
  ] as const)('%s', (_name, callerRuns) => {
    it.each(['float32', 'float64'] as const)('%s, every transpose, bias and activations', async (dtype) => {
      const k = await threaded(callerRuns);
      const before = k.threadInfo;
      expect(threadFailures(one, k, dtype, dtype === 'float32' ? 21 : 22)).toEqual([]);
      const after = k.threadInfo;
      expect(after.parallelProducts - before.parallelProducts).toBeGreaterThan(150);
      expect(after.workerChunks - before.workerChunks, 'blocks computed by the worker').toBeGreaterThan(
        callerRuns ? 0 : 300,
      );
      await k.dispose();
    });

    it.each(['float32', 'float64'] as const)(
      'the sparse path (%s): the same bits, counted once',
      async (dtype) => {
        const k = await threaded(callerRuns);
        const rand = rng(5);
        const [m, n, kk] = [100, 50, 784];
        const a = filled(dtype, m * kk, rand);
        for (let i = 0; i < a.length; i++) if (rand() < 0.8) a[i] = 0;
        const b = filled(dtype, kk * n, rand);
        const [c1, c2] = [filled(dtype, m * n, rand), filled(dtype, m * n, rand)];
        const [s1, s2] = [one.sparseProducts, k.sparseProducts];
        one.gemm(false, false, m, n, kk, 1, a, kk, b, n, 0, c1, n);
        k.gemm(false, false, m, n, kk, 1, a, kk, b, n, 0, c2, n);
        expect(one.sparseProducts - s1).toBe(1);
        expect(k.sparseProducts - s2).toBe(1);
        expect(Array.from(c2)).toEqual(Array.from(c1));
        await k.dispose();
      },
    );
  });

  it.runIf(!detectFeatures().relaxedSimd)(
    'the relaxed-SIMD build too (in a child process with --experimental-wasm-relaxed-simd)',
    () => {
      const script = fileURLToPath(new URL('../../../test/threads-relaxed-check.ts', import.meta.url));
      const flags = ['--experimental-wasm-relaxed-simd', '--import', 'tsx', script];
      const run = spawnSync(process.execPath, flags, { encoding: 'utf8', timeout: 120_000 });
      if (/bad option/.test(run.stderr)) return; // a runtime without the flag (and without relaxed SIMD)
      expect(run.stderr).toBe('');
      const result = JSON.parse(run.stdout) as { relaxed: boolean; failures: string[]; workerChunks: number };
      expect(result.relaxed).toBe(true);
      expect(result.failures).toEqual([]);
      expect(result.workerChunks).toBeGreaterThan(300);
    },
    120_000,
  );

  it.runIf(detectFeatures().relaxedSimd)('the relaxed-SIMD build too', async () => {
    const relaxedOne = new WasmKernels({ relaxed: true, threads: 1 });
    const k = await threaded(false, true);
    expect(threadFailures(relaxedOne, k, 'float32', 31)).toEqual([]);
    await k.dispose();
  });
});

describe.runIf(available)('the process', () => {
  /** Runs a script (ESM, imports resolved from this directory) in a child process under tsx. */
  function child(body: string) {
    const kernels = new URL('./kernels.js', import.meta.url).href.replace(/\.js$/, '.ts');
    const source = `import { WasmKernels } from '${kernels}';\n${body}`;
    return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], {
      encoding: 'utf8',
      timeout: 30_000,
    });
  }
  const START = `
const k = new WasmKernels({ threads: 2, threadMinProduct: 0 });
const a = new Float32Array(256 * 256);
const gemm = () => k.gemm(false, false, 256, 256, 256, 1, a, 256, a, 256, 0, new Float32Array(256 * 256), 256);
gemm();
while (k.threadInfo.ready < 1) await new Promise((r) => setTimeout(r, 10));
for (let i = 0; i < 20; i++) gemm();
console.log(k.threadInfo.ready);
`;

  it('exits with the worker idle (it does not keep Node alive)', () => {
    const t0 = Date.now();
    const run = child(START);
    expect(run.stderr).toBe('');
    expect(run.signal).toBe(null);
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe('1');
    expect(Date.now() - t0).toBeLessThan(30_000);
  });

  it('exits after dispose(), which ends the worker', () => {
    const run = child(`${START}await k.dispose(); console.log(k.threadInfo.workers);`);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual(['1', '0']);
  });
});

describe('when GEMMs are split', () => {
  it('splits rows into blocks of multiples of 4, the last taking the rest', () => {
    expect(splitRows(10, 2, 4)).toEqual([
      [0, 8],
      [8, 2],
    ]);
    expect(splitRows(100, 4, 4)).toEqual([
      [0, 28],
      [28, 28],
      [56, 28],
      [84, 16],
    ]);
    expect(splitRows(8, 4, 4)).toEqual([
      [0, 4],
      [4, 4],
    ]);
    expect(splitRows(10_000, 1000, 4)).toHaveLength(63);
  });

  it.runIf(available)('small products do not start the workers; large ones do', async () => {
    const k = new WasmKernels({ relaxed: false, threads: 2 });
    const min = k.threadInfo.minProduct;
    const side = Math.floor(Math.cbrt(min)) - 1;
    const a = new Float32Array(side * side);
    k.gemm(false, false, side, side, side, 1, a, side, a, side, 0, new Float32Array(side * side), side);
    expect(k.threadInfo).toMatchObject({ threads: 2, workers: 0, spawnMs: null, parallelProducts: 0 });
    // fewer than 8 rows: not split whatever the product
    const wide = new WasmKernels({ relaxed: false, threads: 2, threadMinProduct: 0 });
    const x = new Float32Array(7 * 2000);
    wide.gemm(
      false,
      false,
      7,
      2000,
      2000,
      1,
      x,
      2000,
      new Float32Array(2000 * 2000),
      2000,
      0,
      x.slice(),
      2000,
    );
    expect(wide.threadInfo.workers).toBe(0);
    const big = Math.ceil(Math.cbrt(min)) + 1;
    const b = new Float32Array(big * big);
    k.gemm(false, false, big, big, big, 1, b, big, b, big, 0, new Float32Array(big * big), big);
    expect(k.threadInfo.workers).toBe(1);
    expect(k.threadInfo.parallelProducts).toBe(1);
    expect(k.threadInfo.spawnMs).toBeGreaterThanOrEqual(0);
    await until(() => k.threadInfo.startupMs !== null, 'the start-up time');
    expect(k.threadInfo.startupMs).toBeGreaterThan(0);
    await k.dispose();
    expect(k.threadInfo.workers).toBe(0);
  });

  it('checks the thread count; one thread never starts workers; unshared memory has one thread', async () => {
    expect(() => new WasmKernels({ threads: 0 })).toThrow(/threads: expected an integer from 1/);
    expect(() => new WasmKernels({ threads: 1.5 })).toThrow(RangeError);
    expect(() => new WasmKernels({ threadMinProduct: -1 })).toThrow(/threadMinProduct/);
    const k = new WasmKernels({ relaxed: false, threads: 1, threadMinProduct: 0 });
    expect(() => {
      k.threads = 99;
    }).toThrow(RangeError);
    const a = new Float64Array(64 * 64);
    k.gemm(false, false, 64, 64, 64, 1, a, 64, a, 64, 0, a.slice(), 64);
    expect(k.threadInfo.workers).toBe(0);
    const unshared = new WasmKernels({ relaxed: false, shared: false, threads: 2 });
    expect(unshared.threads).toBe(1);
    expect(unshared.threadInfo.unavailable).toMatch(/not shared/);
    if (!available) return;
    k.threads = 2;
    k.gemm(false, false, 64, 64, 64, 1, a, 64, a, 64, 0, a.slice(), 64);
    expect(k.threadInfo.workers).toBe(1);
    k.threads = 1; // stops the worker
    expect(k.threadInfo.workers).toBe(0);
    k.gemm(false, false, 64, 64, 64, 1, a, 64, a, 64, 0, a.slice(), 64);
    expect(k.threadInfo.workers).toBe(0);
  });
});

describe.runIf(available)('worker failures', () => {
  /** A pool of one worker on a fresh kernels instance's memory, and that instance's exports. */
  async function pool(brokenModule = false) {
    const k = new WasmKernels({ relaxed: false, threads: 1 });
    const x = instantiate(compileModule(k.variant), k.mem.memory);
    const ws = k.mem.allocBlock(x.gemm_workspace_bytes());
    const module = compileModule({ relaxed: false, shared: !brokenModule });
    const p = GemmPool.create({
      module,
      memory: k.mem.memory,
      workspaces: [k.mem.allocBlock(x.gemm_workspace_bytes())],
    });
    if (typeof p === 'string') throw new Error(p);
    if (!brokenModule) await until(() => p.ready === 1, 'the worker');
    return { k, x, ws, p };
  }

  /** An s x s x s float32 product split into 4 blocks, on resident arrays of `k`. */
  function job(
    k: WasmKernels,
    s = 64,
    aAddress?: number,
  ): { job: GemmJob; c: Float32Array; expected: Float32Array } {
    const rand = rng(9);
    const [a, b] = [filled('float32', s * s, rand, k), filled('float32', s * s, rand, k)];
    const c = k.alloc('float32', s * s);
    const expected = new Float32Array(s * s);
    one.gemm(false, false, s, s, s, 1, a, s, b, s, 0, expected, s);
    const pa = aAddress ?? a.byteOffset;
    const chunks = splitRows(s, 4, 4).map(([r0, rows]): [number, number, number] => [
      rows,
      pa + r0 * s * 4,
      c.byteOffset + r0 * s * 4,
    ]);
    const common = { f64: false, transA: false, transB: false, n: s, k: s, alpha: 1, lda: s };
    const rest = { ldb: s, beta: 0, ldc: s, bias: 0, act: 0, sparse: true, chunks };
    return { job: { ...common, b: b.byteOffset, ...rest }, c, expected };
  }

  it('an error inside the worker is thrown by the calling thread; the pool keeps working', async () => {
    const { k, p } = await pool();
    const bad = job(k, 64, 2 ** 31); // far beyond the memory: the worker's instance traps
    const t0 = performance.now();
    expect(() => p.run(bad.job, () => {}, 10_000, false)).toThrow(/worker thread failed: .*out of bounds/);
    expect(performance.now() - t0).toBeLessThan(5000);
    const good = job(k);
    p.run(good.job, () => {}, 10_000, false);
    expect(Array.from(good.c)).toEqual(Array.from(good.expected));
    expect(p.workerChunks).toBe(8);
    await p.dispose();
    expect(() => p.run(good.job, () => {}, 10_000)).toThrow(/disposed/);
  });

  it('a worker that does not finish in time is an error, and the pool is stopped', async () => {
    const { k, p } = await pool();
    const slow = job(k, 512);
    // 0.01 ms of waiting for blocks that take milliseconds each
    expect(() => p.run(slow.job, () => {}, 0.01, false)).toThrow(/did not finish their part within/);
    expect(p.disposed).toBe(true);
    await p.dispose(); // resolves once the worker has ended
  });

  it('a worker that never starts leaves every block to the calling thread', async () => {
    const { k, x, ws, p } = await pool(true); // its module wants an unshared memory: instantiation fails
    const { job: j, c, expected } = job(k);
    const run = (rows: number, a: number, cp: number) =>
      x.gemm_f32(0, 0, rows, 64, 64, 1, a, 64, j.b, 64, 0, cp, 64, 0, 0, ws);
    p.run(j, run, 10_000);
    await sleep(300);
    p.run(j, run, 10_000);
    expect(p.ready).toBe(0);
    expect(p.workerChunks).toBe(0);
    expect(p.workerError).toMatch(/worker 0: .*(shared|memory)/i);
    expect(Array.from(c)).toEqual(Array.from(expected));
    await p.dispose();
  });
});
