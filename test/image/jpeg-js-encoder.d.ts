// Types of jpeg-js's encoder, used by tests to make large JPEGs (the service never encodes JPEG).
declare module 'jpeg-js/lib/encoder.js' {
  const encode: (
    image: { data: Uint8Array; width: number; height: number },
    quality?: number,
  ) => { data: Uint8Array; width: number; height: number };
  export default encode;
}
