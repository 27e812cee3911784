/**
 * `scratchnet train`: trains a net on MNIST with a live progress display, then writes the model,
 * the history (CSV and JSON), the curves (SVG and PNG) to a run folder. Checkpoints
 * (`--checkpoint-every`) and `--resume` continue a run bit for bit.
 * @module
 */
import fs from 'node:fs';
import { join, resolve } from 'node:path';
import { OPTIMIZER_NAMES, type OptimizerName, RandomState, Trainer } from '../../index.js';
import {
  CHECKPOINT_FILE,
  readCheckpoint,
  SafetensorsError,
  saveParams,
  writeCheckpoint,
} from '../../node.js';
import {
  CliError,
  choiceFlag,
  type FlagSpecs,
  formatHelp,
  intFlag,
  numberFlag,
  type ParsedFlags,
  parseFlags,
} from '../args.js';
import { firstLine, type LoadedData, loadData, toJson, writeOutput } from '../common.js';
import { type CliIO, duration, grouped, percent, styleFor } from '../io.js';
import {
  buildNet,
  type CliNet,
  describeModel,
  MODEL_FLAGS,
  type ModelConfig,
  readModelConfig,
} from '../model-config.js';
import { curvesSvg, type EvalPoint } from '../plot.js';
import { Progress } from '../progress.js';
import { checkNewRunDir, defaultRunDir } from '../run-dir.js';
import { PngUnavailableError, renderPng } from '../svg.js';
import { type EpochRow, epochHeader, epochLine, evalSteps, historyCsv, meanLoss } from '../train-history.js';

/** Default learning rate of each optimizer (the book's choices for MNIST). */
export const DEFAULT_LR: Record<OptimizerName, number> = {
  sgd: 0.1,
  momentum: 0.01,
  nesterov: 0.01,
  adagrad: 0.01,
  rmsprop: 0.001,
  adam: 0.001,
};

/** How the optimizers are spelled in the book. */
const OPTIMIZER_LABEL: Record<OptimizerName, string> = {
  sgd: 'SGD',
  momentum: 'Momentum',
  nesterov: 'Nesterov',
  adagrad: 'AdaGrad',
  rmsprop: 'RMSprop',
  adam: 'Adam',
};

/**
 * Defaults of the run, with the model's (mlp 784-100-100-10, ReLU, float32). Measured on the
 * 2-core dev machine: 5.4-26 s of CPU for the 800 steps (the kernels got faster while this was
 * written), 94.0-94.05 % test accuracy (train 99.0 %);
 * mlp 784-100-10 gave 92.7 %; 20 epochs of 100,100 94.3 % (9 s); 256,128 for 20 epochs 94.75 % (18 s).
 */
export const TRAIN_DEFAULTS = { optimizer: 'adam' as OptimizerName, epochs: 10, batchSize: 100, seed: 0 };

/**
 * Default epochs of the conv nets, slower per step (2-core dev machine, float32, embedded data):
 * convnet about 22 s per epoch (1 epoch: 86.65 % test accuracy), deep-convnet about 3 minutes.
 */
export const CONV_DEFAULT_EPOCHS: Partial<Record<ModelConfig['model'], number>> = {
  convnet: 2,
  'deep-convnet': 1,
};

const FLAGS: FlagSpecs = {
  ...MODEL_FLAGS,
  optimizer: {
    type: 'string',
    value: '<name>',
    help: `${OPTIMIZER_NAMES.join(', ')}; default ${TRAIN_DEFAULTS.optimizer}`,
  },
  lr: {
    type: 'string',
    value: '<rate>',
    help: 'learning rate > 0; default 0.001 (adam, rmsprop), 0.1 (sgd), 0.01 (momentum, nesterov, adagrad)',
  },
  epochs: {
    type: 'string',
    value: '<n>',
    help: `number of epochs (may be fractional); default ${TRAIN_DEFAULTS.epochs} (convnet: ${CONV_DEFAULT_EPOCHS.convnet}, deep-convnet: ${CONV_DEFAULT_EPOCHS['deep-convnet']})`,
  },
  'batch-size': {
    type: 'string',
    value: '<n>',
    help: `mini-batch size; default ${TRAIN_DEFAULTS.batchSize}`,
  },
  seed: {
    type: 'string',
    value: '<n>',
    help: `random seed (weights, batches, dropout); default ${TRAIN_DEFAULTS.seed}`,
  },
  data: {
    type: 'string',
    value: '<dir>',
    help: 'folder with the four MNIST IDX files (.gz or not); default: the embedded 10,000 digits',
  },
  out: {
    type: 'string',
    short: 'o',
    value: '<dir>',
    help: 'run folder for the outputs; default runs/<date-time>',
  },
  'checkpoint-every': {
    type: 'string',
    value: '<steps>',
    help: 'write a checkpoint every this many steps (atomic; Ctrl-C writes one too)',
  },
  resume: { type: 'string', value: '<run>', help: 'continue the run in this folder from its checkpoint' },
  json: { type: 'boolean', help: 'print the result as JSON on stdout (progress goes to stderr)' },
};

const HELP = formatHelp(
  'train',
  '',
  `Trains a network on MNIST digits and saves it with its history and curves.
With no flags: an MLP 784-100-100-10 (ReLU, float32) with Adam (lr 0.001), batch 100, 10 epochs on
the 8,000 embedded training digits, tested on the 2,000 others: about 94 % test accuracy, in well under a minute.`,
  FLAGS,
  `Files in the run folder: model.safetensors, history.csv, history.json, curves.svg, curves.png,
run.json (the settings) and, with checkpoints, checkpoint.safetensors.

Examples:
  scratchnet train
  scratchnet train --model two-layer --optimizer sgd --lr 0.1 --epochs 17
  scratchnet train --model convnet
  scratchnet train --hidden 200,100 --dropout 0.2 --batchnorm --checkpoint-every 200 --out runs/big
  scratchnet train --resume runs/big`,
);

/** Everything that fixes a run; saved in run.json and in each checkpoint. */
export interface RunConfig {
  model: ModelConfig;
  optimizer: OptimizerName;
  lr: number;
  epochs: number;
  batchSize: number;
  seed: number;
  /** 'embedded' or the IDX folder (absolute). */
  data: string;
  checkpointEvery: number | null;
}

/** What the checkpoint's `extra` holds. */
interface CheckpointExtra {
  config: RunConfig;
  /** Training seconds before this checkpoint (over all sessions). */
  seconds: number;
}

const RESUME_OK = new Set(['resume', 'json', 'data', 'checkpoint-every']);

function readRunConfig(flags: ParsedFlags): RunConfig {
  const v = flags.values;
  const model = readModelConfig('train', flags);
  const optimizer =
    v.optimizer === undefined
      ? TRAIN_DEFAULTS.optimizer
      : choiceFlag('train', 'optimizer', v.optimizer, OPTIMIZER_NAMES);
  const lr = v.lr === undefined ? DEFAULT_LR[optimizer] : numberFlag('train', 'lr', v.lr, { gt: 0 });
  const epochs =
    v.epochs === undefined
      ? (CONV_DEFAULT_EPOCHS[model.model] ?? TRAIN_DEFAULTS.epochs)
      : numberFlag('train', 'epochs', v.epochs, { gt: 0 });
  if (epochs > 100_000)
    throw new CliError(`scratchnet train: --epochs: expected a number in (0, 100000], got '${v.epochs}'`);
  const batchSize =
    v['batch-size'] === undefined
      ? TRAIN_DEFAULTS.batchSize
      : intFlag('train', 'batch-size', v['batch-size'], 1, 1_000_000);
  const seed = v.seed === undefined ? TRAIN_DEFAULTS.seed : intFlag('train', 'seed', v.seed, 0, 2 ** 32 - 1);
  const checkpointEvery =
    v['checkpoint-every'] === undefined
      ? null
      : intFlag('train', 'checkpoint-every', v['checkpoint-every'], 1);
  return {
    model,
    optimizer,
    lr,
    epochs,
    batchSize,
    seed,
    data: v.data === undefined ? 'embedded' : resolve(v.data),
    checkpointEvery,
  };
}

/** Runs `scratchnet train`. */
export async function trainCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const flags = parseFlags('train', argv, FLAGS);
  if (flags.switches.has('help')) {
    io.stdout.write(HELP);
    return 0;
  }
  if (flags.positionals.length > 0) {
    throw new CliError(
      `scratchnet train: unexpected argument '${flags.positionals[0]}' (train takes only flags; see --help)`,
    );
  }
  const json = flags.switches.has('json');
  const out = json ? io.stderr : io.stdout;
  const style = styleFor(out, io.env);

  // Settings: from the flags, or from the checkpoint of the run to resume.
  let config: RunConfig;
  let runDir: string;
  let resumed: ReturnType<typeof readCheckpoint> | null = null;
  let previousSeconds = 0;
  // One random source for everything (initial weights, mini-batches, dropout masks): the
  // Trainer's state then holds all the randomness a resumed run needs.
  let rng = new RandomState(0);
  if (flags.values.resume !== undefined) {
    const extra = [...Object.keys(flags.values), ...flags.switches].filter((k) => !RESUME_OK.has(k));
    if (extra.length > 0) {
      throw new CliError(
        `scratchnet train: --${extra[0]} cannot be combined with --resume (the run keeps its own settings; allowed with --resume: --data, --checkpoint-every, --json)`,
      );
    }
    runDir = flags.values.resume;
    const ckptPath = join(runDir, CHECKPOINT_FILE);
    if (!fs.existsSync(runDir))
      throw new CliError(`scratchnet train: --resume: no such run folder '${runDir}'`);
    if (!fs.existsSync(ckptPath)) {
      throw new CliError(
        `scratchnet train: --resume: '${runDir}' has no ${CHECKPOINT_FILE} (train with --checkpoint-every <steps> to write checkpoints)`,
      );
    }
    try {
      resumed = readCheckpoint(runDir, { rng });
    } catch (e) {
      const what = e instanceof SafetensorsError ? 'damaged checkpoint' : 'cannot read checkpoint';
      throw new CliError(`scratchnet train: --resume: ${what}: ${firstLine(e)}`);
    }
    const x = resumed.extra as CheckpointExtra | undefined;
    if (
      x === null ||
      typeof x !== 'object' ||
      typeof x.config !== 'object' ||
      resumed.trainerState === null
    ) {
      throw new CliError(
        `scratchnet train: --resume: ${ckptPath} was not written by scratchnet train (no run settings in it)`,
      );
    }
    config = { ...x.config };
    if (flags.values.data !== undefined) config.data = resolve(flags.values.data);
    if (flags.values['checkpoint-every'] !== undefined) {
      config.checkpointEvery = intFlag('train', 'checkpoint-every', flags.values['checkpoint-every'], 1);
    }
    previousSeconds = Number.isFinite(x.seconds) ? x.seconds : 0;
  } else {
    config = readRunConfig(flags);
    runDir = flags.values.out ?? defaultRunDir();
    checkNewRunDir(runDir);
  }

  const data: LoadedData = await loadData(
    'train',
    config.data === 'embedded' ? undefined : config.data,
    config.model.dtype,
  );

  let net: CliNet;
  if (resumed !== null) {
    // Rebuilt with its dropout masks drawn from `rng`, whose state the trainer restores below.
    net = resumed.net as CliNet;
  } else {
    rng = new RandomState(config.seed);
    net = buildNet(config.model, rng);
  }
  const trainer = new Trainer(net, data.xTrain, data.tTrain, data.xTest, data.tTest, {
    epochs: config.epochs,
    miniBatchSize: config.batchSize,
    optimizer: config.optimizer,
    optimizerParam: { lr: config.lr },
    rng,
    verbose: false,
  });
  if (resumed !== null) {
    try {
      trainer.setState(resumed.trainerState!);
    } catch (e) {
      throw new CliError(
        `scratchnet train: --resume: the checkpoint does not fit this data: ${firstLine(e)}`,
      );
    }
  }
  const ipe = trainer.iterPerEpoch;
  const maxIter = trainer.maxIter;
  if (maxIter < 1) {
    throw new CliError(
      `scratchnet train: --epochs ${config.epochs} is less than one step (${data.xTrain.shape[0]} samples, batch ${config.batchSize})`,
    );
  }

  fs.mkdirSync(runDir, { recursive: true });
  const runJson = {
    command: 'scratchnet train',
    ...config,
    dataDescription: data.description,
    architecture: describeModel(config.model),
  };
  if (resumed === null) writeOutput(join(runDir, 'run.json'), toJson(runJson));

  // Header.
  const hr = style.dim('─'.repeat(66));
  out.write(`${style.bold('scratchnet train')}  ${style.cyan(describeModel(config.model))}\n`);
  out.write(`  ${style.dim('data     ')} ${data.description}\n`);
  out.write(
    `  ${style.dim('training ')} ${OPTIMIZER_LABEL[config.optimizer]} lr ${config.lr} · batch ${config.batchSize} · ${config.epochs} epochs (${grouped(maxIter)} steps) · seed ${config.seed}\n`,
  );
  out.write(
    `  ${style.dim('run      ')} ${runDir}${config.checkpointEvery ? ` (checkpoint every ${config.checkpointEvery} steps)` : ''}\n`,
  );
  if (resumed !== null) {
    const finished =
      trainer.currentIter >= maxIter ? '; the run had finished: writing its outputs again' : '';
    out.write(
      `  ${style.yellow('resuming')}  from step ${trainer.currentIter}/${maxIter} (epoch ${Math.floor(trainer.currentIter / ipe)})${finished}\n`,
    );
  }
  out.write(`${hr}\n${epochHeader(style)}\n`);

  const live = Boolean(out.isTTY);
  const progress = new Progress(out, {
    total: maxIter,
    stepsPerEpoch: ipe,
    epochs: config.epochs,
    batchSize: config.batchSize,
    startStep: trainer.currentIter,
    live,
    style,
  });

  // Epoch rows: the Trainer evaluates right after the first step of each epoch; the row is
  // labelled with the epochs completed before it (0 = the start).
  const rows: EpochRow[] = [];
  const history = trainer.history;
  const pastSteps = evalSteps(ipe, maxIter, history.testAccList.length);
  history.testAccList.forEach((testAcc, i) => {
    const step = pastSteps[i];
    const prev = i === 0 ? 0 : pastSteps[i - 1];
    rows.push({
      epoch: Math.floor(step / ipe),
      step,
      loss: meanLoss(history.trainLossList, prev, step),
      trainAcc: history.trainAccList[i],
      testAcc,
      seconds: null,
    });
    out.write(`${style.dim(epochLine(rows[rows.length - 1], maxIter, style))}\n`);
  });
  let lastEvalStep = rows.length > 0 ? rows[rows.length - 1].step : 0;
  const sessionStart = performance.now();
  const seconds = () => previousSeconds + (performance.now() - sessionStart) / 1000;

  const checkpoint = (step: number): void => {
    const extra: CheckpointExtra = { config, seconds: seconds() };
    writeCheckpoint(runDir, { net, trainer, step, extra });
  };

  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  let lastYield = performance.now();
  try {
    while (trainer.currentIter < maxIter && !interrupted) {
      const info = trainer.step();
      progress.update(info.step, info.loss);
      if (info.epochEnd) {
        const row: EpochRow = {
          epoch: Math.floor(info.step / ipe),
          step: info.step,
          loss: meanLoss(history.trainLossList, lastEvalStep, info.step),
          trainAcc: history.trainAccList[history.trainAccList.length - 1],
          testAcc: history.testAccList[history.testAccList.length - 1],
          seconds: seconds(),
        };
        lastEvalStep = info.step;
        rows.push(row);
        progress.log(epochLine(row, maxIter, style));
      }
      if (
        config.checkpointEvery !== null &&
        info.step % config.checkpointEvery === 0 &&
        info.step < maxIter
      ) {
        checkpoint(info.step);
      }
      // Let signals (Ctrl-C) through now and then.
      if (performance.now() - lastYield > 100) {
        await new Promise((r) => setImmediate(r));
        lastYield = performance.now();
      }
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  if (interrupted) {
    progress.finish();
    checkpoint(trainer.currentIter);
    out.write(
      `\n${style.yellow('Interrupted')} at step ${trainer.currentIter}/${maxIter}; checkpoint saved. Continue with:\n  scratchnet train --resume ${runDir}\n`,
    );
    return 130;
  }

  // Final evaluation on the whole sets.
  const trainAcc = net.accuracy(data.xTrain, data.tTrain);
  const testAcc = net.accuracy(data.xTest, data.tTest);
  const totalSeconds = seconds();
  const finalRow: EpochRow = {
    epoch: Number((maxIter / ipe).toFixed(2)),
    step: maxIter,
    loss: meanLoss(history.trainLossList, lastEvalStep, maxIter),
    trainAcc,
    testAcc,
    seconds: totalSeconds,
  };
  if (lastEvalStep < maxIter || rows.length === 0) progress.log(epochLine(finalRow, maxIter, style));
  progress.finish();
  const sessionSteps = maxIter - (resumed?.step ?? 0);
  const sessionSeconds = (performance.now() - sessionStart) / 1000;
  const samplesPerSecond = sessionSeconds > 0 ? (sessionSteps * config.batchSize) / sessionSeconds : 0;

  // Files.
  const evals: EvalPoint[] = rows.map((r) => ({ step: r.step, trainAcc: r.trainAcc, testAcc: r.testAcc }));
  if (lastEvalStep < maxIter || evals.length === 0) evals.push({ step: maxIter, trainAcc, testAcc });
  const files: Record<string, string> = {};
  const modelPath = join(runDir, 'model.safetensors');
  const training = {
    data: data.description,
    optimizer: config.optimizer,
    lr: config.lr,
    epochs: config.epochs,
    batchSize: config.batchSize,
    seed: config.seed,
    steps: maxIter,
    trainAcc,
    testAcc,
    seconds: Number(totalSeconds.toFixed(3)),
    date: new Date().toISOString(),
  };
  saveParams(net, modelPath, { metadata: { training } });
  files.model = modelPath;
  writeOutput(join(runDir, 'history.csv'), historyCsv(history.trainLossList, evals, ipe));
  files.historyCsv = join(runDir, 'history.csv');
  writeOutput(
    join(runDir, 'history.json'),
    toJson({
      ...runJson,
      stepsPerEpoch: ipe,
      steps: maxIter,
      evaluations: evals.map((e) => ({ epoch: Number((e.step / ipe).toFixed(4)), ...e })),
      final: { trainAcc, testAcc, seconds: totalSeconds, samplesPerSecond },
      loss: history.trainLossList,
    }),
  );
  files.historyJson = join(runDir, 'history.json');
  const title = `scratchnet · ${describeModel(config.model)}`;
  const subtitle = `${OPTIMIZER_LABEL[config.optimizer]} lr ${config.lr} · batch ${config.batchSize} · ${config.epochs} epochs · ${data.description} · test accuracy ${percent(testAcc)}`;
  const svg = curvesSvg({ title, subtitle, stepsPerEpoch: ipe, loss: history.trainLossList, evals });
  writeOutput(join(runDir, 'curves.svg'), svg);
  files.curvesSvg = join(runDir, 'curves.svg');
  let pngNote = '';
  try {
    writeOutput(join(runDir, 'curves.png'), await renderPng(svg));
    files.curvesPng = join(runDir, 'curves.png');
  } catch (e) {
    if (!(e instanceof PngUnavailableError)) throw e;
    pngNote = e.message;
  }
  // The final state, so that the checkpoint of the run (if it has one) matches its outputs.
  if (config.checkpointEvery !== null || fs.existsSync(join(runDir, CHECKPOINT_FILE))) {
    checkpoint(maxIter);
    files.checkpoint = join(runDir, CHECKPOINT_FILE);
  }

  if (json) {
    io.stdout.write(
      toJson({
        run: runDir,
        model: describeModel(config.model),
        data: data.description,
        steps: maxIter,
        epochs: config.epochs,
        trainAcc,
        testAcc,
        seconds: totalSeconds,
        samplesPerSecond,
        resumedFrom: resumed?.step ?? null,
        files,
      }),
    );
  }
  out.write(`${hr}\n`);
  out.write(
    `${style.green('✔')} ${style.bold(`test accuracy ${percent(testAcc)}`)} (train ${percent(trainAcc)}) · ${duration(totalSeconds)} · ${grouped(samplesPerSecond)} samples/s\n\n`,
  );
  out.write(`Saved in ${style.bold(`${runDir}/`)}\n`);
  const listing: [string, string][] = [
    ['model.safetensors', 'the trained network'],
    ['history.csv', 'loss per step, accuracy per epoch (also history.json)'],
    ['curves.svg', `loss and accuracy curves${files.curvesPng ? ' (also curves.png)' : ''}`],
    ['run.json', 'the settings of this run'],
  ];
  if (files.checkpoint) listing.push([CHECKPOINT_FILE, 'to continue with --resume']);
  for (const [f, what] of listing) out.write(`  ${f.padEnd(24)} ${style.dim(what)}\n`);
  if (pngNote) out.write(`  ${style.yellow('note:')} no curves.png: ${pngNote}\n`);
  out.write(`\nNext: ${style.cyan(`scratchnet eval ${modelPath}`)}\n`);
  return 0;
}
