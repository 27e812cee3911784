/**
 * numpy-compatible random numbers: {@link MT19937}, {@link RandomState} (numpy's legacy
 * `np.random.RandomState`, bit for bit) and the global {@link random} (like `np.random.*`).
 *
 * @example
 * ```ts
 * import { random, RandomState } from 'scratchnet';
 * random.seed(0);
 * const w = random.randn(784, 50);
 * const rs = new RandomState(42);
 * const batch = rs.choice(60000, 100);
 * ```
 *
 * @module
 */
export { getDefaultRandomState, type RandomModule, random } from './global.js';
export { MT_STATE_LENGTH, MT19937, type MT19937State } from './mt19937.js';
export {
  type ChoiceOptions,
  type NumpyLegacyState,
  type RandintDType,
  type RandintOptions,
  RandomState,
  type RandomStateState,
  type Seed,
  type Size,
} from './random-state.js';
