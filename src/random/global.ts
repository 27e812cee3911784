/**
 * The global random generator, like `np.random.*`: `random.seed(0)`, `random.randn(2, 3)`, ...
 * all use one module-level {@link RandomState}, created (and seeded from entropy) on first use.
 * Importing this module draws nothing and creates nothing.
 *
 * @module
 */
import { RandomState } from './random-state.js';

let defaultState: RandomState | undefined;

/**
 * The RandomState behind {@link random} (created on first call, seeded from entropy).
 *
 * @example
 * ```ts
 * random.seed(1);
 * const rs = getDefaultRandomState();
 * rs.getState().pos; // 624
 * ```
 */
export function getDefaultRandomState(): RandomState {
  if (defaultState === undefined) defaultState = new RandomState();
  return defaultState;
}

/**
 * The methods of {@link RandomState} available on the global {@link random} object.
 *
 * @example
 * ```ts
 * const r: RandomModule = random;
 * ```
 */
export type RandomModule = Pick<
  RandomState,
  | 'seed'
  | 'getState'
  | 'setState'
  | 'rand'
  | 'randn'
  | 'random'
  | 'randomSample'
  | 'standardNormal'
  | 'uniform'
  | 'normal'
  | 'randint'
  | 'choice'
  | 'permutation'
  | 'shuffle'
>;

/** A function that forwards to the current default RandomState's method `name`. */
function forward<K extends keyof RandomModule>(name: K): RandomModule[K] {
  const method = (...args: unknown[]): unknown => {
    const rs = getDefaultRandomState();
    return (rs[name] as unknown as (...a: unknown[]) => unknown).apply(rs, args);
  };
  return method as unknown as RandomModule[K];
}

/**
 * numpy's `np.random` module functions, bound to one shared generator: same seed, same calls, same
 * numbers as numpy's global legacy generator (`np.random.seed`, `np.random.rand`, ...).
 *
 * @example
 * ```ts
 * random.seed(0);
 * random.rand();          // 0.5488135039273248, as np.random.seed(0); np.random.rand()
 * random.randn(2, 3);     // (2, 3) float64 tensor
 * random.choice(60000, 100);
 * random.shuffle(x);
 * ```
 */
export const random: RandomModule = {
  seed: forward('seed'),
  getState: forward('getState'),
  setState: forward('setState'),
  rand: forward('rand'),
  randn: forward('randn'),
  random: forward('random'),
  randomSample: forward('randomSample'),
  standardNormal: forward('standardNormal'),
  uniform: forward('uniform'),
  normal: forward('normal'),
  randint: forward('randint'),
  choice: forward('choice'),
  permutation: forward('permutation'),
  shuffle: forward('shuffle'),
};
