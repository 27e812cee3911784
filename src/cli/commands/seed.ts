/**
 * `scratchnet seed`: replays the seed notebook (its softmax, cross-entropy, numerical gradients and
 * the 2x3 net), showing why its n-d numerical gradient did nothing and what scratchnet does instead.
 * @module
 */
import { replaySeedNotebook } from '../../index.js';
import { CliError, type FlagSpecs, formatHelp, parseFlags } from '../args.js';
import { toJson } from '../common.js';
import type { CliIO } from '../io.js';

const FLAGS: FlagSpecs = {
  json: { type: 'boolean', help: 'print the losses of every cell as JSON instead of the replay' },
};

const HELP = formatHelp(
  'seed',
  '',
  `Replays the seed notebook cell by cell with numpy's random stream (seed 0): its printed losses,
its broken n-d numerical gradient (it perturbs X.flatten(), a copy, so the loss never moves),
the warning scratchnet gives for that mistake, and the same training done right.`,
  FLAGS,
);

/** Runs `scratchnet seed`. */
export async function seedCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const flags = parseFlags('seed', argv, FLAGS);
  if (flags.switches.has('help')) {
    io.stdout.write(HELP);
    return 0;
  }
  if (flags.positionals.length > 0) {
    throw new CliError(
      `scratchnet seed: unexpected argument '${flags.positionals[0]}' (seed takes no arguments)`,
    );
  }
  if (flags.switches.has('json')) {
    const result = replaySeedNotebook(() => {});
    io.stdout.write(toJson(result));
    return 0;
  }
  replaySeedNotebook((line) => io.stdout.write(`${line}\n`));
  return 0;
}
