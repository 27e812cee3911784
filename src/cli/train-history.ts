/**
 * The training history of `scratchnet train`: the per-epoch table rows printed during training and
 * the history.csv file.
 * @module
 */
import { clock, percent, type Style } from './io.js';
import type { EvalPoint } from './plot.js';

/** The steps (1-based) at which the Trainer evaluates, the first `count` of them. */
export function evalSteps(stepsPerEpoch: number, maxIter: number, count: number): number[] {
  const out: number[] = [];
  for (let iter = 0; out.length < count && iter <= Math.max(maxIter, count * stepsPerEpoch + 1); iter++) {
    if (iter % stepsPerEpoch === 0) out.push(iter + 1);
  }
  return out;
}

export interface EpochRow {
  epoch: number;
  step: number;
  loss: number;
  trainAcc: number;
  testAcc: number;
  seconds: number | null;
}

export function epochHeader(style: Style): string {
  return style.dim(' epoch    step    loss   train acc   test acc    time');
}

export function epochLine(r: EpochRow, maxIter: number, style: Style): string {
  const w = Math.max(4, String(maxIter).length);
  const time = r.seconds === null ? '' : clock(r.seconds).padStart(7);
  return `${String(r.epoch).padStart(6)}  ${String(r.step).padStart(w + 2)}  ${r.loss.toFixed(4).padStart(6)}  ${percent(r.trainAcc).padStart(10)}  ${style.bold(percent(r.testAcc).padStart(9))}  ${time}`;
}

/** Mean of `loss[from..to)` (steps are 1-based: loss[i] is step i+1). */
export function meanLoss(loss: readonly number[], from: number, to: number): number {
  let s = 0;
  let n = 0;
  for (let i = Math.max(0, from); i < Math.min(loss.length, to); i++) {
    s += loss[i];
    n++;
  }
  return n === 0 ? Number.NaN : s / n;
}

export function historyCsv(
  loss: readonly number[],
  evals: readonly EvalPoint[],
  stepsPerEpoch: number,
): string {
  const byStep = new Map<number, EvalPoint>();
  for (const e of evals) byStep.set(e.step, e);
  const lines = ['step,epoch,loss,train_acc,test_acc'];
  loss.forEach((l, i) => {
    const step = i + 1;
    const e = byStep.get(step);
    const epoch = Number((step / stepsPerEpoch).toFixed(4)); // epochs done, as the plot's x axis
    lines.push(`${step},${epoch},${l},${e ? e.trainAcc : ''},${e ? e.testAcc : ''}`);
  });
  return `${lines.join('\n')}\n`;
}
