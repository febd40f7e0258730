/**
 * @module
 * The models of `npm run bench:zoo`: torchvision architectures with random weights exported by
 * tools/bench_zoo.py into build/zoo/ (git-ignored), then prepared by `gradcam-edge prepare` in up to three
 * variants. Files that exist are reused (delete build/zoo to start over).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchImage } from '../service-client.js';

/** The architectures, smallest first. */
export const ARCHITECTURES = ['mobilenet_v2', 'efficientnet_b0', 'resnet18', 'resnet50', 'convnext_tiny'] as const;

/** Prepared variants: fp32 weights, int8 weights (fp32 arithmetic), int8 arithmetic (calibrated activations). */
export const VARIANTS = ['fp32', 'int8', 'int8c'] as const;
export type Variant = (typeof VARIANTS)[number];

/** Workers limits a prepared model must meet to be served from KV (docs/service.md). */
export const KV_VALUE_LIMIT = 25 * 1024 * 1024;

/** One prepared model, or why there is none. */
export interface PreparedModel {
  arch: string;
  variant: Variant;
  /** KV id, e.g. `resnet18-int8`. */
  id: string;
  onnx: string;
  json: string;
  bytes: number;
  /** Set when the model cannot be benchmarked in workerd, with the reason. */
  skip?: string;
}

const ROOT = join(import.meta.dirname, '..', '..');
export const ZOO_DIR = join(ROOT, 'build', 'zoo');

/** True when this checkout's prepare knows `--calibrate` (static int8 activations). */
export function prepareCanCalibrate(): boolean {
  return readFileSync(join(ROOT, 'cli', 'prepare-args.ts'), 'utf8').includes('--calibrate');
}

function run(cmd: string, args: string[]): void {
  execFileSync('nice', ['-n', '19', cmd, ...args], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
}

/** Calibration images for int8 arithmetic: 32 of the benchmark's generated PNGs (random-weight models have no data of their own). */
function calibrationDir(): string {
  const dir = join(ZOO_DIR, 'calibration');
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 32; i++) writeFileSync(join(dir, `${i}.png`), benchImage(50_000 + i, 224));
  }
  return dir;
}

/** Export (tools/bench_zoo.py) and prepare what is missing; returns every (architecture, variant). */
export function prepareZoo(archs: readonly string[], variants: readonly Variant[]): PreparedModel[] {
  mkdirSync(ZOO_DIR, { recursive: true });
  const missing = archs.filter((a) => !existsSync(join(ZOO_DIR, `${a}.onnx`)));
  if (missing.length) run('/usr/bin/python3', ['tools/bench_zoo.py', 'export', '--only', ...missing]);
  const calibrate = prepareCanCalibrate();
  const out: PreparedModel[] = [];
  for (const arch of archs) {
    for (const variant of variants) {
      const id = `${arch}-${variant}`;
      const onnx = join(ZOO_DIR, `${id}.onnx`);
      const json = join(ZOO_DIR, `${id}.json`);
      const model: PreparedModel = { arch, variant, id, onnx, json, bytes: 0 };
      if (variant === 'int8c' && !calibrate) {
        out.push({ ...model, skip: 'needs `prepare --calibrate` (int8 activations), not in this checkout' });
        continue;
      }
      const source = statSync(join(ZOO_DIR, `${arch}.onnx`)).size;
      if (variant === 'fp32' && source > KV_VALUE_LIMIT && !existsSync(onnx)) {
        out.push({
          ...model,
          bytes: source,
          skip: `${(source / 1048576).toFixed(1)} MiB of fp32 weights are over the 25 MiB KV value (and static asset) limit`,
        });
        continue;
      }
      if (!existsSync(onnx)) {
        const quantize = variant === 'fp32' ? ['--quantize', 'none'] : ['--quantize', 'int8'];
        const extra = variant === 'int8c' ? ['--calibrate', calibrationDir()] : [];
        run('npx', ['gradcam-edge', 'prepare', join(ZOO_DIR, `${arch}.onnx`), '--out', onnx, ...quantize, ...extra]);
      }
      model.bytes = statSync(onnx).size;
      if (model.bytes > KV_VALUE_LIMIT) {
        model.skip = `${(model.bytes / 1048576).toFixed(1)} MiB prepared model is over the 25 MiB KV value (and static asset) limit`;
      }
      out.push(model);
    }
  }
  return out;
}
