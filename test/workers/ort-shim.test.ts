import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ortRunner, ortShimState, wasmMemoryBytes } from '../../src/runtime/ort.js';

interface TestEnv {
  TINY_ONNX: ArrayBuffer;
}

// Fails loudly when a new onnxruntime-web changes how its glue instantiates the WASM (see src/runtime/ort.ts).
describe('onnxruntime-web shim in workerd', () => {
  it('instantiates the imported module exactly once through the zero-length placeholder and runs', async () => {
    const bytes = new Uint8Array((env as unknown as TestEnv).TINY_ONNX);
    const session = await ortRunner().createSession(bytes);
    const state = ortShimState();
    expect(state.instantiations).toBe(1);
    expect(state.memory).toBeInstanceOf(WebAssembly.Memory);
    expect(wasmMemoryBytes()).toBeGreaterThan(1 << 20);
    const seed = new Float32Array(20);
    seed[3] = 1;
    seed[10 + 7] = 1;
    const out = await session.run({
      input: { type: 'float32', dims: [1, 3, 64, 64], data: new Float32Array(3 * 64 * 64).fill(0.5) },
      gradcam_seed: { type: 'float32', dims: [2, 10], data: seed },
    });
    expect(out.logits.dims).toEqual([1, 10]);
    expect(out['relu2/gradient'].dims).toEqual([2, 16, 16, 16]);
    expect(out['relu1/gradient'].dims).toEqual([2, 8, 32, 32]);
    // a second session reuses the instance: no further instantiation
    await ortRunner().createSession(bytes);
    expect(ortShimState().instantiations).toBe(1);
  });
});
