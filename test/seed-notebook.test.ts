import { describe, expect, it } from 'vitest';
import { replaySeedNotebook } from '../src/examples/seed-notebook.js';
import { loadFixture, maxRelError } from './helpers/fixtures.js';

/** numpy's re-run of the notebook (test/fixtures/seed_notebook.py), which also checks the notebook's text. */
const fx = loadFixture<Record<string, number[]> & { notebook_printed: Record<string, number[]> }>(
  'seed_notebook.json',
);
const printed = fx.notebook_printed;

describe('the seed notebook, replayed in scratchnet', () => {
  const lines: string[] = [];
  const r = replaySeedNotebook((l) => lines.push(l));

  it("reproduces the notebook's stuck runs with its broken n-d gradient (a copy is perturbed)", () => {
    expect(maxRelError(r.cell98Net0Nd, printed.cell98_net0_nd)).toBeLessThan(1e-10);
    expect(r.cell98Net0Nd.every((l) => l === r.cell98Net0Nd[0])).toBe(true);
    expect(maxRelError(r.cell102FnNd, printed.cell102_fn_nd)).toBeLessThan(1e-10);
    expect(r.cell102FnNd.every((l) => l === r.cell102FnNd[0])).toBe(true);
  });

  it("reproduces every printed loss of the notebook's working runs to 1e-10, with scratchnet's gradient", () => {
    expect(maxRelError(r.cell99Net0_2d, printed.cell99_net0_2d)).toBeLessThan(1e-10);
    expect(maxRelError(r.cell100Net1Nd, printed.cell100_net1_nd)).toBeLessThan(1e-10);
    expect(maxRelError(r.cell100Net1Fixed, printed.cell100_net1_nd)).toBeLessThan(1e-10);
    expect(maxRelError(r.cell103Fn2d, printed.cell103_fn_2d)).toBeLessThan(1e-10);
  });

  it('trains the Net0 run that was stuck at 3.6674507891066104 (numpy: in-place 2-d gradient)', () => {
    expect(maxRelError(r.cell98Net0Fixed, fx.cell98_net0_fixed)).toBeLessThan(1e-10);
    expect(r.cell98Net0Fixed[8]).toBeLessThan(0.3);
    expect(maxRelError(r.cell102FnFixed, printed.cell103_fn_2d)).toBeLessThan(1e-10);
  });

  it('prints the diagnostic for the copy, and no warning in any working case', () => {
    expect(r.diagnostic).toMatch(/never changed f \(it stayed 3\.66745078910661/);
    expect(r.diagnostic).toMatch(/flatten\(\)/);
    expect(r.falseAlarms).toEqual([]);
    expect(lines.join('\n')).toContain('loss=3.6674507891066');
    expect(lines.join('\n')).toContain('| scratchnet numericalGradient       | OK                   | OK');
  });
});
