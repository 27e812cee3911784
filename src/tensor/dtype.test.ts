import { describe, expect, it } from 'vitest';
import { loadFixture } from '../../test/helpers/fixtures.js';
import {
  allocate,
  assertDType,
  castValue,
  DTYPES,
  type DType,
  dtypeOfData,
  isFloat,
  promoteTypes,
  promoteWithScalar,
} from './dtype.js';

interface Fixtures {
  promote: { a: DType; b: DType; result: DType }[];
  promote_scalar: { dtype: DType; scalar: number; result: DType }[];
}
const fx = loadFixture<Fixtures>('tensor.json');

describe('promoteTypes', () => {
  it('covers every pair of dtypes', () => {
    expect(fx.promote).toHaveLength(DTYPES.length * DTYPES.length);
  });
  it.each(fx.promote)('$a with $b gives numpy result_type $result', ({ a, b, result }) => {
    expect(promoteTypes(a, b)).toBe(result);
  });
  it('is symmetric', () => {
    for (const a of DTYPES) for (const b of DTYPES) expect(promoteTypes(a, b)).toBe(promoteTypes(b, a));
  });
  it('gives float64 for int32 with float32 (float32 cannot hold every int32)', () => {
    expect(promoteTypes('int32', 'float32')).toBe('float64');
    expect(promoteTypes('uint8', 'float32')).toBe('float32');
  });
});

describe('promoteWithScalar (NEP 50 weak scalars)', () => {
  it.each(fx.promote_scalar)(
    '$dtype array + $scalar gives $result, as numpy',
    ({ dtype, scalar, result }) => {
      expect(promoteWithScalar(dtype, scalar)).toBe(result);
    },
  );
  it('gives int32 for bool with an integer (numpy would give its int64)', () => {
    expect(promoteWithScalar('bool', 2)).toBe('int32');
  });
  it('widens uint8 to int32 for integers outside 0..255 (numpy raises OverflowError)', () => {
    expect(promoteWithScalar('uint8', 256)).toBe('int32');
    expect(promoteWithScalar('uint8', -1)).toBe('int32');
    expect(promoteWithScalar('uint8', 255)).toBe('uint8');
  });
  it('keeps float dtypes for any scalar, including non-finite ones', () => {
    expect(promoteWithScalar('float32', Number.NaN)).toBe('float32');
    expect(promoteWithScalar('float64', Number.POSITIVE_INFINITY)).toBe('float64');
    expect(promoteWithScalar('int32', Number.NaN)).toBe('float64');
  });
});

describe('castValue', () => {
  it('truncates floats toward zero for integer dtypes', () => {
    expect(castValue(1.7, 'int32')).toBe(1);
    expect(castValue(-1.7, 'int32')).toBe(-1);
    expect(castValue(-0.5, 'int32')).toBe(0);
    expect(Object.is(castValue(-0.5, 'int32'), 0)).toBe(true);
  });
  it('wraps as numpy does', () => {
    expect(castValue(300, 'uint8')).toBe(44);
    expect(castValue(-1, 'uint8')).toBe(255);
    expect(castValue(256, 'uint8')).toBe(0);
    expect(castValue(2147483648, 'int32')).toBe(-2147483648);
    expect(castValue(-2147483649, 'int32')).toBe(2147483647);
  });
  it('sends NaN and infinities to 0 for integer dtypes (numpy leaves this undefined)', () => {
    for (const d of ['int32', 'uint8'] as const) {
      expect(castValue(Number.NaN, d)).toBe(0);
      expect(castValue(Number.POSITIVE_INFINITY, d)).toBe(0);
    }
  });
  it('rounds to float32', () => {
    expect(castValue(0.1, 'float32')).toBe(Math.fround(0.1));
    expect(castValue(1e39, 'float32')).toBe(Number.POSITIVE_INFINITY);
    expect(castValue(0.1, 'float64')).toBe(0.1);
  });
  it('makes bool from non-zero (NaN is true)', () => {
    expect(castValue(0, 'bool')).toBe(0);
    expect(castValue(-0, 'bool')).toBe(0);
    expect(castValue(0.001, 'bool')).toBe(1);
    expect(castValue(Number.NaN, 'bool')).toBe(1);
    expect(castValue(-3, 'bool')).toBe(1);
  });
});

describe('storage', () => {
  it('allocates zeroed typed arrays of the right class', () => {
    expect(allocate('float64', 3)).toEqual(new Float64Array(3));
    expect(allocate('float32', 2)).toBeInstanceOf(Float32Array);
    expect(allocate('int32', 2)).toBeInstanceOf(Int32Array);
    expect(allocate('uint8', 2)).toBeInstanceOf(Uint8Array);
    expect(allocate('bool', 2)).toBeInstanceOf(Uint8Array);
    expect(allocate('float64', 0)).toHaveLength(0);
  });
  it('reads the dtype of a typed array (Uint8Array as uint8)', () => {
    expect(dtypeOfData(new Float64Array(1))).toBe('float64');
    expect(dtypeOfData(new Float32Array(1))).toBe('float32');
    expect(dtypeOfData(new Int32Array(1))).toBe('int32');
    expect(dtypeOfData(new Uint8Array(1))).toBe('uint8');
  });
  it('knows the float dtypes', () => {
    expect(DTYPES.filter(isFloat)).toEqual(['float32', 'float64']);
  });
});

describe('assertDType', () => {
  it('accepts the five dtypes', () => {
    for (const d of DTYPES) expect(() => assertDType(d)).not.toThrow();
  });
  it('names the argument and the allowed values', () => {
    expect(() => assertDType('int64')).toThrow(
      "dtype: expected one of 'bool', 'uint8', 'int32', 'float32', 'float64', got int64",
    );
    expect(() => assertDType(3, 'astype')).toThrow(/^astype: expected one of .* got 3$/);
    expect(() => assertDType(undefined)).toThrow(TypeError);
  });
});
