/** The ORT WASM binary, imported as a module: wrangler's `CompiledWasm` rule yields a precompiled module. */
declare module 'onnxruntime-web/ort-wasm-simd-threaded.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
