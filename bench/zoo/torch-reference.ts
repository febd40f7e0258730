/**
 * @module
 * The PyTorch reference of `npm run bench:zoo`: a long-lived `tools/bench_zoo.py serve` process (hook-based
 * Grad-CAM as pytorch-grad-cam computes it, torch on 2 threads), asked for one timed Grad-CAM at a time so
 * that its rounds interleave with the workerd rounds.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { join } from 'node:path';

/** A running reference process. */
export interface TorchReference {
  /** Milliseconds of one Grad-CAM of `arch` (class -1: the top-1 class). */
  gradcam(arch: string, classIndex: number): Promise<number>;
  stop(): void;
}

/** Start the reference for the given architectures (loads them all first). */
export async function startTorchReference(archs: readonly string[]): Promise<TorchReference> {
  const root = join(import.meta.dirname, '..', '..');
  // Passive OpenMP waiting: torch's spinning worker threads collapsed on the shared, oversubscribed machine
  // (mobilenet_v2: 10-23 s per Grad-CAM spinning, 1.5 s passive, under the same load); idle, it costs little.
  const env = { ...process.env, OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? 'PASSIVE' };
  const child: ChildProcessWithoutNullStreams = spawn('/usr/bin/python3', ['tools/bench_zoo.py', 'serve', '--only', ...archs], {
    cwd: root,
    env,
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const lines: Interface = createInterface({ input: child.stdout });
  const queue: { resolve: (line: string) => void; reject: (err: Error) => void }[] = [];
  lines.on('line', (line) => queue.shift()?.resolve(line));
  child.once('exit', (code) => {
    for (const waiting of queue.splice(0)) waiting.reject(new Error(`tools/bench_zoo.py serve exited (${code}):\n${stderr}`));
  });
  const next = () => new Promise<string>((resolve, reject) => queue.push({ resolve, reject }));
  const ready = await next();
  if (ready !== 'ready') throw new Error(`tools/bench_zoo.py serve: unexpected '${ready}'`);
  return {
    async gradcam(arch, classIndex) {
      const answer = next();
      child.stdin.write(`gradcam ${arch} ${classIndex}\n`);
      return Number(await answer);
    },
    stop() {
      child.stdin.write('quit\n');
      child.stdin.end();
    },
  };
}
