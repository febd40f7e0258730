/**
 * @module
 * Starts `wrangler dev` (the production-like local runtime: a real wrangler bundle in workerd, unlike the
 * vitest pool) on a free localhost port, for the end-to-end test and the service benchmark.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running `wrangler dev`. */
export interface WranglerDev {
  url: string;
  /** Stop the process group and remove its local state. */
  stop(): Promise<void>;
  /** What wrangler printed (for failure messages). */
  output(): string;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, child: ChildProcess, timeoutMs: number, output: () => string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${output()}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`wrangler dev not ready after ${timeoutMs} ms:\n${output()}`);
}

/** Options of {@link startWranglerDev}. */
export interface StartOptions {
  /** Extra vars (`--var NAME:value`). */
  vars?: Record<string, string>;
  /** Local KV entries to write first: binding -> key -> file path (e.g. prepared models in MODELS). */
  kv?: Record<string, Record<string, string>>;
  timeoutMs?: number;
  /** The project directory to run in (default: the current one), e.g. a baseline checkout for a benchmark. */
  cwd?: string;
}

/**
 * Start `wrangler dev` with fresh local state (KV), the debug run counter on and rate limiting off (`vars` may override).
 *
 * @example
 * const dev = await startWranglerDev(); await fetch(`${dev.url}/healthz`); await dev.stop();
 */
export async function startWranglerDev(options: StartOptions = {}): Promise<WranglerDev> {
  const port = await freePort();
  const state = mkdtempSync(join(tmpdir(), 'gradcam-edge-dev-'));
  for (const [binding, entries] of Object.entries(options.kv ?? {})) {
    for (const [key, path] of Object.entries(entries)) {
      execFileSync('npx', ['wrangler', 'kv', 'key', 'put', key, '--binding', binding, '--path', path, '--local', '--persist-to', state], {
        stdio: 'ignore',
        cwd: options.cwd,
      });
    }
  }
  const vars = Object.entries({ DEBUG_COUNTERS: '1', RATE_LIMIT: 'off', ...options.vars }).flatMap(([k, v]) => ['--var', `${k}:${v}`]);
  const args = [
    'wrangler',
    'dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--persist-to',
    state,
    '--show-interactive-dev-session=false',
    ...vars,
  ];
  const child = spawn('npx', args, {
    cwd: options.cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    rmSync(state, { recursive: true, force: true });
  };
  try {
    await waitReady(url, child, options.timeoutMs ?? 90_000, () => log);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, stop, output: () => log };
}
