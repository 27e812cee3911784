/**
 * `scratchnet export <model> --onnx <out.onnx>`: the model as ONNX, for ONNX Runtime and friends.
 * @module
 */
import fs from 'node:fs';
import { exportOnnx } from '../../node.js';
import { CliError, expectPositionals, type FlagSpecs, formatHelp, parseFlags } from '../args.js';
import { firstLine, readModel, toJson } from '../common.js';
import { type CliIO, grouped, styleFor } from '../io.js';

const FLAGS: FlagSpecs = {
  onnx: { type: 'string', value: '<out.onnx>', help: 'where to write the ONNX model (required)' },
  json: { type: 'boolean', help: 'print what was written as JSON' },
};

const HELP = formatHelp(
  'export',
  '<model>',
  `Exports a model file (model.safetensors, or a run folder) to ONNX: input 'input'
float32 [N, 784], outputs 'probabilities' and 'logits' [N, 10]. Serve it with ONNX Runtime.`,
  FLAGS,
  'Example:\n  scratchnet export runs/my-run --onnx mnist.onnx',
);

/** Runs `scratchnet export`. */
export async function exportCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const flags = parseFlags('export', argv, FLAGS);
  if (flags.switches.has('help')) {
    io.stdout.write(HELP);
    return 0;
  }
  expectPositionals('export', flags.positionals, ['model']);
  const out = flags.values.onnx;
  if (out === undefined) {
    throw new CliError('scratchnet export: --onnx <out.onnx> is required (the only format for now is ONNX)');
  }
  if (out.trim() === '') throw new CliError("scratchnet export: --onnx: expected a file path, got ''");
  const { net, description } = readModel('export', flags.positionals[0]);
  try {
    exportOnnx(net, out);
  } catch (e) {
    throw new CliError(`scratchnet export: cannot write '${out}': ${firstLine(e)}`);
  }
  const bytes = fs.statSync(out).size;
  if (flags.switches.has('json')) {
    io.stdout.write(
      toJson({ model: flags.positionals[0], onnx: out, bytes, architecture: description.model }),
    );
    return 0;
  }
  const style = styleFor(io.stdout, io.env);
  io.stdout.write(
    `${style.green('✔')} wrote ${style.bold(out)} (${grouped(bytes)} bytes, ONNX): ${description.layers.join(' → ')}\n`,
  );
  io.stdout.write(
    `  input 'input' float32 [N, ${description.architecture.inputSize}] → outputs 'probabilities', 'logits' [N, ${description.architecture.outputSize}]\n`,
  );
  return 0;
}
