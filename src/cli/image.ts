/**
 * Reading a digit picture (PNG, JPEG or IDX) and turning it into a 28x28 MNIST-style image:
 * grey, white ink on black, the digit cropped to its bounding box, scaled so its longer side is
 * 20 px (aspect kept), centred by its centre of mass in the 28x28 frame, values in [0, 1].
 * That is how LeCun et al. prepared MNIST, so a photo or a drawing looks to the net like its data.
 * @module
 */
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { readIdx } from '../index.js';
import { CliError } from './args.js';

/** Largest picture accepted, in pixels (decoding allocates 4 bytes per pixel). */
export const MAX_IMAGE_PIXELS = 50_000_000;

/** A grey image, row-major, values in [0, 1]. */
export interface GreyImage {
  width: number;
  height: number;
  data: Float64Array;
}

/** What kind of file `bytes` hold, from their first bytes. */
export function sniff(bytes: Uint8Array): 'png' | 'jpeg' | 'idx' | 'gzip' | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47)
    return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return 'gzip';
  if (
    bytes.length >= 4 &&
    bytes[0] === 0 &&
    bytes[1] === 0 &&
    [8, 9, 0x0b, 0x0c, 0x0d, 0x0e].includes(bytes[2])
  )
    return 'idx';
  return null;
}

function luminance(r: number, g: number, b: number): number {
  return (0.299 * r + 0.587 * g + 0.114 * b) / 255;
}

/**
 * RGBA pixels to grey. Transparent pixels are composited over the background that contrasts with
 * the ink: a drawing of dark strokes on a transparent canvas becomes dark on white, light strokes
 * become light on black.
 */
export function rgbaToGrey(width: number, height: number, rgba: ArrayLike<number>): GreyImage {
  const n = width * height;
  let inkSum = 0;
  let inkWeight = 0;
  let translucent = false;
  for (let i = 0; i < n; i++) {
    const a = rgba[4 * i + 3] / 255;
    if (a < 1) translucent = true;
    inkSum += a * luminance(rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]);
    inkWeight += a;
  }
  const background = translucent && inkWeight > 0 && inkSum / inkWeight > 0.5 ? 0 : 1;
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = rgba[4 * i + 3] / 255;
    data[i] = a * luminance(rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]) + (1 - a) * background;
  }
  return { width, height, data };
}

function checkSize(path: string, width: number, height: number): void {
  if (!(width >= 1 && height >= 1)) throw new CliError(`${path}: the image is empty (${width}x${height})`);
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new CliError(
      `${path}: the image is ${width}x${height} pixels; at most ${MAX_IMAGE_PIXELS / 1e6} megapixels are accepted`,
    );
  }
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0];
}

/**
 * Decodes a PNG, JPEG or IDX file into a grey image (`path` starts the error messages) (IDX: image `index` of a `(N, rows, cols)`
 * file, or the one image of a `(rows, cols)` file, as bytes 0..255 scaled to [0, 1]).
 * @throws CliError (one line) when the bytes are not such an image or are damaged
 */
export function decodeImage(path: string, bytes: Uint8Array, index = 0): GreyImage {
  const kind = sniff(bytes);
  if (kind === 'png') {
    // The IHDR chunk holds width and height at bytes 16..24: check them before decoding.
    if (bytes.length >= 24) {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      checkSize(path, view.getUint32(16), view.getUint32(20));
    }
    let png: { width: number; height: number; data: Uint8Array };
    try {
      png = pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch (e) {
      throw new CliError(`${path}: damaged PNG file (${firstLine(e)})`);
    }
    return rgbaToGrey(png.width, png.height, png.data);
  }
  if (kind === 'jpeg') {
    let img: { width: number; height: number; data: Uint8Array };
    try {
      img = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: true,
        maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
        maxMemoryUsageInMB: 1024,
      });
    } catch (e) {
      throw new CliError(`${path}: damaged or unsupported JPEG file (${firstLine(e)})`);
    }
    checkSize(path, img.width, img.height);
    return rgbaToGrey(img.width, img.height, img.data);
  }
  if (kind === 'idx') {
    let t: ReturnType<typeof readIdx>;
    try {
      t = readIdx(bytes);
    } catch (e) {
      throw new CliError(`${path}: damaged IDX file (${firstLine(e)})`);
    }
    if (t.ndim === 2) t = t.reshape(1, t.shape[0], t.shape[1]);
    if (t.ndim !== 3 || t.dtype !== 'uint8') {
      throw new CliError(
        `${path}: expected an IDX file of unsigned-byte images (N, rows, cols) or (rows, cols), got ${t.dtype} (${t.shape.join(', ')})`,
      );
    }
    const [count, h, w] = t.shape;
    if (index >= count) {
      throw new CliError(
        `${path}: --index ${index} is out of range: the file has ${count} image(s) (0..${count - 1})`,
      );
    }
    checkSize(path, w, h);
    const src = t.slice(index).copy().data;
    const data = new Float64Array(w * h);
    for (let i = 0; i < data.length; i++) data[i] = src[i] / 255;
    return { width: w, height: h, data };
  }
  const head = Array.from(bytes.slice(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new CliError(
    `${path}: not an image: expected a PNG, JPEG or IDX file, got ${bytes.length === 0 ? 'an empty file' : `bytes starting ${head}`}`,
  );
}

/** The median of some values. */
function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.floor(s.length / 2)];
}

/** The border pixels (first and last rows and columns). */
function border(img: GreyImage): number[] {
  const { width: w, height: h, data } = img;
  const out: number[] = [];
  for (let x = 0; x < w; x++) out.push(data[x], data[(h - 1) * w + x]);
  for (let y = 1; y < h - 1; y++) out.push(data[y * w], data[y * w + w - 1]);
  return out;
}

/**
 * Resamples to `w x h`: area averaging when shrinking (each output pixel is the mean of the input
 * area it covers), bilinear when enlarging.
 */
export function resize(img: GreyImage, w: number, h: number): GreyImage {
  const sx = img.width / w;
  const sy = img.height / h;
  const out = new Float64Array(w * h);
  const at = (x: number, y: number) => img.data[y * img.width + x];
  for (let oy = 0; oy < h; oy++) {
    for (let ox = 0; ox < w; ox++) {
      let v: number;
      if (sx >= 1 && sy >= 1) {
        const x0 = ox * sx;
        const x1 = x0 + sx;
        const y0 = oy * sy;
        const y1 = y0 + sy;
        let sum = 0;
        for (let y = Math.floor(y0); y < Math.min(img.height, Math.ceil(y1)); y++) {
          const wy = Math.min(y + 1, y1) - Math.max(y, y0);
          for (let x = Math.floor(x0); x < Math.min(img.width, Math.ceil(x1)); x++) {
            const wx = Math.min(x + 1, x1) - Math.max(x, x0);
            sum += wx * wy * at(x, y);
          }
        }
        v = sum / (sx * sy);
      } else {
        const fx = Math.min(img.width - 1, Math.max(0, (ox + 0.5) * sx - 0.5));
        const fy = Math.min(img.height - 1, Math.max(0, (oy + 0.5) * sy - 0.5));
        const x0 = Math.floor(fx);
        const y0 = Math.floor(fy);
        const x1 = Math.min(img.width - 1, x0 + 1);
        const y1 = Math.min(img.height - 1, y0 + 1);
        const ax = fx - x0;
        const ay = fy - y0;
        v =
          (1 - ay) * ((1 - ax) * at(x0, y0) + ax * at(x1, y0)) +
          ay * ((1 - ax) * at(x0, y1) + ax * at(x1, y1));
      }
      out[oy * w + ox] = v;
    }
  }
  return { width: w, height: h, data: out };
}

/** What {@link toMnist} did, for the user. */
export interface MnistConversion {
  /** 784 values in [0, 1], row-major 28x28, white ink on black. */
  pixels: Float64Array;
  /** True if the picture was dark on light and was inverted. */
  inverted: boolean;
  /** The ink's bounding box in the original picture: x, y, width, height. */
  box: [number, number, number, number];
}

/**
 * Converts a grey picture to MNIST's format (see the module documentation). Pictures that are
 * already 28x28 with white ink on black are cropped, scaled and centred the same way (MNIST's own
 * digits come back nearly unchanged).
 * @throws CliError when no ink is found (a blank picture)
 */
export function toMnist(path: string, img: GreyImage): MnistConversion {
  const { width: w, height: h } = img;
  const data = Float64Array.from(img.data);
  // Background: the border's median. Light background: invert so that the ink is bright.
  let bg = median(border(img));
  const inverted = bg > 0.5;
  if (inverted) {
    for (let i = 0; i < data.length; i++) data[i] = 1 - data[i];
    bg = 1 - bg;
  }
  // Stretch so the background is 0 and the strongest ink 1 (paper is seldom pure white).
  let top = 0;
  for (const v of data) top = Math.max(top, v);
  if (top - bg < 0.1)
    throw new CliError(
      `${path}: no digit found: the image is blank (no ink darker or lighter than its background)`,
    );
  for (let i = 0; i < data.length; i++) data[i] = Math.min(1, Math.max(0, (data[i] - bg) / (top - bg)));
  // Bounding box of the ink (pixels above a small threshold, to ignore faint paper noise).
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (data[y * w + x] > 0.05) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  if (x1 < 0) throw new CliError(`${path}: no digit found: the image is blank`);
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const crop = new Float64Array(bw * bh);
  for (let y = 0; y < bh; y++) for (let x = 0; x < bw; x++) crop[y * bw + x] = data[(y + y0) * w + x + x0];
  // Longer side to 20 px, aspect kept.
  const scale = 20 / Math.max(bw, bh);
  const nw = Math.max(1, Math.round(bw * scale));
  const nh = Math.max(1, Math.round(bh * scale));
  const small = resize({ width: bw, height: bh, data: crop }, nw, nh);
  // Centre of mass to the centre of the 28x28 frame.
  let mass = 0;
  let cx = 0;
  let cy = 0;
  for (let y = 0; y < nh; y++) {
    for (let x = 0; x < nw; x++) {
      const v = small.data[y * nw + x];
      mass += v;
      cx += v * (x + 0.5);
      cy += v * (y + 0.5);
    }
  }
  cx = mass > 0 ? cx / mass : nw / 2;
  cy = mass > 0 ? cy / mass : nh / 2;
  // Pixel x covers [x, x + 1): the frame's centre is 14 in the same coordinates as pixel index
  // 14's centre, i.e. 14.5 here (as scipy's center_of_mass with index coordinates, shifted to 14).
  // Converting the embedded test digits this way leaves a trained net's accuracy unchanged.
  const ox = Math.round(14.5 - cx);
  const oy = Math.round(14.5 - cy);
  const pixels = new Float64Array(28 * 28);
  for (let y = 0; y < nh; y++) {
    for (let x = 0; x < nw; x++) {
      const tx = x + ox;
      const ty = y + oy;
      if (tx >= 0 && tx < 28 && ty >= 0 && ty < 28)
        pixels[ty * 28 + tx] = Math.min(1, Math.max(0, small.data[y * nw + x]));
    }
  }
  return { pixels, inverted, box: [x0, y0, bw, bh] };
}

/**
 * A 28x28 image as 14 lines of text, two pixel rows per line (upper and lower half blocks would
 * need colours; shades work on any terminal).
 */
export function asciiDigit(pixels: ArrayLike<number>, size = 28): string {
  const shades = ' ░▒▓█';
  const lines: string[] = [];
  for (let y = 0; y < size; y += 2) {
    let line = '';
    for (let x = 0; x < size; x++) {
      const v = Math.max(pixels[y * size + x], y + 1 < size ? pixels[(y + 1) * size + x] : 0);
      line += shades[Math.min(4, Math.round(v * 4))];
    }
    lines.push(line.replace(/\s+$/, ''));
  }
  return lines.join('\n');
}
