/**
 * @module
 * GET /healthz: liveness plus the isolate's model state (sessions created, runs, WASM memory).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from './app-env.js';

/** Reports the WASM memory in bytes (0 when no session exists yet). */
export type MemoryProbe = () => number;

const HealthSchema = z
  .object({ status: z.literal('ok'), sessions: z.number().int(), runs: z.number().int(), wasmMemoryBytes: z.number().int() })
  .openapi('Health');

const route = createRoute({
  method: 'get',
  path: '/healthz',
  summary: 'Health and isolate state',
  responses: { 200: { description: 'Healthy.', content: { 'application/json': { schema: HealthSchema } } } },
});

/** The health sub-app. */
export function healthApp(memory: MemoryProbe) {
  return new OpenAPIHono<AppEnv>().openapi(route, (c) => {
    const registry = c.get('registry');
    return c.json({ status: 'ok' as const, sessions: registry.created, runs: registry.runs, wasmMemoryBytes: memory() }, 200, {
      'Cache-Control': 'no-store',
    });
  });
}
