/**
 * @module
 * The fixed costs around the model, before and after, interleaved in one run: this checkout (candidate) and
 * a git ref (baseline, default HEAD, exported with `git archive` into a temporary folder that shares
 * node_modules) each run in their own `wrangler dev`; every round sends the same fresh image to both, in
 * alternating order, as a cache-miss explain (overlay and heatmap) and a classify. Reports client wall times,
 * the in-worker stages (Server-Timing), response sizes, and the candidate/baseline ratios.
 *
 * Usage: npx tsx bench/fixed-costs.bench.ts [--baseline <git ref>] [--rounds 30] [--size 224] [--model x.onnx]
 */
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { startWranglerDev, type WranglerDev } from '../test/e2e/wrangler-dev.js';
import { benchImage, median, postImage, type Sample } from './service-client.js';

const ROOT = join(import.meta.dirname, '..');
const opt = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const BASELINE = opt('baseline', 'HEAD');
const ROUNDS = Number(opt('rounds', '30'));
const SIZE = Number(opt('size', '224'));
const MODEL_FILE = opt('model', '');
const MODEL_ID = MODEL_FILE ? basename(MODEL_FILE, '.onnx').replace(/[^a-z0-9._-]/gi, '-') : '';
const KV = MODEL_FILE
  ? { MODELS: { [`${MODEL_ID}.onnx`]: MODEL_FILE, [`${MODEL_ID}.json`]: MODEL_FILE.replace(/\.onnx$/, '.json') } }
  : undefined;
const withModel = (path: string) => (MODEL_ID ? `${path}${path.includes('?') ? '&' : '?'}model=${MODEL_ID}` : path);
const WARMUP = 25;

const REQUESTS = {
  overlay: withModel('/v1/explain?class=0'),
  heatmap: withModel('/v1/explain?class=0&output=heatmap'),
  top1: withModel('/v1/explain'),
  classify: withModel('/v1/classify'),
} as const;
type Kind = keyof typeof REQUESTS;

function exportBaseline(ref: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gradcam-edge-baseline-'));
  execSync(`git archive ${ref} | tar -x -C ${dir}`, { cwd: ROOT, stdio: 'inherit' });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

async function main(): Promise<void> {
  const baseDir = exportBaseline(BASELINE);
  const devs: Record<string, WranglerDev> = {};
  const samples: Record<string, Sample[]> = {};
  try {
    devs.candidate = await startWranglerDev({ kv: KV });
    devs.baseline = await startWranglerDev({ kv: KV, cwd: baseDir });
    const sides = ['candidate', 'baseline'];
    for (let r = -WARMUP; r < ROUNDS; r++) {
      const img = benchImage(r + 1000, SIZE);
      for (const kind of Object.keys(REQUESTS) as Kind[]) {
        for (const side of r % 2 === 0 ? sides : [...sides].reverse()) {
          const s = await postImage(devs[side].url, REQUESTS[kind], img);
          if (kind !== 'classify' && s.headers.get('x-cache') !== 'miss') throw new Error(`${side} ${kind}: expected a cache miss`);
          if (r >= 0) (samples[`${side}.${kind}`] ??= []).push(s);
        }
      }
    }
  } finally {
    await Promise.all(Object.values(devs).map((d) => d.stop()));
    rmSync(baseDir, { recursive: true, force: true });
  }

  console.log(
    `fixed costs: candidate (this checkout) vs baseline (${BASELINE}), wrangler dev, model '${MODEL_ID || 'default'}', ${SIZE}x${SIZE} PNG in, ${ROUNDS} interleaved rounds (medians)`,
  );
  console.log('request              candidate ms  baseline ms  ratio   cand. bytes  base bytes   candidate stages (Server-Timing)');
  for (const kind of Object.keys(REQUESTS) as Kind[]) {
    const c = samples[`candidate.${kind}`];
    const b = samples[`baseline.${kind}`];
    const ratios = c.map((s, i) => s.ms / b[i].ms);
    const stages = Object.keys(c[0].timing)
      .map((k) => `${k} ${median(c.map((s) => s.timing[k])).toFixed(1)}`)
      .join(', ');
    console.log(
      `${kind.padEnd(20)} ${median(c.map((s) => s.ms))
        .toFixed(1)
        .padStart(12)} ${median(b.map((s) => s.ms))
        .toFixed(1)
        .padStart(
          12,
        )} ${median(ratios).toFixed(2).padStart(6)} ${String(median(c.map((s) => s.bytes))).padStart(12)} ${String(median(b.map((s) => s.bytes))).padStart(11)}   ${stages}`,
    );
  }
  for (const side of ['candidate', 'baseline']) {
    const ratio = (kind: Kind) => median(samples[`${side}.${kind}`].map((s, i) => s.ms / samples[`${side}.classify`][i].ms)).toFixed(2);
    console.log(
      `${side}: explain/classify per-round median ratio: named class ${ratio('overlay')}, top-1 ${ratio('top1')}, heatmap ${ratio('heatmap')}`,
    );
  }
}

await main();
