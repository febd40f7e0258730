/**
 * @module
 * `npm run bench:zoo`: torchvision architectures (random weights) prepared in up to three variants and
 * measured in workerd (`wrangler dev`, each variant stored in its own instance's local MODELS KV, the path
 * the service uses for uploaded models), beside a hook-based PyTorch Grad-CAM on 2 threads, all in one run:
 * - per round, for each variant in turn: classify, explain top-1, explain with a class (cache misses, PNG
 *   overlay out), then the PyTorch reference of the same architecture (top-1 and with a class);
 *   the order of variants rotates from round to round;
 * - the first request of a new isolate (a fresh `wrangler dev` per try, explain top-1), and the WASM memory
 *   after all rounds (memory never shrinks, so this is the peak).
 * Writes the table into docs/performance.md (between the zoo markers) with the machine it ran on.
 *
 * Usage: npm run bench:zoo [-- --quick] [--models resnet18,mobilenet_v2] [--rounds 15] [--warmup 8] [--cold 2] [--no-write]
 * `--quick`: mobilenet_v2 and resnet18, int8 only, 3 rounds after 3 warm-up rounds, one cold start, no write.
 * Run it with `nice` on a shared machine; ratios within the run are what counts.
 */
import { startWranglerDev, type WranglerDev } from '../test/e2e/wrangler-dev.js';
import { ARCHITECTURES, prepareZoo, VARIANTS, type PreparedModel, type Variant } from './zoo/models.js';
import { machineLine, writeZooTable, type ZooRow } from './zoo/report.js';
import { startTorchReference } from './zoo/torch-reference.js';
import { benchImage, postImage } from './service-client.js';

const argv = process.argv;
const QUICK = argv.includes('--quick');
const opt = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i > 0 ? argv[i + 1] : fallback;
};
const ARCHS = opt('models', QUICK ? 'mobilenet_v2,resnet18' : ARCHITECTURES.join(',')).split(',');
const VARS: Variant[] = QUICK ? ['int8'] : [...VARIANTS];
const ROUNDS = Number(opt('rounds', QUICK ? '3' : '15'));
const WARMUP = Number(opt('warmup', QUICK ? '3' : '8'));
const COLD = Number(opt('cold', QUICK ? '1' : '2'));
const WRITE = !QUICK && !argv.includes('--no-write');
const NAMED_CLASS = 1;

const kvOf = (m: PreparedModel) => ({ MODELS: { [`${m.id}.onnx`]: m.onnx, [`${m.id}.json`]: m.json } });
const path = (route: string, m: PreparedModel) => `${route}${route.includes('?') ? '&' : '?'}model=${m.id}`;

async function coldStart(m: PreparedModel, seed: number): Promise<number> {
  const dev = await startWranglerDev({ kv: kvOf(m) });
  try {
    return (await postImage(dev.url, path('/v1/explain', m), benchImage(seed, 224))).ms;
  } finally {
    await dev.stop();
  }
}

async function main(): Promise<void> {
  const models = prepareZoo(ARCHS, VARS);
  const live = models.filter((m) => !m.skip);
  const rows = new Map<string, ZooRow>(
    models.map((m) => [
      m.id,
      { model: m, classify: [], top1: [], named: [], torchTop1: [], torchNamed: [], ratioTop1: [], ratioTorch: [], cold: [], wasmBytes: 0 },
    ]),
  );
  const torch = await startTorchReference([...new Set(live.map((m) => m.arch))]);
  const devs = new Map<string, WranglerDev>();
  try {
    for (const m of live) devs.set(m.id, await startWranglerDev({ kv: kvOf(m) }));
    for (let r = -WARMUP; r < ROUNDS; r++) {
      const img = benchImage(10_000 + r, 224);
      const order = live.map((_, i) => live[(i + r + WARMUP) % live.length]);
      for (const m of order) {
        const url = devs.get(m.id)!.url;
        const classify = await postImage(url, path('/v1/classify', m), img);
        const top1 = await postImage(url, path('/v1/explain', m), img);
        const named = await postImage(url, path(`/v1/explain?class=${NAMED_CLASS}`, m), img);
        const torchTop1 = await torch.gradcam(m.arch, -1);
        const torchNamed = await torch.gradcam(m.arch, NAMED_CLASS);
        if (top1.headers.get('x-cache') !== 'miss' || named.headers.get('x-cache') !== 'miss')
          throw new Error(`${m.id}: expected cache misses`);
        if (r < 0) continue;
        const row = rows.get(m.id)!;
        row.classify.push(classify.ms);
        row.top1.push(top1.ms);
        row.named.push(named.ms);
        row.torchTop1.push(torchTop1);
        row.torchNamed.push(torchNamed);
        row.ratioTop1.push(top1.ms / classify.ms);
        row.ratioTorch.push(top1.ms / torchTop1);
      }
      if (r >= 0) console.log(`round ${r + 1}/${ROUNDS} done`);
    }
    for (const m of live) {
      const health = (await (await fetch(`${devs.get(m.id)!.url}/healthz`)).json()) as { wasmMemoryBytes: number };
      rows.get(m.id)!.wasmBytes = health.wasmMemoryBytes;
    }
  } finally {
    torch.stop();
    await Promise.all([...devs.values()].map((d) => d.stop()));
  }
  for (let c = 0; c < COLD; c++) for (const m of live) rows.get(m.id)!.cold.push(await coldStart(m, 20_000 + c));

  const table = writeZooTable([...rows.values()], { rounds: ROUNDS, warmup: WARMUP, namedClass: NAMED_CLASS, write: WRITE });
  console.log(`\n${machineLine()}\n\n${table}`);
  if (!WRITE) console.log('\n(not written to docs/performance.md: --quick or --no-write)');
}

await main();
