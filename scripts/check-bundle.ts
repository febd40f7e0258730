/**
 * @module
 * Deployability check (CI): builds the Worker exactly as `wrangler deploy` would, without uploading
 * (`wrangler deploy --dry-run --outdir`), prints every module's raw and gzip size, and fails when the
 * total compressed size exceeds Workers' upload limit.
 *
 * Limits (Cloudflare Workers, "Worker size", gzip-compressed upload): 10 MiB on the Paid plan, 3 MiB on
 * the Free plan. onnxruntime-web's WASM alone is ~3.7 MB gzipped, so the product targets the Paid limit;
 * the Free limit is printed for information.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const PAID_LIMIT = 10 * 1024 * 1024;
const FREE_LIMIT = 3 * 1024 * 1024;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const outdir = mkdtempSync(join(tmpdir(), 'gradcam-edge-bundle-'));
execFileSync('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', outdir], { stdio: ['ignore', 'inherit', 'inherit'] });

let raw = 0;
let gz = 0;
const rows: string[] = [];
for (const file of walk(outdir).filter((f) => !f.endsWith('.map') && !f.endsWith('README.md'))) {
  const bytes = readFileSync(file);
  const z = gzipSync(bytes, { level: 9 }).byteLength;
  raw += bytes.byteLength;
  gz += z;
  rows.push(
    `${relative(outdir, file).padEnd(48)} ${(bytes.byteLength / 1e6).toFixed(2).padStart(8)} MB ${(z / 1e6).toFixed(2).padStart(8)} MB gz`,
  );
}
const mib = (n: number) => (n / 1024 / 1024).toFixed(2);
console.log(rows.join('\n'));
console.log(`bundle: ${mib(raw)} MiB raw, ${mib(gz)} MiB gzip; Workers limit ${mib(PAID_LIMIT)} MiB (Paid), ${mib(FREE_LIMIT)} MiB (Free)`);
if (gz > PAID_LIMIT) {
  console.error(`bundle too large: ${mib(gz)} MiB gzip > ${mib(PAID_LIMIT)} MiB`);
  process.exit(1);
}
console.log('bundle size OK for wrangler deploy (Workers Paid)');
