/**
 * @module
 * The first request of a new isolate, and what dominates it. Each try starts a fresh `wrangler dev` (a new
 * workerd process, so a new isolate with nothing compiled or loaded), sends one explain (top-1, PNG out) and
 * reads its Server-Timing: `load` (model bytes from KV or assets, sha256 check, WASM instantiation and ORT
 * session creation) and `model` (the first run(s), on WASM code V8 has not optimised yet); then 15 more
 * requests warm it up and the next 10 give the settled `model` stage for comparison. Settings of
 * ORT_GRAPH_OPTIMIZATION are interleaved try by try.
 *
 * Usage: npx tsx bench/cold-start.bench.ts [--tries 3] [--levels all,basic,disabled] [--model x.onnx]
 */
import { basename } from 'node:path';
import { startWranglerDev } from '../test/e2e/wrangler-dev.js';
import { benchImage, median, postImage } from './service-client.js';

const opt = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const TRIES = Number(opt('tries', '3'));
const LEVELS = opt('levels', 'all,basic,disabled').split(',');
const MODEL_FILE = opt('model', '');
const MODEL_ID = MODEL_FILE ? basename(MODEL_FILE, '.onnx').replace(/[^a-z0-9._-]/gi, '-') : '';
const KV = MODEL_FILE
  ? { MODELS: { [`${MODEL_ID}.onnx`]: MODEL_FILE, [`${MODEL_ID}.json`]: MODEL_FILE.replace(/\.onnx$/, '.json') } }
  : undefined;
const path = (p: string) => (MODEL_ID ? `${p}${p.includes('?') ? '&' : '?'}model=${MODEL_ID}` : p);

interface Try {
  first: number;
  load: number;
  firstModel: number;
  secondMs: number;
  settledModel: number;
}

async function once(level: string, seed: number): Promise<Try> {
  const dev = await startWranglerDev({ kv: KV, vars: { ORT_GRAPH_OPTIMIZATION: level } });
  try {
    const first = await postImage(dev.url, path('/v1/explain'), benchImage(seed, 224));
    const second = await postImage(dev.url, path('/v1/explain'), benchImage(seed + 1, 224));
    const settled: number[] = [];
    for (let i = 0; i < 25; i++) {
      const s = await postImage(dev.url, path('/v1/explain'), benchImage(seed + 2 + i, 224));
      if (i >= 15) settled.push(s.timing.model);
    }
    return { first: first.ms, load: first.timing.load, firstModel: first.timing.model, secondMs: second.ms, settledModel: median(settled) };
  } finally {
    await dev.stop();
  }
}

async function main(): Promise<void> {
  const results = new Map<string, Try[]>(LEVELS.map((l) => [l, []]));
  for (let t = 0; t < TRIES; t++) {
    for (const level of t % 2 ? [...LEVELS].reverse() : LEVELS) results.get(level)!.push(await once(level, 1000 * t));
  }
  console.log(
    `first request of a new isolate, model '${MODEL_ID || 'default'}', wrangler dev, ${TRIES} tries per setting, interleaved (medians, ms)`,
  );
  console.log('ORT_GRAPH_OPTIMIZATION  first request  load stage  first model stage  second request  settled model stage');
  for (const [level, tries] of results) {
    const m = (k: keyof Try) =>
      median(tries.map((x) => x[k]))
        .toFixed(0)
        .padStart(12);
    console.log(`${level.padEnd(22)} ${m('first')}   ${m('load')} ${m('firstModel')}       ${m('secondMs')}      ${m('settledModel')}`);
  }
}

await main();
