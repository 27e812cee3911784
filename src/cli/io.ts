/**
 * Where the command writes: an injectable pair of streams, so tests can capture the output.
 * @module
 */

/** The part of a writable stream the CLI uses. */
export interface OutStream {
  write(chunk: string): unknown;
  /** True for a terminal: live progress bar and colours. */
  isTTY?: boolean;
  /** Terminal width in characters. */
  columns?: number;
}

/** The CLI's streams. */
export interface CliIO {
  stdout: OutStream;
  stderr: OutStream;
  /** Environment (NO_COLOR, ...); default `process.env`. */
  env?: Record<string, string | undefined>;
}

/** The process's own streams. */
export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** A few ANSI styles, switched off when the stream is not a terminal or NO_COLOR is set. */
export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  green(s: string): string;
  red(s: string): string;
  cyan(s: string): string;
  yellow(s: string): string;
}

function wrap(open: number, close: number): (s: string) => string {
  return (s) => `\x1b[${open}m${s}\x1b[${close}m`;
}

const PLAIN: Style = {
  bold: (s) => s,
  dim: (s) => s,
  green: (s) => s,
  red: (s) => s,
  cyan: (s) => s,
  yellow: (s) => s,
};

const ANSI: Style = {
  bold: wrap(1, 22),
  dim: wrap(2, 22),
  green: wrap(32, 39),
  red: wrap(31, 39),
  cyan: wrap(36, 39),
  yellow: wrap(33, 39),
};

/** Colours for `stream` (none unless it is a TTY and NO_COLOR is unset, https://no-color.org). */
export function styleFor(stream: OutStream, env: Record<string, string | undefined> = {}): Style {
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  return stream.isTTY && !noColor && env.TERM !== 'dumb' ? ANSI : PLAIN;
}

/** The length of `s` as shown (without ANSI escapes). */
export function visibleLength(s: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
  return s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').length;
}

/** A number with thousands separators: 12345 -> '12,345'. */
export function grouped(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Seconds as `1:05` or `1:02:03`. */
export function clock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${r}` : `${m}:${r}`;
}

/** Seconds as `0.84 s`, `12.3 s` or `2 min 5 s`. */
export function duration(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(2)} s`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${Math.round(seconds - 60 * m)} s`;
}

/** A fraction as a percentage: 0.9385 -> '93.85%'. */
export function percent(x: number, digits = 2): string {
  return `${(100 * x).toFixed(digits)}%`;
}
