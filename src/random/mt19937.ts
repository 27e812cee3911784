/**
 * The 32-bit Mersenne Twister (MT19937) with numpy's seeding, word for word the generator behind
 * numpy's legacy `np.random.RandomState` / `np.random.seed`.
 *
 * @module
 */

/**
 * Number of 32-bit words of MT19937 state (`RK_STATE_LEN` in numpy).
 * @example new MT19937(0).key.length === MT_STATE_LENGTH // 624
 */
export const MT_STATE_LENGTH = 624;
const N = MT_STATE_LENGTH;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const MAX_UINT32 = 0xffffffff;

/**
 * The raw state of an {@link MT19937}: the 624-word key and the position of the next word, as in
 * the second and third entries of numpy's `np.random.get_state()`.
 *
 * @example
 * ```ts
 * const { key, pos } = new MT19937(0).getState(); // key[1] === 1, pos === 624
 * ```
 */
export interface MT19937State {
  /** 624 unsigned 32-bit words. */
  key: Uint32Array;
  /** Index of the next word to temper, 0..624 (624: regenerate first). */
  pos: number;
}

/** Checks a seed word and names the argument in the error. */
function checkSeedWord(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_UINT32) {
    const shown = typeof value === 'number' ? String(value) : typeof value;
    throw new RangeError(`${what} must be an integer between 0 and 2**32 - 1, got ${shown}`);
  }
  return value;
}

/**
 * Mersenne Twister MT19937 seeded exactly like numpy's legacy seeding:
 * - an integer seed (0 <= seed < 2**32) uses `init_genrand(seed)` (numpy's `mt19937_seed`);
 * - an array of integers (each 0 <= w < 2**32, non-empty) uses `init_by_array(words)`.
 *
 * So `new MT19937(s)` has the same key and position as `np.random.RandomState(s).get_state()`.
 * Drawing numbers allocates nothing.
 *
 * @example
 * ```ts
 * const mt = new MT19937(0);
 * mt.nextDouble(); // 0.5488135039273248, like np.random.RandomState(0).random_sample()
 * mt.nextUint32();
 * ```
 */
export class MT19937 {
  /** The 624-word state. Mutated in place as numbers are drawn. */
  readonly key: Uint32Array = new Uint32Array(N);
  /** Index of the next state word to temper (624 means the key is regenerated first). */
  pos = N;

  /**
   * @param seed an integer in [0, 2**32) or a non-empty array of such integers; default 5489 (the
   * reference implementation's default). {@link RandomState} picks a random seed when none is given.
   */
  constructor(seed: number | ArrayLike<number> = 5489) {
    this.seed(seed);
  }

  /**
   * Re-seeds like numpy's legacy seeding (see the class documentation).
   *
   * @example
   * ```ts
   * mt.seed(42);
   * mt.seed([1, 2, 3]);
   * ```
   */
  seed(seed: number | ArrayLike<number>): void {
    if (typeof seed === 'number') {
      this.initGenrand(checkSeedWord(seed, 'seed'));
      return;
    }
    if (seed === null || typeof seed !== 'object' || typeof seed.length !== 'number') {
      throw new TypeError(`seed must be an integer or an array of integers, got ${describe(seed)}`);
    }
    if (seed.length === 0) throw new RangeError('seed must be non-empty, got an empty array');
    const words = new Uint32Array(seed.length);
    for (let i = 0; i < seed.length; i++) words[i] = checkSeedWord(seed[i], `seed[${i}]`);
    this.initByArray(words);
  }

  /** Reference `init_genrand`: Knuth's linear congruential fill. */
  private initGenrand(s: number): void {
    const mt = this.key;
    let x = s >>> 0;
    for (let i = 0; i < N; i++) {
      mt[i] = x;
      x = (Math.imul(1812433253, x ^ (x >>> 30)) + i + 1) >>> 0;
    }
    this.pos = N;
  }

  /** Reference `init_by_array` (numpy's `mt19937_init_by_array`). */
  private initByArray(initKey: Uint32Array): void {
    const mt = this.key;
    const len = initKey.length;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, len); k > 0; k--) {
      const prev = mt[i - 1];
      mt[i] = ((mt[i] ^ Math.imul(prev ^ (prev >>> 30), 1664525)) >>> 0) + initKey[j] + j;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= len) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1];
      mt[i] = ((mt[i] ^ Math.imul(prev ^ (prev >>> 30), 1566083941)) >>> 0) - i;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000; // MSB is 1, assuring a non-zero initial array
    this.pos = N;
  }

  /** Regenerates all 624 words (reference `genrand` block step). */
  private generate(): void {
    const mt = this.key;
    let i = 0;
    let y: number;
    for (; i < N - M; i++) {
      y = (mt[i] & UPPER_MASK) | (mt[i + 1] & LOWER_MASK);
      mt[i] = mt[i + M] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; i < N - 1; i++) {
      y = (mt[i] & UPPER_MASK) | (mt[i + 1] & LOWER_MASK);
      mt[i] = mt[i + M - N] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
    mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.pos = 0;
  }

  /**
   * The next 32-bit output, an integer in [0, 2**32).
   *
   * @example
   * ```ts
   * new MT19937(0).nextUint32(); // 2357136044
   * ```
   */
  nextUint32(): number {
    if (this.pos >= N) this.generate();
    let y = this.key[this.pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /**
   * The next double in [0, 1) with 53 random bits, from two 32-bit outputs:
   * `((a >>> 5) * 67108864 + (b >>> 6)) / 9007199254740992` (numpy's `random_sample`).
   *
   * @example
   * ```ts
   * new MT19937(0).nextDouble(); // 0.5488135039273248
   * ```
   */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /**
   * A copy of the state (key and position), as in `np.random.get_state()[1:3]`.
   *
   * @example
   * ```ts
   * const saved = mt.getState();
   * mt.nextDouble();
   * mt.setState(saved); // rewinds
   * ```
   */
  getState(): MT19937State {
    return { key: Uint32Array.from(this.key), pos: this.pos };
  }

  /**
   * Restores a state from {@link getState} (or numpy's `get_state()[1]` and `[2]`). The key is copied.
   *
   * @throws RangeError when the key does not have 624 words of 0..2**32-1 or pos is not in 0..624.
   * @example
   * ```ts
   * mt.setState({ key: savedKey, pos: 624 });
   * ```
   */
  setState(state: { key: ArrayLike<number>; pos: number }): void {
    const { key, pos } = state;
    if (key === null || typeof key !== 'object' || typeof key.length !== 'number' || key.length !== N) {
      const actual = key !== null && typeof key === 'object' ? `length ${key.length}` : describe(key);
      throw new RangeError(`state.key must have ${N} 32-bit words, got ${actual}`);
    }
    if (typeof pos !== 'number' || !Number.isInteger(pos) || pos < 0 || pos > N) {
      throw new RangeError(`state.pos must be an integer between 0 and ${N}, got ${describe(pos)}`);
    }
    const words = new Uint32Array(N);
    for (let i = 0; i < N; i++) words[i] = checkSeedWord(key[i], `state.key[${i}]`);
    this.key.set(words);
    this.pos = pos;
  }
}

/**
 * Short description of a bad value for error messages.
 * @example describe([1, 2]) // 'an array of length 2'
 * @internal
 */
export function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
}
