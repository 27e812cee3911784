/**
 * A drawing turned into an MNIST digit, the way the MNIST digits were made (LeCun et al.): the ink is
 * cropped to its bounding box, scaled (keeping its aspect ratio, with area averaging, so edges become
 * gray) until its longer side is 20 pixels, and placed in a 28 × 28 field so that its centre of mass
 * is at the centre of the field. Pure functions on arrays, so they are tested without a browser.
 */

/** Size of an MNIST image, and of the box the digit is scaled into. */
export const FIELD = 28;
export const BOX = 20;

/** A grayscale image: `width * height` ink values in [0, 1], row by row. */
export interface Gray {
  width: number;
  height: number;
  data: Float32Array;
}

/** Ink values from RGBA pixels drawn on a transparent canvas: the alpha channel, in [0, 1]. */
export function inkFromRgba(rgba: Uint8ClampedArray, width: number, height: number): Gray {
  const data = new Float32Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = rgba[i * 4 + 3] / 255;
  return { width, height, data };
}

/** The smallest box holding every value above `threshold`, or null for an empty image. */
export function inkBounds(
  img: Gray,
  threshold = 0.05,
): { x0: number; y0: number; x1: number; y1: number } | null {
  let x0 = img.width;
  let y0 = img.height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (img.data[y * img.width + x] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/**
 * Resamples the box `[x0, x1) × [y0, y1)` of `img` by `scale` with area averaging: each output pixel
 * is the mean of the input it covers (each input pixel spreads over the output pixels it overlaps).
 */
function resample(img: Gray, x0: number, y0: number, x1: number, y1: number, scale: number): Gray {
  const width = Math.max(1, Math.ceil((x1 - x0) * scale - 1e-9));
  const height = Math.max(1, Math.ceil((y1 - y0) * scale - 1e-9));
  const data = new Float32Array(width * height);
  for (let y = y0; y < y1; y++) {
    const oy0 = (y - y0) * scale;
    const oy1 = oy0 + scale;
    for (let x = x0; x < x1; x++) {
      const v = img.data[y * img.width + x];
      if (v === 0) continue;
      const ox0 = (x - x0) * scale;
      const ox1 = ox0 + scale;
      for (let ty = Math.floor(oy0); ty < Math.min(height, Math.ceil(oy1)); ty++) {
        const hy = Math.min(oy1, ty + 1) - Math.max(oy0, ty);
        if (hy <= 0) continue;
        for (let tx = Math.floor(ox0); tx < Math.min(width, Math.ceil(ox1)); tx++) {
          const hx = Math.min(ox1, tx + 1) - Math.max(ox0, tx);
          if (hx > 0) data[ty * width + tx] += v * hx * hy;
        }
      }
    }
  }
  // Each output pixel has area 1, so the sums of value × overlap are already the means.
  return { width, height, data };
}

/** Centre of mass `(x, y)` of an image, pixel centres at `i + 0.5`. */
export function centerOfMass(img: Gray): { x: number; y: number } {
  let m = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const v = img.data[y * img.width + x];
      m += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  return m === 0 ? { x: img.width / 2, y: img.height / 2 } : { x: mx / m, y: my / m };
}

/**
 * The drawing as the 784 values (row by row, ink in [0, 1]) of an MNIST digit, or null when there is
 * no ink. The longer side of the ink's bounding box becomes `BOX` (20) pixels; the digit is then
 * shifted by whole pixels so that its centre of mass lands as close as it can to pixel (14, 14),
 * counting pixels from 0 as numpy does (`scipy.ndimage.center_of_mass`), which is where MNIST's
 * digits have theirs.
 */
export function toMnist(img: Gray): Float32Array | null {
  const b = inkBounds(img);
  if (!b) return null;
  const scale = BOX / Math.max(b.x1 - b.x0, b.y1 - b.y0);
  const small = resample(img, b.x0, b.y0, b.x1, b.y1, scale);
  const c = centerOfMass(small);
  // centerOfMass puts pixel i's centre at i + 0.5; pixel 14's centre is at 14.5.
  const dx = Math.round(FIELD / 2 + 0.5 - c.x);
  const dy = Math.round(FIELD / 2 + 0.5 - c.y);
  const out = new Float32Array(FIELD * FIELD);
  for (let y = 0; y < small.height; y++) {
    const ty = y + dy;
    if (ty < 0 || ty >= FIELD) continue;
    for (let x = 0; x < small.width; x++) {
      const tx = x + dx;
      if (tx >= 0 && tx < FIELD) out[ty * FIELD + tx] = small.data[y * small.width + x];
    }
  }
  return out;
}
