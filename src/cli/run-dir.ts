/**
 * The run folder of `scratchnet train`: the default `runs/<date-time>` name and the check that a new
 * run does not overwrite an existing one.
 * @module
 */
import fs from 'node:fs';
import { join } from 'node:path';
import { CHECKPOINT_FILE } from '../node.js';
import { CliError } from './args.js';

/** `runs/2026-11-29T01-10-05` (a suffix when it exists). */
export function defaultRunDir(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}-${p(d.getMinutes())}-${p(d.getSeconds())}`;
  let dir = join('runs', stamp);
  for (let i = 2; fs.existsSync(dir); i++) dir = join('runs', `${stamp}-${i}`);
  return dir;
}

/** Refuses to write a new run over an existing one. */
export function checkNewRunDir(dir: string): void {
  let stat: fs.Stats | null = null;
  try {
    stat = fs.statSync(dir);
  } catch {
    return;
  }
  if (!stat.isDirectory()) throw new CliError(`scratchnet train: --out: '${dir}' exists and is not a folder`);
  for (const f of ['run.json', 'model.safetensors', CHECKPOINT_FILE]) {
    if (fs.existsSync(join(dir, f))) {
      throw new CliError(
        `scratchnet train: --out: '${dir}' already holds a run (${f}); choose another folder, or continue it with --resume ${dir}`,
      );
    }
  }
}
