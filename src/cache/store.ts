/**
 * @module
 * The explanation cache on KV. Reads and writes never fail a request: a KV error or a read slower than
 * {@link READ_TIMEOUT_MS} is a miss (reads), a write error a logged no-op. A value is written whole, in one put, so concurrent identical requests (same id,
 * same bytes) cannot leave a torn entry. Only successful explanations reach this module.
 */

/** Metadata stored with each explanation (KV metadata, at most 1 KiB). */
export interface ExplanationMeta {
  contentType: 'image/png' | 'application/json';
  model: string;
  method: string;
  layer: string;
  classIndex: number;
  label: string | null;
  score: number;
  width?: number;
  height?: number;
  /** top=k: the explained classes, left to right in the PNG strip. */
  classes?: number[];
  /** Requested explanation-quality metrics (drop, increase in percent; deletion, insertion AUC). */
  metrics?: Record<string, number>;
  /** The one-sentence explanation (JSON always; PNG with text=true). */
  text?: string;
  /** Task models: what was explained (the detection's index, a segment, a direction or unit), for badges. */
  target?: TaskTargetMeta;
  /** Milliseconds spent in each stage when the explanation was computed. */
  timings: Record<string, number>;
  created: string;
}

/** The explained target of a segmentation, detection or embedding model (a few bytes of KV metadata). */
export type TaskTargetMeta =
  | { task: 'detect'; box: number | null }
  | { task: 'segment' }
  | { task: 'embed'; target: 'vector' | 'index' | 'none'; index?: number };

/** A cached explanation. */
export interface CachedExplanation {
  body: ReadableStream<Uint8Array>;
  meta: ExplanationMeta;
}

const PREFIX = 'explanation:';

/** How long a cache read may take before it counts as a miss (a slow KV must not stall explanations). */
export const READ_TIMEOUT_MS = 1500;

type Read = { value: ReadableStream<Uint8Array> | null; metadata: ExplanationMeta | null };

/** The read, or null when it has not finished after `ms`; a late value is cancelled. */
async function withTimeout(read: Promise<Read>, ms: number): Promise<Read | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  try {
    const first = await Promise.race([read, late]);
    if (first === null) {
      console.warn(`explanation cache read took over ${ms} ms (treated as a miss)`);
      read.then(
        (r) => r.value?.cancel(),
        () => undefined,
      );
    }
    return first;
  } finally {
    clearTimeout(timer);
  }
}

/** Read an explanation; null on a miss, a KV failure, or a read slower than `timeoutMs`. */
export async function readExplanation(
  kv: KVNamespace | undefined,
  id: string,
  timeoutMs = READ_TIMEOUT_MS,
): Promise<CachedExplanation | null> {
  if (!kv) return null;
  try {
    const read = await withTimeout(kv.getWithMetadata<ExplanationMeta>(PREFIX + id, 'stream'), timeoutMs);
    const { value, metadata } = read ?? { value: null, metadata: null };
    if (!value || !metadata) {
      await value?.cancel();
      return null;
    }
    return { body: value, meta: metadata };
  } catch (err) {
    console.warn('explanation cache read failed (treated as a miss)', err);
    return null;
  }
}

/**
 * Store an explanation (call it inside `waitUntil`); failures are logged, never thrown.
 *
 * @param ttlSeconds KV expirationTtl (see cache/ttl.ts); null keeps it until deleted
 */
export async function writeExplanation(
  kv: KVNamespace | undefined,
  id: string,
  body: Uint8Array,
  meta: ExplanationMeta,
  ttlSeconds: number | null = null,
): Promise<void> {
  if (!kv) return;
  try {
    const metadata = { ...meta, label: meta.label?.slice(0, 120) ?? null };
    await kv.put(PREFIX + id, body, ttlSeconds === null ? { metadata } : { metadata, expirationTtl: ttlSeconds });
  } catch (err) {
    console.warn('explanation cache write failed', err);
  }
}
