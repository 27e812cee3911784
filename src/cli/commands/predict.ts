/**
 * `scratchnet predict <model> <image>`: reads a digit picture of any size (PNG, JPEG or an IDX
 * file), converts it to a 28x28 MNIST-style image and prints the three most likely digits.
 * @module
 */
import fs from 'node:fs';
import { fromData, softmax } from '../../index.js';
import { CliError, expectPositionals, type FlagSpecs, formatHelp, intFlag, parseFlags } from '../args.js';
import { readModel, toJson } from '../common.js';
import { asciiDigit, decodeImage, sniff, toMnist } from '../image.js';
import { type CliIO, styleFor } from '../io.js';
import { probabilities } from '../model-config.js';
import { bar } from '../progress.js';

const FLAGS: FlagSpecs = {
  index: { type: 'string', value: '<n>', help: 'which image of an IDX file with several; default 0' },
  top: { type: 'string', value: '<k>', help: 'how many classes to list, 1..10; default 3' },
  json: { type: 'boolean', help: 'print the probabilities as JSON' },
};

const HELP = formatHelp(
  'predict',
  '<model> <image>',
  `Classifies a digit picture with a model file (model.safetensors, or a run folder).
The picture (PNG, JPEG or IDX; any size, colour or grey, dark on light or light on dark) is
prepared the way MNIST was: grey, inverted if the background is light, cropped to the ink,
scaled so its longer side is 20 px, centred by its centre of mass in 28x28, values 0..1.
IDX files (MNIST's own format) are taken as they are when they hold 28x28 images.`,
  FLAGS,
  'Example:\n  scratchnet predict runs/my-run digit.png',
);

/** Runs `scratchnet predict`. */
export async function predictCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const flags = parseFlags('predict', argv, FLAGS);
  if (flags.switches.has('help')) {
    io.stdout.write(HELP);
    return 0;
  }
  expectPositionals('predict', flags.positionals, ['model', 'image']);
  const [modelPath, imagePath] = flags.positionals;
  const index = flags.values.index === undefined ? 0 : intFlag('predict', 'index', flags.values.index, 0);
  const top = flags.values.top === undefined ? 3 : intFlag('predict', 'top', flags.values.top, 1, 10);
  const { net, description } = readModel('predict', modelPath);
  const a = description.architecture;
  if (a.inputSize !== 784) {
    throw new CliError(`scratchnet predict: the model takes ${a.inputSize} inputs, not 28x28 = 784 pixels`);
  }

  let bytes: Uint8Array;
  try {
    const st = fs.statSync(imagePath);
    if (st.isDirectory()) throw new CliError(`scratchnet predict: '${imagePath}' is a folder, not an image`);
    if (st.size > 200 * 1024 * 1024) {
      throw new CliError(
        `scratchnet predict: '${imagePath}' is ${Math.round(st.size / 2 ** 20)} MB; images up to 200 MB are accepted`,
      );
    }
    bytes = new Uint8Array(fs.readFileSync(imagePath));
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`scratchnet predict: no such image file '${imagePath}'`);
  }
  const img = decodeImage(`scratchnet predict: ${imagePath}`, bytes, index);
  const kind = sniff(bytes);
  // MNIST's own 28x28 images are already prepared; anything else goes through the conversion.
  let pixels: Float64Array;
  let how: string;
  if (kind === 'idx' && img.width === 28 && img.height === 28) {
    pixels = img.data;
    how = `IDX image ${index}, used as it is`;
  } else {
    const c = toMnist(`scratchnet predict: ${imagePath}`, img);
    pixels = c.pixels;
    how = `${img.width}x${img.height} ${kind?.toUpperCase()}${c.inverted ? ', inverted (dark ink on light)' : ''}, digit ${c.box[2]}x${c.box[3]} at (${c.box[0]}, ${c.box[1]}) → 28x28`;
  }
  const x = fromData(a.dtype === 'float32' ? Float32Array.from(pixels) : pixels, [1, 784]);
  const p = probabilities(net, x, softmax).toFlatArray();
  const ranked = p
    .map((prob, digit) => ({ digit, probability: prob }))
    .sort((u, v) => v.probability - u.probability);

  if (flags.switches.has('json')) {
    io.stdout.write(
      toJson({
        model: modelPath,
        image: imagePath,
        prediction: ranked[0].digit,
        top: ranked.slice(0, top),
        probabilities: p,
      }),
    );
    return 0;
  }
  const style = styleFor(io.stdout, io.env);
  const w = io.stdout.write.bind(io.stdout);
  w(`${style.bold(imagePath)}  ${style.dim(how)}\n\n`);
  const art = asciiDigit(pixels).split('\n');
  const lines = ranked.slice(0, top).map((r, i) => {
    const pct = `${(100 * r.probability).toFixed(1).padStart(5)}%`;
    const row = `${style.bold(String(r.digit))}  ${style.cyan(bar(r.probability, 20))} ${pct}`;
    return i === 0 ? `${row}  ${style.green('← prediction')}` : row;
  });
  const right = ['', style.dim('top classes'), '', ...lines];
  for (let i = 0; i < Math.max(art.length, right.length); i++) {
    w(
      `  ${style.dim('│')}${(art[i] ?? '').padEnd(28)}${style.dim('│')}   ${right[i] ?? ''}\n`.replace(
        / +\n$/,
        '\n',
      ),
    );
  }
  w(`\n${style.bold(`prediction: ${ranked[0].digit}`)} (${(100 * ranked[0].probability).toFixed(1)}%)\n`);
  return 0;
}
