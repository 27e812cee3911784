/**
 * End to end: GEMM on worker threads in a real headless Chromium (Debian's `chromium`, driven by
 * playwright-core), on a cross-origin isolated page (COOP/COEP headers: shared memory). In a module
 * Worker (where the web demo trains) the kernels start a nested worker from a Blob URL and give the
 * same bits as one thread; on the page's main thread, where Atomics.wait is not allowed, they run on
 * one thread and say why.
 *
 * Needs /usr/bin/chromium (another binary with SCRATCHNET_CHROMIUM); SCRATCHNET_SKIP_BROWSER=1 skips.
 */
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build, type Rollup } from 'vite';
import { describe, expect, it } from 'vitest';
import type { ThreadsCheck } from './threads-check.js';

const CHROMIUM = process.env.SCRATCHNET_CHROMIUM ?? '/usr/bin/chromium';
const SKIP = process.env.SCRATCHNET_SKIP_BROWSER === '1';

const PAGE = `<!doctype html><meta charset="utf-8"><script type="module">
import { runThreadsCheck } from './check.js';
const main = await runThreadsCheck();
const worker = new Worker('./worker.js', { type: 'module' });
worker.onmessage = (e) => { window.result = { main, worker: e.data }; };
worker.onerror = (e) => { window.result = { main, worker: { error: String(e.message) } }; };
</script>`;
const WORKER = `import { runThreadsCheck } from './check.js';
runThreadsCheck().then((r) => postMessage(r), (e) => postMessage({ error: String(e && e.stack || e) }));`;

/** test/e2e/threads-check.ts bundled for the browser (ESM, kept in memory). */
async function bundle(): Promise<string> {
  const out = await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: false,
      target: 'es2022',
      lib: {
        entry: fileURLToPath(new URL('./threads-check.ts', import.meta.url)),
        formats: ['es'],
        fileName: 'check',
      },
    },
  });
  const outputs = (Array.isArray(out) ? out : [out]) as Rollup.RolldownOutput[];
  const chunk = outputs.flatMap((o) => o.output).find((o): o is Rollup.OutputChunk => o.type === 'chunk');
  if (!chunk) throw new Error('no bundle');
  return chunk.code;
}

/** Serves the page, the worker and the bundle with the headers of cross-origin isolation. */
async function serve(files: Record<string, string>): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const body = files[new URL(req.url ?? '/', 'http://localhost').pathname];
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': req.url?.endsWith('.html') ? 'text/html' : 'text/javascript',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
      'cache-control': 'no-store',
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/index.html`, server };
}

describe.skipIf(SKIP)('GEMM on worker threads in Chromium', () => {
  it('runs in a Worker with a nested worker, bit for bit; one thread on the main thread', {
    timeout: 120_000,
  }, async () => {
    const code = await bundle();
    const { url, server } = await serve({ '/index.html': PAGE, '/worker.js': WORKER, '/check.js': code });
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(url);
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      await page
        .waitForFunction(() => 'result' in window, null, { timeout: 90_000 })
        .catch((e: Error) => Promise.reject(new Error(`${e.message}; page errors: ${errors.join('; ')}`)));
      const result = (await page.evaluate(() => (window as unknown as { result: unknown }).result)) as {
        main: ThreadsCheck;
        worker: ThreadsCheck & { error?: string };
      };
      expect(errors).toEqual([]);
      expect(result.main.info).toMatchObject({ threads: 1, workers: 0, parallelProducts: 0 });
      expect(result.main.info.unavailable).toMatch(/Atomics.wait/);
      expect(result.main.mismatches).toBe(0);
      expect(result.worker.error).toBeUndefined();
      expect(result.worker.info).toMatchObject({
        threads: 2,
        workers: 1,
        ready: 1,
        unavailable: null,
        workerError: null,
      });
      expect(result.worker.info.parallelProducts).toBe(result.worker.products + 1);
      expect(result.worker.info.workerChunks).toBeGreaterThan(0);
      expect(result.worker.info.startupMs).toBeGreaterThan(0);
      expect(result.worker.mismatches).toBe(0);
    } finally {
      await browser.close();
      server.close();
    }
  });
});
