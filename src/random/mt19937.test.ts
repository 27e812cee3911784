import { describe, expect, it } from 'vitest';
import { loadFixture } from '../../test/helpers/fixtures.js';
import type { StateFixture } from '../../test/helpers/random-fixtures.js';
import { MT_STATE_LENGTH, MT19937 } from './mt19937.js';

interface SeedFixture {
  seed: number | number[];
  initial: StateFixture;
  uint32: number[];
  doubles: number[];
}

const fixtures = loadFixture<{
  seeds: SeedFixture[];
}>('random.json');

function label(seed: number | number[]): string {
  return Array.isArray(seed)
    ? `[${seed.length > 5 ? `${seed.slice(0, 3)}, ... (${seed.length})` : seed}]`
    : String(seed);
}

describe('MT19937 seeding', () => {
  for (const c of fixtures.seeds) {
    it(`seed ${label(c.seed)}: key and pos equal numpy's get_state()`, () => {
      const { key, pos } = new MT19937(c.seed).getState();
      expect(pos).toBe(c.initial.pos);
      expect(key.length).toBe(MT_STATE_LENGTH);
      if (c.initial.key) {
        expect(Array.from(key)).toEqual(c.initial.key);
      } else {
        expect(Array.from(key.subarray(0, 8))).toEqual(c.initial.keyHead);
        expect(Array.from(key.subarray(MT_STATE_LENGTH - 8))).toEqual(c.initial.keyTail);
      }
    });
  }

  it('uses init_genrand for an integer and init_by_array for an array', () => {
    expect(Array.from(new MT19937(0).key.subarray(0, 3))).toEqual([0, 1, 1812433255]);
    expect(new MT19937([0]).key[0]).toBe(0x80000000);
  });

  it('rejects bad seeds, naming the argument and the value', () => {
    expect(() => new MT19937(-1)).toThrow(/seed must be an integer between 0 and 2\*\*32 - 1, got -1/);
    expect(() => new MT19937(2 ** 32)).toThrow(/got 4294967296/);
    expect(() => new MT19937(1.5)).toThrow(/got 1.5/);
    expect(() => new MT19937([])).toThrow(/seed must be non-empty/);
    expect(() => new MT19937([1, -2])).toThrow(
      /seed\[1\] must be an integer between 0 and 2\*\*32 - 1, got -2/,
    );
  });
});

describe('MT19937 output', () => {
  for (const c of fixtures.seeds) {
    it(`seed ${label(c.seed)}: nextUint32 and nextDouble equal numpy's streams`, () => {
      const mt = new MT19937(c.seed);
      const words = c.uint32.map(() => mt.nextUint32());
      expect(words).toEqual(c.uint32);
      mt.seed(c.seed);
      for (let i = 0; i < c.doubles.length; i++) {
        const d = mt.nextDouble();
        if (!Object.is(d, c.doubles[i])) expect(d, `double ${i}`).toBe(c.doubles[i]);
      }
    });
  }

  it('nextDouble is built from two words as (a >>> 5) * 2**26 + (b >>> 6), over 2**53', () => {
    const a = new MT19937(7);
    const b = new MT19937(7);
    const w1 = b.nextUint32();
    const w2 = b.nextUint32();
    expect(a.nextDouble()).toBe(((w1 >>> 5) * 67108864 + (w2 >>> 6)) / 9007199254740992);
  });
});

describe('MT19937 state', () => {
  it('getState/setState round-trips mid-block and copies the key', () => {
    const mt = new MT19937(42);
    for (let i = 0; i < 1000; i++) mt.nextUint32();
    const saved = mt.getState();
    expect(saved.pos).toBe(1000 - 624);
    const expected = Array.from({ length: 700 }, () => mt.nextUint32());
    mt.setState(saved);
    saved.key[0] ^= 1; // the generator holds its own copy
    expect(Array.from({ length: 700 }, () => mt.nextUint32())).toEqual(expected);
  });

  it('rejects malformed states', () => {
    const mt = new MT19937(0);
    const { key } = mt.getState();
    expect(() => mt.setState({ key: key.subarray(1), pos: 0 })).toThrow(
      /state.key must have 624 32-bit words, got length 623/,
    );
    expect(() => mt.setState({ key, pos: 625 })).toThrow(
      /state.pos must be an integer between 0 and 624, got 625/,
    );
    const bad = Array.from(key);
    bad[3] = -1;
    expect(() => mt.setState({ key: bad, pos: 0 })).toThrow(/state.key\[3\]/);
  });
});
