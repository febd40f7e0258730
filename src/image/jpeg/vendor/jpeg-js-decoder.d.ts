// Types of the vendored jpeg-js decoder (see the header of jpeg-js-decoder.js).
export interface JpegJsOptions {
  useTArray: true;
  formatAsRGBA?: boolean;
  colorTransform?: boolean;
  tolerantDecoding?: boolean;
  maxResolutionInMP?: number;
  maxMemoryUsageInMB?: number;
}
export interface JpegJsImage {
  width: number;
  height: number;
  data: Uint8Array;
}
declare const decode: (data: Uint8Array, options: JpegJsOptions) => JpegJsImage;
export default decode;
