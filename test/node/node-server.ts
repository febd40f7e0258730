/**
 * @module
 * Starts the self-hosted Node server (`cli/serve/main.ts`, what `npm run serve:node` runs) as a child process on
 * a free localhost port, for the Node-mode test and the Node-vs-workerd benchmark.
 */
import { spawn } from 'node:child_process';
import { freePort } from '../e2e/wrangler-dev.js';

/** A running Node server. */
export interface NodeServerProcess {
  url: string;
  stop(): Promise<void>;
  output(): string;
}

/**
 * Start `tsx cli/serve/main.ts` with the given flags and environment.
 *
 * @example
 * const server = await startNodeServerProcess({ args: ['--threads', '2'] }); ...; await server.stop();
 */
export async function startNodeServerProcess(
  options: { args?: string[]; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<NodeServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/serve/main.ts', '--port', String(port), ...(options.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CACHE_SECRET: 'node-test-secret', ...options.env },
  });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  const end = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`node server exited (${child.exitCode}):\n${log}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > end) {
      await stop();
      throw new Error(`node server not ready:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, stop, output: () => log };
}
