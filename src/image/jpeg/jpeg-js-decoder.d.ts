// Types for the decoder half of jpeg-js, imported directly so the encoder is not bundled.
declare module 'jpeg-js/lib/decoder.js' {
  interface JpegJsOptions {
    useTArray: true;
    formatAsRGBA?: boolean;
    colorTransform?: boolean;
    tolerantDecoding?: boolean;
    maxResolutionInMP?: number;
    maxMemoryUsageInMB?: number;
  }
  interface JpegJsImage {
    width: number;
    height: number;
    data: Uint8Array;
  }
  const decode: (data: Uint8Array, options: JpegJsOptions) => JpegJsImage;
  export default decode;
}
