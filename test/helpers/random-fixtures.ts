/** Shapes shared by the tests that read test/fixtures/random.json (written by random_fixtures.py). */

/** A generator state as numpy's `get_state()` gives it: the key in full, or its first and last 8 words. */
export interface StateFixture {
  pos: number;
  hasGauss: boolean;
  cachedGaussian: number;
  key?: number[];
  keyHead?: number[];
  keyTail?: number[];
}
