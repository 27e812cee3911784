/**
 * Flag parsing and validation shared by every command.
 *
 * Tokens come from `node:util` `parseArgs` in non-strict mode (so `--lr -1` reads `-1` as the
 * value and the validator can say what is wrong with it, instead of parseArgs' "ambiguous"
 * message); unknown flags, missing values and values given to switches are then rejected here
 * with a one-line {@link CliError} that names the flag and what is allowed.
 * @module
 */
import { parseArgs } from 'node:util';

/** An error for the user: one line, exit code 2 (bad usage, bad value, missing or damaged file). */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** One flag of a command. */
export interface FlagSpec {
  /** 'string' takes a value (`--lr 0.1` or `--lr=0.1`); 'boolean' is a switch (`--batchnorm`). */
  type: 'string' | 'boolean';
  /** One-letter alias (`-o`). */
  short?: string;
  /** Placeholder for the help text (`<n>`). */
  value?: string;
  /** One line of help. */
  help: string;
}

/** The flags of a command, by long name (without the dashes). */
export type FlagSpecs = Record<string, FlagSpec>;

/** What {@link parseFlags} returns: the raw string values, switches, and positionals. */
export interface ParsedFlags {
  /** Values of string flags that were given (the last one wins if repeated). */
  values: Record<string, string>;
  /** Switches that were given. */
  switches: Set<string>;
  /** Positional arguments in order. */
  positionals: string[];
}

/** Edit distance with transpositions (optimal string alignment), for "did you mean" hints. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/**
 * The closest of `candidates` to `word`, if it is close enough to be a likely typo.
 * @example suggest('epoch', ['epochs', 'lr']) // 'epochs'
 */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

/**
 * Parses `argv` against `specs` (plus `--help`/`-h`, always accepted). Throws a {@link CliError}
 * for an unknown flag, a string flag without a value, or a value given to a switch.
 * @example parseFlags('train', ['--lr', '0.1'], { lr: { type: 'string', help: '...' } })
 */
export function parseFlags(command: string, argv: readonly string[], specs: FlagSpecs): ParsedFlags {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, spec] of Object.entries(specs)) {
    options[name] = spec.short ? { type: spec.type, short: spec.short } : { type: spec.type };
  }
  const { tokens } = parseArgs({
    args: [...argv],
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values: Record<string, string> = {};
  const switches = new Set<string>();
  const positionals: string[] = [];
  const known = Object.keys(specs).map((n) => `--${n}`);
  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    if (token.kind === 'option-terminator') continue;
    const name = token.name;
    const spec = name === 'help' ? ({ type: 'boolean' } as const) : specs[name];
    if (spec === undefined || !Object.hasOwn(options, name)) {
      const guess = suggest(`--${name}`, known);
      const allowed = known.length === 0 ? 'it takes no flags' : `allowed: ${known.join(', ')}`;
      throw new CliError(
        `scratchnet ${command}: unknown flag '${token.rawName}'${guess ? ` (did you mean ${guess}?)` : ''}; ${allowed}`,
      );
    }
    if (spec.type === 'boolean') {
      if (token.value !== undefined) {
        throw new CliError(
          `scratchnet ${command}: ${token.rawName} is a switch and takes no value (got '${token.value}')`,
        );
      }
      switches.add(name);
    } else {
      if (token.value === undefined) {
        throw new CliError(
          `scratchnet ${command}: ${token.rawName} needs a value: ${token.rawName} ${specs[name].value ?? '<value>'}`,
        );
      }
      values[name] = token.value;
    }
  }
  return { values, switches, positionals };
}

/** `scratchnet <command>: --flag: expected ..., got '...'` as a {@link CliError}. */
export function badValue(command: string, flag: string, expected: string, got: string): CliError {
  return new CliError(`scratchnet ${command}: --${flag}: expected ${expected}, got '${got}'`);
}

/** A decimal number (no hex, no empty string, no trailing junk). */
function parseNumber(raw: string): number {
  const s = raw.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return Number.NaN;
  return Number(s);
}

/** An integer >= `min`. */
export function intFlag(command: string, flag: string, raw: string, min: number, max = 2 ** 31 - 1): number {
  const v = parseNumber(raw);
  if (!Number.isInteger(v) || v < min || v > max) {
    const range = max === 2 ** 31 - 1 ? `>= ${min}` : `in ${min}..${max}`;
    throw badValue(command, flag, `an integer ${range}`, raw);
  }
  return v;
}

/** A finite number; `min` exclusive or inclusive, `max` exclusive. */
export function numberFlag(
  command: string,
  flag: string,
  raw: string,
  range: { gt?: number; ge?: number; lt?: number },
): number {
  const v = parseNumber(raw);
  const ok =
    Number.isFinite(v) &&
    (range.gt === undefined || v > range.gt) &&
    (range.ge === undefined || v >= range.ge) &&
    (range.lt === undefined || v < range.lt);
  if (!ok) {
    const parts: string[] = [];
    if (range.gt !== undefined) parts.push(`> ${range.gt}`);
    if (range.ge !== undefined) parts.push(`>= ${range.ge}`);
    if (range.lt !== undefined) parts.push(`< ${range.lt}`);
    throw badValue(command, flag, `a number ${parts.join(' and ')}`, raw);
  }
  return v;
}

/** One of `choices`, case-insensitive; returns the canonical spelling. */
export function choiceFlag<T extends string>(
  command: string,
  flag: string,
  raw: string,
  choices: readonly T[],
): T {
  const found = choices.find((c) => c.toLowerCase() === raw.trim().toLowerCase());
  if (found === undefined) {
    const guess = suggest(raw.toLowerCase(), choices);
    throw new CliError(
      `scratchnet ${command}: --${flag}: expected one of ${choices.join(', ')}, got '${raw}'${guess ? ` (did you mean ${guess}?)` : ''}`,
    );
  }
  return found;
}

/** A comma-separated list of integers >= 1 (`100,100`). */
export function intListFlag(command: string, flag: string, raw: string): number[] {
  const parts = raw.split(',').map((s) => s.trim());
  const out = parts.map((p) => parseNumber(p));
  if (parts.length === 0 || out.some((v) => !Number.isInteger(v) || v < 1 || v > 100_000)) {
    throw badValue(command, flag, 'positive integers separated by commas (e.g. 100 or 100,100)', raw);
  }
  return out;
}

/** Rejects extra or missing positionals with a one-line error. */
export function expectPositionals(command: string, got: readonly string[], names: readonly string[]): void {
  if (got.length < names.length) {
    const missing = names.slice(got.length).map((n) => `<${n}>`);
    throw new CliError(
      `scratchnet ${command}: missing ${missing.join(' and ')} (usage: scratchnet ${command} ${names.map((n) => `<${n}>`).join(' ')} [flags]; see --help)`,
    );
  }
  if (got.length > names.length) {
    throw new CliError(
      `scratchnet ${command}: unexpected argument '${got[names.length]}' (usage: scratchnet ${command}${names.map((n) => ` <${n}>`).join('')} [flags])`,
    );
  }
}

/**
 * The help text of a command: usage line, description, and the flags with their help.
 * @example formatHelp('eval', '<model>', 'Evaluate a model.', specs)
 */
export function formatHelp(
  command: string,
  usage: string,
  description: string,
  specs: FlagSpecs,
  footer = '',
): string {
  const rows = Object.entries(specs).map(([name, s]) => {
    const left = `${s.short ? `-${s.short}, ` : '    '}--${name}${s.type === 'string' ? ` ${s.value ?? '<value>'}` : ''}`;
    return [left, s.help] as const;
  });
  rows.push(['-h, --help', 'show this help']);
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  const lines = rows.map(([l, h]) => `  ${l.padEnd(width)}${h}`);
  return `Usage: scratchnet ${command}${usage ? ` ${usage}` : ''} [flags]\n\n${description}\n\nFlags:\n${lines.join('\n')}\n${footer ? `\n${footer}\n` : ''}`;
}
