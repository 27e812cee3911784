/**
 * The seed notebook (shared/seed/000_3889cf1029b132f7.txt), cell by cell, in scratchnet.
 *
 * The notebook builds softmax, cross-entropy, two numerical gradients and a 2x3 net, and finds that
 * its n-d numerical gradient silently does nothing. This script replays every cell with the global
 * RNG seeded like numpy (`random.seed(0)`), reproduces the notebook's printed losses, reproduces its
 * broken gradient faithfully, shows the diagnostic scratchnet prints for it, and then trains every
 * combination with scratchnet's `numericalGradient`, which perturbs the real parameter in place.
 *
 * Run: npm run seed, or scratchnet seed. It lives in the library (not only in examples/) so the
 * command line can replay it; it uses only public functions.
 */
import { softmax } from '../functions/activations.js';
import { crossEntropyError } from '../functions/losses.js';
import { numericalGradient } from '../gradient/numerical.js';
import { SimpleNet } from '../nets/simple-net.js';
import { random } from '../random/global.js';
import { tensor } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';

/** A loss of the weight matrix, as the notebook's closures. */
type LossOfW = (W: Tensor) => number;
/** A numerical gradient routine, as the notebook swaps them. */
type Gradient = (f: LossOfW, X: Tensor) => Tensor;

/** Cell 96, the notebook's working version: perturbs X[i, j] in place. */
export function numericalGradient2d(f: LossOfW, X: Tensor): Tensor {
  const h = 1e-4;
  const grad = X.copy().fill(0);
  for (let i = 0; i < X.shape[0]; i++) {
    for (let j = 0; j < X.shape[1]; j++) {
      const val = X.get(i, j);
      X.set(X.get(i, j) - h, i, j);
      const y1 = f(X);
      X.set(X.get(i, j) + 2 * h, i, j);
      const y2 = f(X);
      grad.set((y2 - y1) / (2 * h), i, j);
      X.set(val, i, j);
    }
  }
  return grad;
}

/**
 * Cell 96, the notebook's broken version, faithfully: `X.flatten()` is a COPY, so the perturbations
 * never reach X; only a closure that reads its argument (Net1) sees them.
 */
export function numericalGradientNd(f: LossOfW, X: Tensor): Tensor {
  const h = 1e-4;
  const grad: number[] = [];
  const Xf = X.flatten();
  for (let i = 0; i < Xf.size; i++) {
    const val = Xf.get(i);
    Xf.set(Xf.get(i) - h, i);
    const y1 = f(Xf.reshape(X.shape));
    Xf.set(Xf.get(i) + 2 * h, i);
    const y2 = f(Xf.reshape(X.shape));
    Xf.set(val, i);
    grad.push((y2 - y1) / (2 * h));
  }
  return tensor(grad).reshape(X.shape);
}

/** scratchnet's numerical gradient, in place on X itself (warnings silenced here; we check them below). */
export const scratchnetGradient: Gradient = (f, X) => numericalGradient(f, X, { onNoEffect: 'ignore' });

const x0 = tensor([0.6, 0.9]);
const t0 = tensor([0, 0, 1]);

/** Cell 97: Net0's gradient closure ignores its argument and reads the net's W. */
function net0Step(net: SimpleNet, gradient: Gradient): number {
  const f: LossOfW = () => net.loss(x0, t0);
  const dW = gradient(f, net.W);
  net.W.subInPlace(dW.mul(0.5));
  return net.loss(x0, t0);
}

/** Cell 97: Net1's closure first makes its argument the net's W (`net.W = W`). */
function net1Step(net: SimpleNet, gradient: Gradient): number {
  const f: LossOfW = (W) => {
    net.W = W;
    return net.loss(x0, t0);
  };
  const dW = gradient(f, net.W);
  net.W = net.W.sub(dW.mul(0.5));
  return net.loss(x0, t0);
}

function run(step: (net: SimpleNet, g: Gradient) => number, net: SimpleNet, g: Gradient): number[] {
  return Array.from({ length: 9 }, () => step(net, g));
}

/** Everything the replay computed, for the tests and the printout. */
export interface SeedNotebookResult {
  cell98Net0Nd: number[];
  cell98Net0Fixed: number[];
  cell99Net0_2d: number[];
  cell100Net1Nd: number[];
  cell100Net1Fixed: number[];
  cell102FnNd: number[];
  cell102FnFixed: number[];
  cell103Fn2d: number[];
  /** The warning scratchnet prints when handed the notebook's copy. */
  diagnostic: string;
  /** Warnings printed while scratchnet's gradient ran on the real parameters (expected: none). */
  falseAlarms: string[];
}

/**
 * Replays the notebook. `log` receives the printout (console.log by default).
 * @example const r = replaySeedNotebook(() => {}); r.cell99Net0_2d[0] // 0.49818359250842825
 */
export function replaySeedNotebook(log: (line: string) => void = console.log): SeedNotebookResult {
  const show = (title: string, losses: number[], name = 'loss') => {
    log(title);
    for (const l of losses) log(`${name}=${l}`);
    log('');
  };
  // Cells 95-97 are the functions and classes above: softmax and crossEntropyError are scratchnet's.
  log(`softmax([0.3, 2.9, 4.0]) = ${softmax(tensor([0.3, 2.9, 4.0]))}`);
  log(`crossEntropyError(softmax(x0·W), t0) is the loss below.\n`);

  // Cell 98: seed 0, Net0 with the notebook's n-d gradient: stuck.
  random.seed(0);
  const stuckNet = new SimpleNet();
  const w98 = stuckNet.W.copy();
  const cell98Net0Nd = run(net0Step, stuckNet, numericalGradientNd);
  show(
    "In [98] Net0 + the notebook's numerical_gradient_nd (perturbs X.flatten(), a copy): stuck",
    cell98Net0Nd,
  );

  // What scratchnet says when handed that copy.
  const warned: string[] = [];
  captureWarnings(() => numericalGradient(() => stuckNet.loss(x0, t0), stuckNet.W.flatten()), warned);
  const diagnostic = warned.join('\n');
  log(`scratchnet, given the same copy (numericalGradient(f, net.W.flatten())), warns:\n  ${diagnostic}\n`);

  // The same start, with scratchnet's gradient on the real W: it trains.
  const falseAlarms: string[] = [];
  const fixedNet = new SimpleNet({ rng: { randn: () => w98.copy() } });
  const cell98Net0Fixed = captureWarnings(
    () => run(net0Step, fixedNet, numericalGradientStrict),
    falseAlarms,
  );
  show('        Net0 + scratchnet numericalGradient (perturbs net.W in place): trains', cell98Net0Fixed);

  // Cell 99: Net0 (the stream goes on) with the 2-d gradient, and with scratchnet's: the notebook's numbers.
  const net99 = new SimpleNet();
  const cell99Net0_2d = captureWarnings(() => run(net0Step, net99, numericalGradientStrict), falseAlarms);
  show(
    'In [99] Net0 + scratchnet numericalGradient (the notebook used numerical_gradient_2d)',
    cell99Net0_2d,
  );

  // Cell 100: Net1 with the n-d gradient works because f assigns its argument to net.W.
  const net100 = new SimpleNet();
  const w100 = net100.W.copy();
  const cell100Net1Nd = run(net1Step, net100, numericalGradientNd);
  show("In [100] Net1 + the notebook's numerical_gradient_nd (f sets net.W = W): works", cell100Net1Nd);
  const net100b = new SimpleNet({ rng: { randn: () => w100.copy() } });
  const cell100Net1Fixed = captureWarnings(
    () => run(net1Step, net100b, numericalGradientStrict),
    falseAlarms,
  );
  show('         Net1 + scratchnet numericalGradient: the same numbers', cell100Net1Fixed);

  // Cells 101-103: functions instead of a class, W from rand(2, 3) after seed 0.
  random.seed(0);
  const W = random.rand(2, 3) as Tensor;
  const W0 = W.copy();
  const lossW: LossOfW = () => crossEntropyError(softmax(x0.dot(W)), t0);
  const fnRun = (g: Gradient) =>
    Array.from({ length: 9 }, () => {
      const dW = g(lossW, W);
      W.subInPlace(dW.mul(0.5));
      return lossW(W);
    });
  const cell102FnNd = fnRun(numericalGradientNd);
  show("In [102] loss_W + the notebook's numerical_gradient_nd: stuck", cell102FnNd, 'loss_W');
  const cell103Fn2d = captureWarnings(() => fnRun(numericalGradientStrict), falseAlarms);
  show(
    'In [103] loss_W + scratchnet numericalGradient (the notebook used numerical_gradient_2d)',
    cell103Fn2d,
    'loss_W',
  );
  W.assign(W0);
  const cell102FnFixed = captureWarnings(() => fnRun(numericalGradientStrict), falseAlarms);

  log("The notebook's table, redone in scratchnet:");
  log('| gradient                           | Net0 (f reads net.W) | Net1 (f sets net.W = W) |');
  log('| ---------------------------------- | -------------------- | ----------------------- |');
  log('| notebook 2d (X[i,j] in place)      | OK                   | OK                      |');
  log('| notebook nd (X.flatten(), a copy)  | NG: loss never moves | OK                      |');
  log('| scratchnet numericalGradient       | OK                   | OK                      |');
  log('scratchnet perturbs the very tensor it is given (net.W), so every closure sees the change;');
  log('and when a copy is passed by mistake, it warns instead of returning zeros in silence.');
  return {
    cell98Net0Nd,
    cell98Net0Fixed,
    cell99Net0_2d,
    cell100Net1Nd,
    cell100Net1Fixed,
    cell102FnNd,
    cell102FnFixed,
    cell103Fn2d,
    diagnostic,
    falseAlarms,
  };
}

/** scratchnet's gradient with its default diagnostic on (a warning would be a false alarm here). */
const numericalGradientStrict: Gradient = (f, X) => numericalGradient(f, X);

/** Runs `fn`, collecting what it passes to console.warn into `into` instead of printing it. */
function captureWarnings<T>(fn: () => T, into: string[] = []): T {
  const original = console.warn;
  console.warn = (...args: unknown[]) => {
    into.push(args.map(String).join(' '));
  };
  try {
    return fn();
  } finally {
    console.warn = original;
  }
}
