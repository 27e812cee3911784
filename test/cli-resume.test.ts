/**
 * Checkpoints survive SIGKILL: a real `scratchnet train` process, killed with SIGKILL while it
 * writes a checkpoint after every step, leaves a complete checkpoint (never a half-written one);
 * `--resume` continues and ends with parameters bit-identical to an uninterrupted run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCheckpoint } from '../src/node.js';
import { readSafetensorsRaw, run, tempDir } from './cli-helpers.js';

// Dropout, batch norm and Adam: every kind of state a resume must restore (RNG, running
// statistics, optimizer buffers), in a net small enough to train in a few seconds.
// biome-ignore format: flags read better in pairs
const CONFIG = ['--hidden', '24,16', '--dropout', '0.2', '--batchnorm', '--epochs', '3', '--batch-size', '100', '--seed', '7'];

function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (cond()) resolve();
      else if (Date.now() - start > timeoutMs) reject(new Error(`timed out after ${timeoutMs} ms`));
      else setTimeout(tick, 10);
    };
    tick();
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** The tensors of a model file, raw bytes by name. */
function params(path: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [k, t] of Object.entries(readSafetensorsRaw(path).tensors)) out[k] = t.bytes;
  return out;
}

describe('train --checkpoint-every / --resume', () => {
  it('SIGKILL mid-run, resume: the final parameters are bit-identical to an uninterrupted run', async () => {
    const dir = tempDir('scratchnet-resume-');
    const reference = join(dir, 'reference');
    const killed = join(dir, 'killed');

    // The uninterrupted run (in this process; checkpoints do not change the result).
    const ref = await run(['train', ...CONFIG, '--out', reference]);
    expect(ref.code, ref.stderr).toBe(0);

    // The same run in a real process, checkpointing after every step, killed after the first
    // checkpoints: most of its time goes to writing them, so the kill usually lands mid-write.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/run.ts', 'train', ...CONFIG, '--checkpoint-every', '1', '--out', killed],
      { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout?.on('data', (b) => {
      output += b;
    });
    child.stderr?.on('data', (b) => {
      output += b;
    });
    const ckpt = join(killed, 'checkpoint.safetensors');
    await waitFor(() => fs.existsSync(ckpt) || child.exitCode !== null, 20_000);
    await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGKILL');
    await exited(child);
    expect(child.signalCode, output).toBe('SIGKILL');
    expect(fs.existsSync(join(killed, 'model.safetensors')), 'the run finished before the kill').toBe(false);

    // What the kill left: a complete checkpoint (perhaps beside the temporary file of the write
    // it interrupted, which is never renamed over it).
    const leftovers = fs.readdirSync(killed).filter((f) => f.startsWith('checkpoint.safetensors.tmp-'));
    const state = readCheckpoint(killed);
    expect(state.step).toBeGreaterThan(0);
    expect(state.step).toBeLessThan(240);
    expect(state.trainerState?.currentIter).toBe(state.step);

    // A half-written checkpoint of a dead writer (as a kill during the write leaves it) is
    // ignored, and removed by the next checkpoint.
    const good = fs.readFileSync(ckpt);
    const stale = join(killed, 'checkpoint.safetensors.tmp-999999-deadbeef');
    fs.writeFileSync(stale, good.subarray(0, Math.floor(good.length / 2)));

    const resumed = await run(['train', '--resume', killed]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`resuming  from step ${state.step}/240`);
    expect(fs.existsSync(stale)).toBe(false);
    for (const f of leftovers) expect(fs.existsSync(join(killed, f)), f).toBe(false);

    const a = params(join(reference, 'model.safetensors'));
    const b = params(join(killed, 'model.safetensors'));
    expect(Object.keys(b)).toEqual(Object.keys(a));
    expect(Object.keys(a)).toContain('bn1.running_mean');
    for (const k of Object.keys(a)) expect(Buffer.compare(a[k], b[k]), k).toBe(0);

    // The history carries over too: the same losses, step for step.
    const h1 = JSON.parse(fs.readFileSync(join(reference, 'history.json'), 'utf8'));
    const h2 = JSON.parse(fs.readFileSync(join(killed, 'history.json'), 'utf8'));
    expect(h2.loss).toEqual(h1.loss);
    expect(h2.final.testAcc).toBe(h1.final.testAcc);
  }, 60_000);

  it('a damaged checkpoint is refused in one line; resuming a finished run just rewrites its outputs', async () => {
    const dir = tempDir('scratchnet-resume-');
    const out = join(dir, 'run');
    const r = await run([
      'train',
      '--hidden',
      '8',
      '--epochs',
      '0.5',
      '--checkpoint-every',
      '10',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const again = await run(['train', '--resume', out, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ steps: 40, resumedFrom: 40 });
    const ckpt = join(out, 'checkpoint.safetensors');
    fs.writeFileSync(ckpt, fs.readFileSync(ckpt).subarray(0, 200));
    const bad = await run(['train', '--resume', out]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('--resume: damaged checkpoint');
  });
});
