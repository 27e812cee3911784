/**
 * The `scratchnet` command: dispatches to the commands in `./commands/`, and turns every error
 * into one line on stderr with an exit code (2: bad usage, bad value, missing or damaged file;
 * 1: anything else), never a stack trace (set SCRATCHNET_DEBUG=1 to see one).
 * @module
 */
import { readFileSync } from 'node:fs';
import { SafetensorsError } from '../node.js';
import { CliError, suggest } from './args.js';
import { firstLine } from './common.js';
import { type CliIO, processIO } from './io.js';

/** A command: parses its own flags, writes through `io`, returns the exit code. */
type Command = (argv: readonly string[], io: CliIO) => Promise<number>;

/** The commands, loaded on first use (so `scratchnet info` does not load the trainer's modules). */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  train: {
    summary: 'train a network on MNIST digits (progress, model file, history, curves)',
    load: async () => (await import('./commands/train.js')).trainCommand,
  },
  eval: {
    summary: 'accuracy and confusion matrix of a model on a data set',
    load: async () => (await import('./commands/eval.js')).evalCommand,
  },
  predict: {
    summary: 'classify a digit picture (PNG, JPEG or IDX): the top 3 classes',
    load: async () => (await import('./commands/predict.js')).predictCommand,
  },
  info: {
    summary: 'architecture, parameters and training metadata of a model file',
    load: async () => (await import('./commands/info.js')).infoCommand,
  },
  export: {
    summary: 'export a model to ONNX',
    load: async () => (await import('./commands/export.js')).exportCommand,
  },
  gradcheck: {
    summary: 'check backpropagation against numerical gradients, per parameter',
    load: async () => (await import('./commands/gradcheck.js')).gradcheckCommand,
  },
  seed: {
    summary: 'replay the seed notebook (the numerical-gradient bug, explained)',
    load: async () => (await import('./commands/seed.js')).seedCommand,
  },
};

/** The global help. */
export function globalHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length)) + 3;
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`);
  return `scratchnet: neural networks from scratch, in TypeScript

Usage: scratchnet <command> [arguments] [flags]

Commands:
${rows.join('\n')}

Run 'scratchnet <command> --help' for a command's flags.

Start here:
  scratchnet train                      train an MLP on the embedded digits (about 30 s)
  scratchnet eval runs/<run>            its accuracy and confusion matrix
  scratchnet predict runs/<run> digit.png
`;
}

/** One line for the user, and the exit code. */
function report(e: unknown, command: string): { line: string; code: number } {
  if (e instanceof CliError) return { line: e.message, code: e.exitCode };
  const prefix = `scratchnet ${command}`;
  if (e instanceof SafetensorsError) return { line: `${prefix}: ${firstLine(e)}`, code: 2 };
  const code = (e as NodeJS.ErrnoException)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code))
    return { line: `${prefix}: ${firstLine(e)}`, code: 2 };
  return { line: `${prefix}: ${firstLine(e)}`, code: 1 };
}

/**
 * Runs the command line with `argv` (without the node and script paths) and returns the exit code.
 * Output goes to `io` (the process's streams by default), so tests can capture it.
 * @example process.exitCode = await main(process.argv.slice(2));
 */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    if (name === 'help' && rest[0] !== undefined && Object.hasOwn(COMMANDS, rest[0])) {
      return main([rest[0], '--help'], io);
    }
    io.stdout.write(globalHelp());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    // package.json is two folders up from both src/cli/ and dist/cli/.
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    io.stdout.write(`scratchnet ${pkg.version}\n`);
    return 0;
  }
  if (!Object.hasOwn(COMMANDS, name)) {
    const guess = suggest(name, Object.keys(COMMANDS));
    io.stderr.write(
      `scratchnet: unknown command '${name}'${guess ? ` (did you mean '${guess}'?)` : ''}; commands: ${Object.keys(COMMANDS).join(', ')} (see scratchnet --help)\n`,
    );
    return 2;
  }
  try {
    const command = await COMMANDS[name].load();
    return await command(rest, io);
  } catch (e) {
    const { line, code } = report(e, name);
    io.stderr.write(`${line}\n`);
    if (io.env?.SCRATCHNET_DEBUG && e instanceof Error && e.stack) io.stderr.write(`${e.stack}\n`);
    return code;
  }
}
