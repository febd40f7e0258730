/**
 * @module
 * The explanation cache on KV. Reads and writes never fail a request: a KV error is a miss (reads) or a
 * logged no-op (writes). A value is written whole, in one put, so concurrent identical requests (same id,
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
  /** Milliseconds spent in each stage when the explanation was computed. */
  timings: Record<string, number>;
  created: string;
}

/** A cached explanation. */
export interface CachedExplanation {
  body: ReadableStream<Uint8Array>;
  meta: ExplanationMeta;
}

const PREFIX = 'explanation:';

/** Read an explanation; null on a miss or any KV failure. */
export async function readExplanation(kv: KVNamespace | undefined, id: string): Promise<CachedExplanation | null> {
  if (!kv) return null;
  try {
    const { value, metadata } = await kv.getWithMetadata<ExplanationMeta>(PREFIX + id, 'stream');
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

/** Store an explanation (call it inside `waitUntil`); failures are logged, never thrown. */
export async function writeExplanation(kv: KVNamespace | undefined, id: string, body: Uint8Array, meta: ExplanationMeta): Promise<void> {
  if (!kv) return;
  try {
    await kv.put(PREFIX + id, body, { metadata: { ...meta, label: meta.label?.slice(0, 120) ?? null } });
  } catch (err) {
    console.warn('explanation cache write failed', err);
  }
}
