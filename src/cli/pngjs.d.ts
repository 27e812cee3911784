/** The part of pngjs (7.x, MIT; no bundled types) the CLI uses: synchronous decode and encode. */
declare module 'pngjs' {
  /** A decoded image: RGBA, 8 bits per channel (pngjs converts every PNG colour type to it). */
  interface PngImage {
    width: number;
    height: number;
    data: Uint8Array;
  }
  const pngjs: {
    PNG: {
      sync: {
        read(buffer: Uint8Array): PngImage;
        write(png: PngImage, options?: { colorType?: number; inputColorType?: number }): Uint8Array;
      };
    };
  };
  export default pngjs;
}
