/**
 * @module
 * Prepared models larger than one KV value (25 MiB), stored in parts. The model's key (`<id>.onnx`) then
 * holds a small JSON index instead of the ONNX bytes:
 *
 * ```json
 * { "format": "gradcam-edge/parts-1", "bytes": 31037417, "sha256": "<hex of the whole model>",
 *   "parts": [{ "key": "versions/swin/1.onnx.part0", "bytes": 25165824 }, { "key": "...part1", "bytes": 5871593 }] }
 * ```
 *
 * An ONNX file never starts with `{` (0x7b would be protobuf field 15 as a group, which ModelProto does not
 * have), so one read of the model's key tells a whole model from an index. Parts are streamed into one
 * buffer of the declared size (never a second full copy, never a part buffer), each part's length is checked
 * as it arrives, and the whole model's sha256 is checked after assembly: a missing, torn or stale part is
 * refused with {@link PartsError}, never loaded.
 */
import { sha256Hex } from '../prepare/sha256.js';

/** The `format` of a parts index. */
export const PARTS_FORMAT = 'gradcam-edge/parts-1';

/** Default part size: 24 MiB, under KV's (and static assets') 25 MiB per value. */
export const DEFAULT_PART_BYTES = 24 << 20;

/** The largest model an index may declare (a Worker isolate has 128 MB: larger could never load). */
export const MAX_ASSEMBLED_BYTES = 128 << 20;

/** One stored part. */
export interface PartRef {
  key: string;
  bytes: number;
}

/** The JSON stored under a model's key when its bytes are in parts. */
export interface PartsIndex {
  format: typeof PARTS_FORMAT;
  bytes: number;
  sha256: string;
  parts: PartRef[];
}

/** A missing, torn or stale part, or a malformed index (the model cannot be loaded as stored). */
export class PartsError extends Error {
  override name = 'PartsError';
}

/**
 * Split a model into views of at most `partBytes` bytes (no copies) with the keys `<prefix>.part<i>`.
 *
 * @example
 * const { index, parts } = await splitModel(bytes, 'versions/swin/1.onnx', 24 << 20);
 */
export async function splitModel(
  model: Uint8Array,
  prefix: string,
  partBytes: number,
): Promise<{ index: PartsIndex; parts: Uint8Array[] }> {
  if (!Number.isSafeInteger(partBytes) || partBytes < 1) throw new RangeError(`part size ${partBytes} is not a positive integer`);
  const parts: Uint8Array[] = [];
  for (let at = 0; at < model.byteLength; at += partBytes) parts.push(model.subarray(at, Math.min(at + partBytes, model.byteLength)));
  const refs = parts.map((p, i) => ({ key: `${prefix}.part${i}`, bytes: p.byteLength }));
  return { index: { format: PARTS_FORMAT, bytes: model.byteLength, sha256: await sha256Hex(model), parts: refs }, parts };
}

/** The index in `value` when it is one (a whole ONNX model gives null); a malformed index throws {@link PartsError}. */
export function readPartsIndex(value: Uint8Array): PartsIndex | null {
  if (value[0] !== 0x7b) return null;
  let parsed: Partial<PartsIndex>;
  try {
    parsed = JSON.parse(new TextDecoder().decode(value)) as Partial<PartsIndex>;
  } catch {
    throw new PartsError('the stored model is neither ONNX nor a parts index');
  }
  const { bytes, sha256, parts } = parsed;
  const wellFormed =
    parsed.format === PARTS_FORMAT &&
    Number.isSafeInteger(bytes) &&
    bytes! > 0 &&
    bytes! <= MAX_ASSEMBLED_BYTES &&
    typeof sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(sha256) &&
    Array.isArray(parts) &&
    parts.length > 0 &&
    parts.every((p) => p && typeof p.key === 'string' && Number.isSafeInteger(p.bytes) && p.bytes > 0) &&
    parts.reduce((sum, p) => sum + p.bytes, 0) === bytes;
  if (!wellFormed) throw new PartsError(`the parts index is malformed (not ${PARTS_FORMAT} with part sizes adding up to its size)`);
  return parsed as PartsIndex;
}

/** Stream one part into `target` at `offset`, refusing a part longer or shorter than its reference. */
async function copyPart(ref: PartRef, stream: ReadableStream<Uint8Array> | null, target: Uint8Array, offset: number): Promise<void> {
  if (!stream) throw new PartsError(`part '${ref.key}' is missing`);
  let at = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (at + value.byteLength > ref.bytes) {
      await reader.cancel();
      throw new PartsError(`part '${ref.key}' is longer than the ${ref.bytes} bytes of its index`);
    }
    target.set(value, offset + at);
    at += value.byteLength;
  }
  if (at !== ref.bytes) throw new PartsError(`part '${ref.key}' has ${at} bytes; its index says ${ref.bytes}`);
}

/**
 * Assemble a parted model into one buffer of `index.bytes`, reading the parts concurrently through `open`
 * (a stream per key, or null when the key is missing), then check the whole model's sha256.
 *
 * @example
 * const bytes = await assembleParts(index, (key) => env.MODELS.get(key, 'stream'));
 */
export async function assembleParts(
  index: PartsIndex,
  open: (key: string) => Promise<ReadableStream<Uint8Array> | null>,
): Promise<Uint8Array> {
  const model = new Uint8Array(index.bytes);
  const offsets = index.parts.map((_, i) => index.parts.slice(0, i).reduce((sum, p) => sum + p.bytes, 0));
  await Promise.all(index.parts.map(async (ref, i) => copyPart(ref, await open(ref.key), model, offsets[i]!)));
  if ((await sha256Hex(model)) !== index.sha256)
    throw new PartsError("the assembled parts do not match the index's sha256 (a part is stale or torn)");
  return model;
}
