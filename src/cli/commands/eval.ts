/**
 * `scratchnet eval <model>`: accuracy and the 10x10 confusion matrix on the test set (or the
 * training set), in the terminal and as a picture (confusion.svg / confusion.png).
 * @module
 */
import { dirname, join } from 'node:path';
import { CliError, choiceFlag, expectPositionals, type FlagSpecs, formatHelp, parseFlags } from '../args.js';
import { loadData, readModel, toJson, writeOutput } from '../common.js';
import { confusionMatrix, confusionSvg, confusionTable, matrixAccuracy } from '../confusion.js';
import { type CliIO, duration, grouped, percent, styleFor } from '../io.js';
import { PngUnavailableError, renderPng } from '../svg.js';

const FLAGS: FlagSpecs = {
  data: {
    type: 'string',
    value: '<dir>',
    help: 'folder with the four MNIST IDX files; default: the embedded digits',
  },
  split: { type: 'string', value: '<name>', help: 'test or train; default test' },
  out: {
    type: 'string',
    short: 'o',
    value: '<dir>',
    help: 'where to write confusion.svg and confusion.png; default: beside the model',
  },
  json: { type: 'boolean', help: 'print accuracy and matrix as JSON' },
};

const HELP = formatHelp(
  'eval',
  '<model>',
  `Evaluates a model file (model.safetensors, or a run folder) on MNIST: accuracy, and the confusion
matrix (rows: true digit, columns: predicted) with recall per digit, printed and drawn to
confusion.svg and confusion.png.`,
  FLAGS,
  'Example:\n  scratchnet eval runs/my-run\n  scratchnet eval runs/my-run/model.safetensors --data ~/mnist --out report/',
);

/** Runs `scratchnet eval`. */
export async function evalCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const flags = parseFlags('eval', argv, FLAGS);
  if (flags.switches.has('help')) {
    io.stdout.write(HELP);
    return 0;
  }
  expectPositionals('eval', flags.positionals, ['model']);
  const split =
    flags.values.split === undefined
      ? 'test'
      : choiceFlag('eval', 'split', flags.values.split, ['test', 'train']);
  const { net, description, path } = readModel('eval', flags.positionals[0]);
  const a = description.architecture;
  if (a.inputSize !== 784 || a.outputSize !== 10) {
    throw new CliError(
      `scratchnet eval: the model takes ${a.inputSize} inputs and gives ${a.outputSize} classes; MNIST needs 784 and 10`,
    );
  }
  const data = await loadData('eval', flags.values.data, a.dtype);
  const x = split === 'test' ? data.xTest : data.xTrain;
  const t = split === 'test' ? data.tTest : data.tTrain;
  const start = performance.now();
  const n = x.shape[0];
  const predictions = new Int32Array(n);
  const batch = 1000;
  for (let i = 0; i < n; i += batch) {
    const end = Math.min(n, i + batch);
    const y = net.predict(x.slice(`${i}:${end}`));
    const p = y.argmax({ axis: 1 }).toFlatArray();
    predictions.set(p, i);
  }
  const seconds = (performance.now() - start) / 1000;
  const labels = t.toFlatArray();
  const m = confusionMatrix(labels, predictions, 10);
  const accuracy = matrixAccuracy(m);

  const outDir = flags.values.out ?? dirname(path);
  const setName = `${data.source === 'embedded' ? 'embedded MNIST' : 'MNIST'} ${split} set (${grouped(n)} images)`;
  const svg = confusionSvg(
    m,
    `Confusion matrix · ${description.model} ${[a.inputSize, ...a.hiddenSizeList, a.outputSize].join('-')}`,
    `${setName} · accuracy ${percent(accuracy)}`,
  );
  const files: Record<string, string> = {};
  writeOutput(join(outDir, 'confusion.svg'), svg);
  files.svg = join(outDir, 'confusion.svg');
  let pngNote = '';
  try {
    writeOutput(join(outDir, 'confusion.png'), await renderPng(svg));
    files.png = join(outDir, 'confusion.png');
  } catch (e) {
    if (!(e instanceof PngUnavailableError)) throw e;
    pngNote = e.message;
  }

  if (flags.switches.has('json')) {
    io.stdout.write(
      toJson({
        model: path,
        data: data.description,
        split,
        samples: n,
        accuracy,
        confusion: m,
        seconds,
        files,
      }),
    );
    return 0;
  }
  const style = styleFor(io.stdout, io.env);
  const w = io.stdout.write.bind(io.stdout);
  w(`${style.bold('scratchnet eval')}  ${path}\n`);
  w(`  ${style.dim('model')}  ${description.layers.join(' → ')}\n`);
  w(`  ${style.dim('data ')}  ${data.description}, ${split} split\n\n`);
  w(`${confusionTable(m, style)}\n\n`);
  const errors = n - Math.round(accuracy * n);
  w(
    `${style.bold(`accuracy ${percent(accuracy)}`)} (${grouped(n - errors)} of ${grouped(n)} right, ${grouped(errors)} wrong) · ${duration(seconds)}\n`,
  );
  // The most frequent confusions, the first thing to look at.
  const pairs: [number, number, number][] = [];
  m.forEach((row, i) => {
    row.forEach((v, j) => {
      if (i !== j && v > 0) pairs.push([v, i, j]);
    });
  });
  pairs.sort((p, q) => q[0] - p[0]);
  if (pairs.length > 0) {
    w(
      `most confused: ${pairs
        .slice(0, 3)
        .map(([v, i, j]) => `${i}→${j} (${v})`)
        .join(', ')}\n`,
    );
  }
  w(`\nconfusion matrix: ${files.svg}${files.png ? `, ${files.png}` : ''}\n`);
  if (pngNote) w(`${style.yellow('note:')} no PNG: ${pngNote}\n`);
  return 0;
}
