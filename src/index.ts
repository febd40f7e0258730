/**
 * @module
 * The Worker entry point: the app with the workerd ONNX runner (src/runtime/ort.ts). Nothing heavy runs at
 * startup: the model session is created by the first request that needs it.
 */
import { ModelRegistry } from './models/registry.js';
import { createApp } from './routes/app.js';
import { ortRunner, wasmMemoryBytes } from './runtime/ort.js';

const app = createApp({ registry: new ModelRegistry({ runner: ortRunner }), wasmMemoryBytes });

export default app;
export type { App } from './routes/app.js';
