/**
 * @module
 * The table of `npm run bench:zoo` and where it goes: docs/performance.md, between the markers
 * `<!-- zoo:start -->` and `<!-- zoo:end -->`, with the machine it ran on.
 */
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeDoc } from '../write-doc.js';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { median } from '../service-client.js';
import type { PreparedModel } from './models.js';

/** What was measured for one prepared model (ms unless named otherwise). */
export interface ZooRow {
  model: PreparedModel;
  classify: number[];
  top1: number[];
  named: number[];
  torchTop1: number[];
  torchNamed: number[];
  /** Per-round explain top-1 / classify. */
  ratioTop1: number[];
  /** Per-round explain top-1 (workerd) / PyTorch Grad-CAM top-1. */
  ratioTorch: number[];
  cold: number[];
  wasmBytes: number;
}

const DOC = join(import.meta.dirname, '..', '..', 'docs', 'performance.md');
const START = '<!-- zoo:start -->';
const END = '<!-- zoo:end -->';
const VARIANT_NAMES = { fp32: 'fp32 weights', int8: 'int8 weights', int8c: 'int8 compute' } as const;

/** `nproc`, the CPU model from /proc/cpuinfo, the date and the load average at the end of the run. */
export function machineLine(): string {
  const nproc = execSync('nproc').toString().trim();
  const cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? 'unknown';
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  return `Machine: ${nproc} CPUs (nproc), ${cpu}; ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; load average at the end ${load}; Node ${process.version}.`;
}

const ms = (xs: number[]) => (xs.length ? median(xs).toFixed(0) : '');
const ratio = (xs: number[]) => (xs.length ? median(xs).toFixed(2) : '');

/** The markdown table; written into docs/performance.md when `write`. */
export function writeZooTable(rows: ZooRow[], o: { rounds: number; warmup: number; namedClass: number; write: boolean }): string {
  const head = [
    '| model | variant | prepared MB | classify | explain top-1 | explain class | top-1 / classify | PyTorch Grad-CAM top-1 (class) | workerd top-1 / PyTorch | first request, new isolate | WASM memory |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const body = rows.map(({ model: m, ...r }) => {
    const size = m.bytes ? (m.bytes / 1e6).toFixed(1) : '';
    if (m.skip) return `| ${m.arch} | ${VARIANT_NAMES[m.variant]} | ${size} | ${m.skip} | | | | | | | |`;
    return `| ${m.arch} | ${VARIANT_NAMES[m.variant]} | ${size} | ${ms(r.classify)} | ${ms(r.top1)} | ${ms(r.named)} | ${ratio(r.ratioTop1)} | ${ms(r.torchTop1)} (${ms(r.torchNamed)}) | ${ratio(r.ratioTorch)} | ${r.cold.map((c) => c.toFixed(0)).join(', ')} | ${(r.wasmBytes / 1048576).toFixed(0)} MiB |`;
  });
  const note = `Milliseconds, medians of ${o.rounds} interleaved rounds after ${o.warmup} warm-up rounds; explain class = \`class=${o.namedClass}\`; ratios are medians of per-round ratios.`;
  const table = [...head, ...body].join('\n');
  if (o.write) {
    const doc = readFileSync(DOC, 'utf8');
    const a = doc.indexOf(START);
    const b = doc.indexOf(END);
    if (a < 0 || b < a) throw new Error(`docs/performance.md has no ${START} ... ${END} section`);
    writeDoc(DOC, `${doc.slice(0, a + START.length)}\n${machineLine()}\n${note}\n\n${table}\n${doc.slice(b)}`);
  }
  return `${note}\n\n${table}`;
}
