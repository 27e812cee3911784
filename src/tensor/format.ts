/**
 * Printing tensors exactly as numpy 2.x prints arrays (`repr(arr)` with the default print options):
 * `array([[0.1, 0.2],\n       [0.3, 0.4]])`.
 *
 * The pieces follow numpy's `arrayprint.py` and its Dragon4 digit generator (`dragon4.c`) step by
 * step, so the text is the same character for character:
 * - floats use floatmode `'maxprec'` with precision 8: the shortest digits that identify the value
 *   (for float32, among float32 values), cut to at most 8 digits after the point, right-padded with
 *   spaces so the points line up; scientific notation when numpy chooses it (largest magnitude
 *   >= 1e8, or 1e6 for float32; smallest non-zero magnitude < 1e-4; or a ratio above 1000);
 * - integers are right-aligned; booleans print as ` True`/`False`;
 * - more than 1000 elements are summarised with `...` (3 items at each edge of every axis);
 * - lines wrap at 75 characters with numpy's hanging indent; 3-D blocks are separated by blank lines;
 * - `dtype=` is shown unless numpy would infer it from the text (float64 and bool), and `shape=` for
 *   empty and summarised arrays.
 *
 * This module reads tensors only through `data`, `shape`, `strides` and `offset`; it imports nothing
 * from `ops/`.
 */
import type { DType } from './dtype.js';
import { formatFloatPositional, formatFloatScientific } from './format-float.js';
import type { Tensor } from './tensor.js';

export {
  type FloatFormatOptions,
  formatFloatPositional,
  formatFloatScientific,
  type TrimMode,
} from './format-float.js';

// ------------------------------------------------------------------------------ numpy's defaults

/** numpy's default print options (`np.get_printoptions()`). */
const PRECISION = 8;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 75;

// ------------------------------------------------------------------------------ element formatters

type ElementFormatter = (x: number) => string;

/**
 * numpy's `FloatingFormat` for floatmode 'maxprec': decides between positional and scientific
 * notation and the paddings from all the values that will be printed, then formats each one.
 */
function floatFormatter(values: readonly number[], dtype: 'float32' | 'float64'): ElementFormatter {
  const single = dtype === 'float32';
  const r = single ? Math.fround : (v: number) => v;
  const finite = values.filter((v) => Number.isFinite(v));
  const absNonZero = finite.filter((v) => v !== 0).map(Math.abs);
  let expFormat = false;
  if (absNonZero.length > 0) {
    let max = absNonZero[0];
    let min = absNonZero[0];
    for (const v of absNonZero) {
      if (v > max) max = v;
      if (v < min) min = v;
    }
    // numpy 2.3+: 10**min(8, finfo(dtype).precision), i.e. 1e6 for float32. The comparisons and the
    // ratio are computed in the array's dtype.
    const cutoff = single ? 1e6 : 1e8;
    if (max >= cutoff || min < r(0.0001) || r(max / min) > 1000) expFormat = true;
  }
  let padLeft = 0;
  let padRight = 0;
  let precision = PRECISION;
  let expSize = -1;
  if (finite.length > 0) {
    if (expFormat) {
      let maxFrac = 0;
      let maxInt = 0;
      let maxExp = 0;
      for (const v of finite) {
        const s = formatFloatScientific(v, {
          precision: PRECISION,
          unique: true,
          trim: '.',
          float32: single,
        });
        const e = s.indexOf('e');
        const mant = s.slice(0, e);
        const dot = mant.indexOf('.');
        maxInt = Math.max(maxInt, dot);
        maxFrac = Math.max(maxFrac, mant.length - dot - 1);
        maxExp = Math.max(maxExp, s.length - e - 1);
      }
      expSize = maxExp - 1;
      precision = maxFrac;
      padLeft = maxInt;
      padRight = expSize + 2 + precision;
    } else {
      for (const v of finite) {
        const s = formatFloatPositional(v, {
          precision: PRECISION,
          unique: true,
          fractional: true,
          trim: '.',
          float32: single,
        });
        const dot = s.indexOf('.');
        padLeft = Math.max(padLeft, dot);
        padRight = Math.max(padRight, s.length - dot - 1);
      }
    }
  }
  if (finite.length !== values.length) {
    const negInf = values.some((v) => v === -Infinity) ? 1 : 0;
    const offset = padRight + 1;
    padLeft = Math.max(padLeft, 3 - offset, 3 + negInf - offset);
  }
  return (x: number): string => {
    if (!Number.isFinite(x)) {
      const s = Number.isNaN(x) ? 'nan' : x < 0 ? '-inf' : 'inf';
      return ' '.repeat(Math.max(0, padLeft + padRight + 1 - s.length)) + s;
    }
    if (expFormat) {
      return formatFloatScientific(x, {
        precision,
        minDigits: precision,
        unique: true,
        trim: 'k',
        padLeft,
        expDigits: expSize,
        float32: single,
      });
    }
    return formatFloatPositional(x, {
      precision: PRECISION,
      minDigits: 0,
      unique: true,
      fractional: true,
      trim: '.',
      padLeft,
      padRight,
      float32: single,
    });
  };
}

/** numpy's `IntegerFormat`: right-aligned to the widest of the largest and smallest value. */
function intFormatter(values: readonly number[]): ElementFormatter {
  let width = 0;
  if (values.length > 0) {
    let max = values[0];
    let min = values[0];
    for (const v of values) {
      if (v > max) max = v;
      if (v < min) min = v;
    }
    width = Math.max(String(max).length, String(min).length);
  }
  return (x) => String(x).padStart(width, ' ');
}

/** numpy's `BoolFormat`: `' True'` lines up with `'False'`, except in a 0-d array. */
function boolFormatter(zeroDim: boolean): ElementFormatter {
  const trueStr = zeroDim ? 'True' : ' True';
  return (x) => (x !== 0 ? trueStr : 'False');
}

function elementFormatter(values: readonly number[], dtype: DType, zeroDim: boolean): ElementFormatter {
  switch (dtype) {
    case 'float64':
    case 'float32':
      return floatFormatter(values, dtype);
    case 'int32':
    case 'uint8':
      return intFormatter(values);
    case 'bool':
      return boolFormatter(zeroDim);
  }
}

// ------------------------------------------------------------------------------ layout

/**
 * The values numpy's `_leading_trailing` keeps: every element when not summarising, else only those
 * whose index along every long axis is among the first or last `EDGE_ITEMS`.
 */
function printedValues(t: Tensor, summarise: boolean): number[] {
  const out: number[] = [];
  const { data, shape, strides } = t;
  const rec = (axis: number, o: number): void => {
    if (axis === shape.length) {
      out.push(data[o]);
      return;
    }
    const n = shape[axis];
    const st = strides[axis];
    if (summarise && n > 2 * EDGE_ITEMS) {
      for (let i = 0; i < EDGE_ITEMS; i++) rec(axis + 1, o + i * st);
      for (let i = n - EDGE_ITEMS; i < n; i++) rec(axis + 1, o + i * st);
    } else {
      for (let i = 0; i < n; i++) rec(axis + 1, o + i * st);
    }
  };
  rec(0, t.offset);
  return out;
}

/** numpy's `_extendLine`: append `word`, wrapping first if the line would pass `width`. */
function extendLine(
  state: { s: string; line: string },
  word: string,
  width: number,
  nextLinePrefix: string,
): void {
  let needsWrap = state.line.length + word.length > width;
  // Don't wrap lines if it won't help.
  if (state.line.length <= nextLinePrefix.length) needsWrap = false;
  if (needsWrap) {
    state.s += `${state.line.trimEnd()}\n`;
    state.line = nextLinePrefix;
  }
  state.line += word;
}

/** numpy's `_formatArray` with separator `', '`. */
function formatArray(
  t: Tensor,
  fmt: ElementFormatter,
  lineWidth: number,
  nextLinePrefix: string,
  summarise: boolean,
): string {
  const { data, shape, strides } = t;
  const separator = ', ';
  const recurse = (axis: number, o: number, hangingIndent: string, currWidth: number): string => {
    const axesLeft = shape.length - axis;
    if (axesLeft === 0) return fmt(data[o]);
    const nextHangingIndent = `${hangingIndent} `;
    const nextWidth = currWidth - 1;
    const n = shape[axis];
    const st = strides[axis];
    const showSummary = summarise && 2 * EDGE_ITEMS < n;
    const leading = showSummary ? EDGE_ITEMS : 0;
    const trailing = showSummary ? EDGE_ITEMS : n;
    let s = '';
    if (axesLeft === 1) {
      const elemWidth = currWidth - 1;
      const state = { s: '', line: hangingIndent };
      for (let i = 0; i < leading; i++) {
        extendLine(
          state,
          recurse(axis + 1, o + i * st, nextHangingIndent, nextWidth),
          elemWidth,
          hangingIndent,
        );
        state.line += separator;
      }
      if (showSummary) {
        extendLine(state, '...', elemWidth, hangingIndent);
        state.line += separator;
      }
      for (let i = trailing; i > 1; i--) {
        extendLine(
          state,
          recurse(axis + 1, o + (n - i) * st, nextHangingIndent, nextWidth),
          elemWidth,
          hangingIndent,
        );
        state.line += separator;
      }
      extendLine(
        state,
        recurse(axis + 1, o + (n - 1) * st, nextHangingIndent, nextWidth),
        elemWidth,
        hangingIndent,
      );
      s = state.s + state.line;
    } else {
      const lineSep = `,${'\n'.repeat(axesLeft - 1)}`;
      for (let i = 0; i < leading; i++) {
        s += hangingIndent + recurse(axis + 1, o + i * st, nextHangingIndent, nextWidth) + lineSep;
      }
      if (showSummary) s += `${hangingIndent}...${lineSep}`;
      for (let i = trailing; i > 1; i--) {
        s += hangingIndent + recurse(axis + 1, o + (n - i) * st, nextHangingIndent, nextWidth) + lineSep;
      }
      s += hangingIndent + recurse(axis + 1, o + (n - 1) * st, nextHangingIndent, nextWidth);
    }
    return `[${s.slice(hangingIndent.length)}]`;
  };
  return recurse(0, t.offset, nextLinePrefix, lineWidth);
}

/** A shape as Python prints a tuple: `(2000,)`, `(0, 3)`. */
function pythonTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/**
 * The text numpy 2.x's `repr(arr)` gives for the same array, with the default print options.
 * Used by `Tensor.toString()` and by Node's `console.log`.
 * @example
 * formatTensor(tensor([[0.1, 0.2], [0.3, 0.4]]))
 * // 'array([[0.1, 0.2],\n       [0.3, 0.4]])'
 * formatTensor(tensor([1, 2, 3], { dtype: 'int32' })) // 'array([1, 2, 3], dtype=int32)'
 * formatTensor(arange(2000))
 * // 'array([0.000e+00, 1.000e+00, 2.000e+00, ..., 1.997e+03, 1.998e+03,\n       1.999e+03], shape=(2000,))'
 */
export function formatTensor(t: Tensor): string {
  const prefix = 'array(';
  const size = t.shape.reduce((a, b) => a * b, 1);
  const summarise = size > THRESHOLD;
  let body: string;
  if (size === 0) body = '[]';
  else {
    const fmt = elementFormatter(printedValues(t, summarise), t.dtype, t.shape.length === 0);
    // The wrapping width leaves room for the closing ")"; continuation lines align after "array([".
    body = formatArray(t, fmt, LINE_WIDTH - 1, ' '.repeat(prefix.length + 1), summarise);
  }
  const extras: string[] = [];
  if ((size === 0 && !(t.shape.length === 1 && t.shape[0] === 0)) || summarise) {
    extras.push(`shape=${pythonTuple(t.shape)}`);
  }
  if (!(t.dtype === 'float64' || t.dtype === 'bool') || size === 0) extras.push(`dtype=${t.dtype}`);
  if (extras.length === 0) return `${prefix}${body})`;
  const arrStr = `${prefix}${body},`;
  const extraStr = `${extras.join(', ')})`;
  const lastLineLen = arrStr.length - (arrStr.lastIndexOf('\n') + 1);
  const spacer = lastLineLen + extraStr.length + 1 > LINE_WIDTH ? `\n${' '.repeat(prefix.length)}` : ' ';
  return arrStr + spacer + extraStr;
}
