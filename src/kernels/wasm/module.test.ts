import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { COMPILER, SOURCE_HASH } from './binary.generated.js';
import {
  compileModule,
  decodeBase64,
  detectFeatures,
  memoryImportFlagsOffset,
  moduleBytes,
} from './module.js';

const root = new URL('../../../', import.meta.url);

describe('the embedded WebAssembly module', () => {
  it('was built from the current asm/ sources (else run `npm run build:wasm`)', () => {
    // the same hash as scripts/build-wasm.mjs computes
    const hash = createHash('sha256');
    const files = readdirSync(new URL('asm/', root))
      .filter((f) => f.endsWith('.ts'))
      .sort()
      .map((f) => `asm/${f}`);
    for (const rel of [...files, 'scripts/build-wasm.mjs']) {
      hash.update(`${rel}\0`);
      hash.update(readFileSync(new URL(rel, root), 'utf8').replace(/\r\n/g, '\n'));
      hash.update('\0');
    }
    const version = createRequire(import.meta.url)('assemblyscript/package.json').version as string;
    hash.update(`assemblyscript ${version}`);
    expect(COMPILER).toBe(`assemblyscript ${version}`);
    expect(SOURCE_HASH).toBe(hash.digest('hex'));
  });

  it('detects SIMD and shared memory on Node', () => {
    const f = detectFeatures();
    expect(f.simd).toBe(true);
    expect(f.sharedMemory).toBe(true);
    expect(typeof f.relaxedSimd).toBe('boolean');
  });

  it('imports a shared memory, and loses the shared bit when asked', () => {
    const shared = moduleBytes({ relaxed: false, shared: true });
    const plain = moduleBytes({ relaxed: false, shared: false });
    const at = memoryImportFlagsOffset(shared);
    expect([shared[at], plain[at]]).toEqual([3, 1]);
    const imports = (v: boolean) => WebAssembly.Module.imports(compileModule({ relaxed: false, shared: v }));
    expect(imports(true)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    expect(imports(false)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    const plainMemory = new WebAssembly.Memory({ initial: 1, maximum: 10 });
    expect(
      () =>
        new WebAssembly.Instance(compileModule({ relaxed: false, shared: false }), {
          env: { memory: plainMemory },
        }),
    ).not.toThrow();
  });

  it('decodes base64 without Buffer', () => {
    expect(Array.from(decodeBase64('AGFzbQEAAAA='))).toEqual([0, 97, 115, 109, 1, 0, 0, 0]);
  });
});
