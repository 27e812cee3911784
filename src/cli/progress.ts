/**
 * Training progress: a live bar redrawn in place on a terminal, plain lines every 10 % otherwise
 * (CI logs, pipes, files), and a way to print lines (epoch rows) above the bar.
 * @module
 */
import { clock, grouped, type OutStream, type Style, visibleLength } from './io.js';

/** Options of a {@link Progress}. */
export interface ProgressOptions {
  /** Total number of steps of the run. */
  total: number;
  /** Steps per epoch (may be fractional, as the book's Trainer). */
  stepsPerEpoch: number;
  /** Number of epochs (for "epoch 3/10"). */
  epochs: number;
  /** Samples per step (for samples/s). */
  batchSize: number;
  /** Steps already done when this session started (a resumed run). */
  startStep?: number;
  /** Live bar (a terminal) or plain lines. */
  live: boolean;
  /** Colours. */
  style: Style;
  /** Clock in milliseconds (tests inject one). */
  now?: () => number;
}

const BLOCKS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/**
 * A bar of `width` cells filled to `fraction`, with eighth-cell resolution.
 * @example bar(0.5, 10) // '█████     '
 */
export function bar(fraction: number, width: number): string {
  const f = Math.min(1, Math.max(0, fraction));
  const eighths = Math.round(f * width * 8);
  const full = Math.floor(eighths / 8);
  const part = BLOCKS[eighths % 8];
  return ('█'.repeat(full) + part).padEnd(width, ' ');
}

/** Progress of a training run. Call {@link update} after every step. */
export class Progress {
  private readonly now: () => number;
  private readonly startTime: number;
  private readonly startStep: number;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private lastDecile: number;
  private lastLine: number;
  private shown = false;
  private step: number;
  private loss = Number.NaN;
  private smoothed = Number.NaN;

  constructor(
    private readonly out: OutStream,
    private readonly o: ProgressOptions,
  ) {
    this.now = o.now ?? (() => performance.now());
    this.startTime = this.now();
    this.startStep = o.startStep ?? 0;
    this.step = this.startStep;
    this.lastDecile = Math.floor((10 * this.startStep) / Math.max(1, o.total));
    this.lastLine = this.startTime;
  }

  /** Samples per second since this session started. */
  get samplesPerSecond(): number {
    const seconds = (this.now() - this.startTime) / 1000;
    return seconds > 0 ? ((this.step - this.startStep) * this.o.batchSize) / seconds : 0;
  }

  /** Seconds since this session started. */
  get elapsed(): number {
    return (this.now() - this.startTime) / 1000;
  }

  /** Records step `step` (1-based, done) with its mini-batch loss, and redraws if it is time. */
  update(step: number, loss: number): void {
    this.step = step;
    this.loss = loss;
    this.smoothed = Number.isNaN(this.smoothed) ? loss : 0.9 * this.smoothed + 0.1 * loss;
    const done = step >= this.o.total;
    if (this.o.live) {
      const t = this.now();
      if (done || t - this.lastDraw >= 80) {
        this.lastDraw = t;
        this.draw();
      }
      return;
    }
    // A line at every tenth of the run, and at least every 30 s on long runs.
    const decile = Math.floor((10 * step) / Math.max(1, this.o.total));
    const t = this.now();
    if (decile > this.lastDecile || done || t - this.lastLine >= 30_000) {
      this.lastDecile = decile;
      this.lastLine = t;
      this.out.write(`${this.plainLine()}\n`);
    }
  }

  /** Prints `line` (an epoch row) above the bar. */
  log(line: string): void {
    if (this.o.live && this.shown) this.out.write('\r\x1b[2K');
    this.out.write(`${line}\n`);
    if (this.o.live && this.shown) this.draw();
  }

  /** Removes the bar (before the summary). */
  finish(): void {
    if (this.o.live && this.shown) this.out.write('\r\x1b[2K');
    this.shown = false;
  }

  private epochOf(step: number): number {
    return Math.min(this.o.epochs, Math.max(1, Math.ceil(step / this.o.stepsPerEpoch)));
  }

  private eta(): number {
    const steps = this.step - this.startStep;
    if (steps <= 0) return Number.NaN;
    const perStep = this.elapsed / steps;
    return perStep * (this.o.total - this.step);
  }

  private stats(): { pct: string; epoch: string; loss: string; speed: string; eta: string } {
    const total = Math.max(1, this.o.total);
    const width = String(Math.ceil(this.o.epochs)).length;
    return {
      pct: `${String(Math.floor((100 * this.step) / total)).padStart(3)}%`,
      epoch: `epoch ${String(this.epochOf(this.step)).padStart(width)}/${Math.ceil(this.o.epochs)}`,
      loss: `loss ${Number.isFinite(this.smoothed) ? this.smoothed.toFixed(4) : '-'}`,
      speed: `${grouped(this.samplesPerSecond).padStart(6)} samples/s`,
      eta: this.step >= this.o.total ? `done ${clock(this.elapsed)}` : `ETA ${clock(this.eta())}`,
    };
  }

  /** `[ 30%] step 240/800  epoch 3/10  loss 0.2153  5,312 samples/s  ETA 0:18` */
  plainLine(): string {
    const s = this.stats();
    const w = String(this.o.total).length;
    return `[${s.pct}] step ${String(this.step).padStart(w)}/${this.o.total}  ${s.epoch}  ${s.loss}  ${s.speed}  ${s.eta}`;
  }

  private draw(): void {
    const { style } = this.o;
    const s = this.stats();
    const w = String(this.o.total).length;
    const steps = `${String(this.step).padStart(w)}/${this.o.total}`;
    const sep = style.dim(' │ ');
    const right = `${steps} ${s.pct}${sep}${s.loss}${sep}${s.speed}${sep}${s.eta}`;
    const left = `${s.epoch} `;
    const columns = this.out.columns && this.out.columns > 20 ? this.out.columns : 100;
    const room = columns - 1 - visibleLength(left) - visibleLength(right) - 3;
    const width = Math.max(0, Math.min(40, room));
    const fraction = this.step / Math.max(1, this.o.total);
    let line = width >= 8 ? `${left}${style.cyan(bar(fraction, width))} ${right}` : `${left}${right}`;
    if (visibleLength(line) >= columns) line = `${steps} ${s.pct} ${s.loss} ${s.eta}`;
    this.out.write(`\r\x1b[2K${line}`);
    this.shown = true;
  }
}
