/**
 * `scratchnet gradcheck --model ...`: backpropagation against central differences for every
 * parameter of a (fresh) network, in float64, on a few MNIST samples; a table per parameter and
 * exit code 1 when one fails.
 * @module
 */
import { gradcheckNet, loadMnist, RandomState } from '../../index.js';
import { CliError, type FlagSpecs, formatHelp, intFlag, numberFlag, parseFlags } from '../args.js';
import { toJson } from '../common.js';
import { type CliIO, duration, grouped, styleFor } from '../io.js';
import { buildNet, CONV_MODELS, describeModel, MODEL_FLAGS, readModelConfig } from '../model-config.js';

const { dtype: _dtype, ...ARCH_FLAGS } = MODEL_FLAGS;

const FLAGS: FlagSpecs = {
  ...ARCH_FLAGS,
  samples: {
    type: 'string',
    value: '<n>',
    help: 'number of training digits in the batch; default 3 (as the book; conv nets: 1)',
  },
  'max-elements': {
    type: 'string',
    value: '<n>',
    help: 'check at most n elements per parameter (a regular grid); 0 = all; default 1000 (convnet: 200, deep-convnet: 40)',
  },
  atol: { type: 'string', value: '<x>', help: 'absolute tolerance; default 1e-5' },
  rtol: { type: 'string', value: '<x>', help: 'relative tolerance; default 1e-3' },
  seed: { type: 'string', value: '<n>', help: 'seed of the initial weights (and dropout masks); default 0' },
  json: { type: 'boolean', help: 'print the report as JSON' },
};

const HELP = formatHelp(
  'gradcheck',
  '',
  `Checks a network's backpropagation: for each parameter, the analytic gradient (net.gradient)
against the numerical one (central differences of the loss, each element perturbed in place),
in float64 on the first training digits. Prints max and mean |diff| per parameter; exits with
code 1 if an element is off by more than atol + rtol * |numerical|.`,
  FLAGS,
  'Examples:\n  scratchnet gradcheck --model two-layer\n  scratchnet gradcheck --model mlp --hidden 100,100 --batchnorm --dropout 0.3',
);

/** 1e-6 rather than 0.000001. */
function sci(x: number): string {
  return x !== 0 && Math.abs(x) < 1e-3 ? x.toExponential() : String(x);
}

function shape(s: readonly number[]): string {
  return `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;
}

/** Runs `scratchnet gradcheck`. */
export async function gradcheckCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const flags = parseFlags('gradcheck', argv, FLAGS);
  if (flags.switches.has('help')) {
    io.stdout.write(HELP);
    return 0;
  }
  if (flags.positionals.length > 0) {
    throw new CliError(
      `scratchnet gradcheck: unexpected argument '${flags.positionals[0]}' (gradcheck takes only flags)`,
    );
  }
  const config = readModelConfig('gradcheck', flags, { dtype: 'float64' });
  const v = flags.values;
  // The conv nets are checked on one digit and fewer elements, so the check takes seconds.
  const conv = CONV_MODELS.includes(config.model);
  const samples =
    v.samples === undefined ? (conv ? 1 : 3) : intFlag('gradcheck', 'samples', v.samples, 1, 1000);
  const defaultMax = config.model === 'deep-convnet' ? 40 : conv ? 200 : 1000;
  const maxElements =
    v['max-elements'] === undefined ? defaultMax : intFlag('gradcheck', 'max-elements', v['max-elements'], 0);
  const atol = v.atol === undefined ? 1e-5 : numberFlag('gradcheck', 'atol', v.atol, { ge: 0 });
  const rtol = v.rtol === undefined ? 1e-3 : numberFlag('gradcheck', 'rtol', v.rtol, { ge: 0 });
  const seed = v.seed === undefined ? 0 : intFlag('gradcheck', 'seed', v.seed, 0, 2 ** 32 - 1);

  const { xTrain, tTrain } = await loadMnist({ dtype: 'float64' });
  const x = xTrain.slice(`:${samples}`);
  const t = tTrain.slice(`:${samples}`);
  const rng = new RandomState(seed);
  const net = buildNet(config, rng);
  if (conv) {
    // The zero pixels around a digit make a fresh conv net's pre-activations exactly its zero
    // biases, where ReLU has a kink and central differences are wrong: check at small random biases.
    for (const k of Object.keys(net.params)) {
      if (k.startsWith('b'))
        net.params[k] = rng.randn(...(net.params[k].shape as [number, ...number[]])).mul(0.01);
    }
  }
  const start = performance.now();
  const report = gradcheckNet(net, x, t, {
    atol,
    rtol,
    maxElements: maxElements === 0 ? undefined : maxElements,
    raise: false,
  });
  const seconds = (performance.now() - start) / 1000;

  if (flags.switches.has('json')) {
    io.stdout.write(toJson({ model: describeModel(config), samples, seconds, ...report }));
    return report.passed ? 0 : 1;
  }
  const style = styleFor(io.stdout, io.env);
  const w = io.stdout.write.bind(io.stdout);
  w(`${style.bold('scratchnet gradcheck')}  ${style.cyan(describeModel(config))}\n`);
  w(
    `  ${style.dim(`backprop vs central differences (eps ${sci(report.options.eps)}) on ${samples} training digit${samples === 1 ? '' : 's'}, seed ${seed}; pass: |diff| <= ${sci(atol)} + ${sci(rtol)}·|numerical|`)}\n\n`,
  );
  const rows = Object.values(report.tensors).map((r) => {
    const size = r.shape.reduce((p, q) => p * q, 1);
    return [
      r.name,
      shape(r.shape),
      r.checked < size ? `${grouped(r.checked)}/${grouped(size)}` : grouped(size),
      r.maxAbsDiff.toExponential(2),
      r.meanAbsDiff.toExponential(2),
      r.passed ? 'pass' : `FAIL (${r.failures})`,
    ];
  });
  const head = ['parameter', 'shape', 'checked', 'max |diff|', 'mean |diff|', 'result'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 || i === 1 || i === 5 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('   ');
  w(`  ${style.dim(fmt(head))}\n`);
  for (const r of rows) {
    const line = fmt(r);
    const passed = r[5] === 'pass';
    const result = passed ? style.green(`✔ ${r[5]}`) : style.red(`✘ ${r[5]}`);
    w(`  ${line.slice(0, line.length - r[5].padEnd(widths[5]).length)}${result}\n`);
  }
  w('\n');
  const failed = Object.values(report.tensors).filter((r) => !r.passed);
  if (failed.length === 0) {
    w(
      `${style.green('✔')} ${style.bold('all gradients match')} (max |diff| ${report.maxAbsDiff.toExponential(2)}, mean ${report.meanAbsDiff.toExponential(2)}) · ${duration(seconds)}\n`,
    );
    return 0;
  }
  for (const r of failed) {
    w(
      `${style.red('✘')} ${r.name}: worst at [${r.worstIndex.join(', ')}]: analytic ${r.analytic}, numerical ${r.numerical}\n`,
    );
  }
  w(`${style.red(style.bold(`${failed.length} of ${rows.length} parameters fail`))}\n`);
  return 1;
}
