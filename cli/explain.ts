/**
 * @module
 * `gradcam-edge explain <image | folder | glob>...`: explains images with a gradcam-edge service (local or
 * deployed) through the SDK, a few requests in flight at a time, and writes each explanation PNG with a
 * copy of its original beside an index.html contact sheet.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { ApiError, type ErrorCode } from '../src/errors.js';
import { GradcamEdge, GradcamEdgeError, type Explanation } from '../sdk/src/index.js';
import { contactSheet, type SheetEntry } from './contact-sheet.js';
import { EXPLAIN_USAGE, parseExplainArgs, type ExplainArgs } from './explain-args.js';
import { expandInputs, type InputImage } from './explain-inputs.js';
import { Progress } from './progress.js';

export const usage = EXPLAIN_USAGE;

/** Failures that would repeat for every image (wrong option, model, URL): they stop the batch. */
const BATCH_FATAL = new Set([
  'bad_option',
  'model_not_found',
  'class_out_of_range',
  'network_error',
  'not_found',
  'unexpected_response',
  'unauthorized',
  'forbidden',
]);

/** Run `fn` on every item with at most `limit` in flight; stops starting new ones once `stop()` is true. */
export async function forEachBounded<T>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
  stop = () => false,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !stop()) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function sentence(e: SheetEntry, outDir: string): string {
  if (e.error) return `${e.source}: error[${e.error.code}] ${e.error.detail}`;
  const name = e.label ?? `class ${e.classIndex}`;
  return `${e.source} -> ${join(outDir, e.explanation!)}  ${name} (class ${e.classIndex}) ${((e.score ?? 0) * 100).toFixed(1)}% [${e.cache}]`;
}

function jsonLine(e: SheetEntry, outDir: string): string {
  const { source, error, classIndex, label, score, method, cache, url } = e;
  return JSON.stringify(
    error ? { source, error } : { source, output: join(outDir, e.explanation!), url, classIndex, label, score, method, cache },
  );
}

async function explainOne(client: GradcamEdge, a: ExplainArgs, img: InputImage, signal: AbortSignal): Promise<SheetEntry> {
  const original = `originals/${img.stem}${extname(img.path).toLowerCase()}`;
  await copyFile(img.path, join(a.outDir, original));
  let cam: Explanation;
  try {
    cam = await client.explain(await readFile(img.path), { ...a.options, signal });
    const explanation = `${img.stem}.${cam.method}.png`;
    await writeFile(join(a.outDir, explanation), await cam.bytes());
    const { classIndex, label, score, method, cache, url } = cam;
    return { source: img.path, original, explanation, classIndex, label, score, method, cache, url };
  } catch (err) {
    if (!(err instanceof GradcamEdgeError)) throw err;
    return { source: img.path, original, error: { code: err.code, detail: err.detail } };
  }
}

/** Run `explain`; resolves to the exit code (1 if any image failed). */
export async function run(args: string[]): Promise<number> {
  const a = parseExplainArgs(args);
  const images = await expandInputs(a.inputs);
  await mkdir(join(a.outDir, 'originals'), { recursive: true });
  const client = new GradcamEdge({ url: a.url, apiKey: a.apiKey, timeoutMs: a.timeoutMs });
  const progress = new Progress(images.length);
  const entries: SheetEntry[] = [];
  const abort = new AbortController();
  let fatal: SheetEntry['error'];
  await forEachBounded(
    images,
    a.concurrency,
    async (img, i) => {
      const entry = await explainOne(client, a, img, abort.signal).catch((err) => (abort.signal.aborted ? undefined : Promise.reject(err)));
      if (!entry || fatal) return;
      if (entry.error && BATCH_FATAL.has(entry.error.code)) {
        fatal = entry.error;
        abort.abort();
        return;
      }
      entries[i] = entry;
      progress.tick(a.json ? jsonLine(entry, a.outDir) : sentence(entry, a.outDir), Boolean(entry.error));
    },
    () => fatal !== undefined,
  ).finally(() => progress.end());
  // The code may be the client's own (network_error, timeout): printed as is.
  if (fatal) throw new ApiError(400, fatal.code as ErrorCode, `${fatal.detail} (stopped after the first image that failed this way).`);
  const done = entries.filter(Boolean);
  const sheet = join(a.outDir, 'index.html');
  await writeFile(sheet, contactSheet(done, a.url));
  const failed = done.filter((e) => e.error).length;
  process.stderr.write(`${done.length - failed} explained${failed ? `, ${failed} failed` : ''}; contact sheet: ${sheet}\n`);
  return failed ? 1 : 0;
}
