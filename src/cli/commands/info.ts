/**
 * `scratchnet info <model>`: what a model file holds: architecture, layers, parameter count, every
 * tensor with its shape, and the training metadata.
 * @module
 */
import { expectPositionals, type FlagSpecs, formatHelp, parseFlags } from '../args.js';
import { readModel, toJson } from '../common.js';
import { type CliIO, duration, grouped, percent, styleFor } from '../io.js';

const FLAGS: FlagSpecs = {
  json: { type: 'boolean', help: 'print the description as JSON' },
};

const HELP = formatHelp(
  'info',
  '<model>',
  'Shows what a model file (model.safetensors, or a run folder) holds: the architecture and its layers,\nthe number of parameters, every tensor with its shape and dtype, and how it was trained.',
  FLAGS,
);

function shape(s: readonly number[]): string {
  return `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;
}

/** Runs `scratchnet info`. */
export async function infoCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const flags = parseFlags('info', argv, FLAGS);
  if (flags.switches.has('help')) {
    io.stdout.write(HELP);
    return 0;
  }
  expectPositionals('info', flags.positionals, ['model']);
  const path = flags.positionals[0];
  const { description: d } = readModel('info', path);
  if (flags.switches.has('json')) {
    io.stdout.write(toJson({ path, ...d }));
    return 0;
  }
  const style = styleFor(io.stdout, io.env);
  const a = d.architecture;
  const w = io.stdout.write.bind(io.stdout);
  const label = (s: string) => style.dim(s.padEnd(12));
  w(`${style.bold(path)}\n`);
  w(`  ${label('format')}scratchnet ${d.file} (safetensors), written by scratchnet ${d.version}\n`);
  w(
    `  ${label('model')}${style.cyan(d.model)} ${[a.inputSize, ...a.hiddenSizeList, a.outputSize].join('-')}, ${a.activation}, ${a.dtype}\n`,
  );
  const extras: string[] = [];
  if (a.useBatchnorm) extras.push('batch norm');
  if (a.useDropout) extras.push(`dropout ${a.dropoutRatio}`);
  if (a.weightDecayLambda > 0) extras.push(`weight decay ${a.weightDecayLambda}`);
  if (extras.length > 0) w(`  ${label('options')}${extras.join(', ')}\n`);
  w(`  ${label('layers')}${d.layers.join(' → ')}\n`);
  w(`  ${label('parameters')}${style.bold(grouped(d.parameterCount))}\n\n`);
  const nameW = Math.max(6, ...d.tensors.map((t) => t.name.length));
  const shapeW = Math.max(5, ...d.tensors.map((t) => shape(t.shape).length));
  w(
    `  ${style.dim(`${'tensor'.padEnd(nameW)}  ${'shape'.padEnd(shapeW)}  dtype     ${'elements'.padStart(9)}  role`)}\n`,
  );
  for (const t of d.tensors) {
    w(
      `  ${t.name.padEnd(nameW)}  ${shape(t.shape).padEnd(shapeW)}  ${t.dtype.padEnd(8)}  ${grouped(t.size).padStart(9)}  ${t.role}\n`,
    );
  }
  const tr = d.training;
  if (tr !== null && typeof tr === 'object') {
    w(`\n  ${style.bold('training')}\n`);
    for (const [k, v] of Object.entries(tr as Record<string, unknown>)) {
      let s: string;
      if ((k === 'testAcc' || k === 'trainAcc') && typeof v === 'number') s = percent(v);
      else if (k === 'seconds' && typeof v === 'number') s = duration(v);
      else s = typeof v === 'string' ? v : JSON.stringify(v);
      w(`  ${label(k)}${s}\n`);
    }
  } else {
    w(`\n  ${style.dim('no training metadata')}\n`);
  }
  return 0;
}
