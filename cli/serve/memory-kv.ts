/**
 * @module
 * A bounded in-memory stand-in for a Workers KV namespace (the explanation cache of the Node server): the
 * subset of `KVNamespace` the app uses (get, getWithMetadata, put with metadata, delete, list), least recently
 * used entries evicted first once the stored bytes exceed a budget. Values are kept as bytes; what a reader
 * asks for ('text', 'json', 'arrayBuffer', 'stream') is made from them on each read.
 */

type ValueType = 'text' | 'json' | 'arrayBuffer' | 'stream';

interface Entry {
  bytes: Uint8Array;
  metadata: unknown;
}

/** Options of {@link MemoryKv}. */
export interface MemoryKvOptions {
  /** Budget for keys and values, in bytes (default: unbounded). */
  maxBytes: number;
}

function typeOf(options: unknown): ValueType {
  if (typeof options === 'string') return options as ValueType;
  return ((options as { type?: ValueType } | undefined)?.type ?? 'text') as ValueType;
}

async function toBytes(value: unknown): Promise<Uint8Array> {
  if (typeof value === 'string') return new TextEncoder().encode(value);
  if (value instanceof Uint8Array) return value.slice();
  if (value instanceof ArrayBuffer) return new Uint8Array(value.slice(0));
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
  if (value instanceof ReadableStream) return new Uint8Array(await new Response(value).arrayBuffer());
  throw new TypeError('MemoryKv.put: unsupported value type');
}

function asType(bytes: Uint8Array, type: ValueType): unknown {
  switch (type) {
    case 'arrayBuffer':
      return bytes.slice().buffer;
    case 'stream':
      return new Response(bytes.slice()).body;
    case 'json':
      return JSON.parse(new TextDecoder().decode(bytes));
    default:
      return new TextDecoder().decode(bytes);
  }
}

/**
 * An LRU KV namespace in memory.
 *
 * @example
 * const kv = new MemoryKv({ maxBytes: 256 * 1024 * 1024 });
 * await kv.put('k', bytes, { metadata: { contentType: 'image/png' } });
 * const { value, metadata } = await kv.getWithMetadata('k', 'stream');
 */
export class MemoryKv {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(private readonly options: MemoryKvOptions = { maxBytes: Infinity }) {}

  /** Bytes held (keys and values). */
  get size(): number {
    return this.bytes;
  }

  async get(key: string, options?: unknown): Promise<unknown> {
    return (await this.getWithMetadata(key, options)).value;
  }

  async getWithMetadata(key: string, options?: unknown): Promise<{ value: unknown; metadata: unknown; cacheStatus: null }> {
    const entry = this.entries.get(key);
    if (!entry) return { value: null, metadata: null, cacheStatus: null };
    this.entries.delete(key);
    this.entries.set(key, entry);
    return { value: asType(entry.bytes, typeOf(options)), metadata: entry.metadata ?? null, cacheStatus: null };
  }

  async put(key: string, value: unknown, options: { metadata?: unknown } = {}): Promise<void> {
    const bytes = await toBytes(value);
    const cost = bytes.byteLength + key.length;
    this.remove(key);
    if (cost > this.options.maxBytes) return; // larger than the whole cache: not stored
    this.entries.set(key, { bytes, metadata: options.metadata === undefined ? null : structuredClone(options.metadata) });
    this.bytes += cost;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.options.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes.byteLength + oldest.length;
    }
  }

  async delete(key: string): Promise<void> {
    this.remove(key);
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes.byteLength + key.length;
  }

  async list(
    options: { prefix?: string } = {},
  ): Promise<{ keys: { name: string; metadata?: unknown }[]; list_complete: true; cacheStatus: null }> {
    const keys = [...this.entries.keys()].filter((k) => k.startsWith(options.prefix ?? '')).sort();
    return {
      keys: keys.map((name) => ({ name, metadata: this.entries.get(name)!.metadata ?? undefined })),
      list_complete: true,
      cacheStatus: null,
    };
  }

  /** This object typed as the Workers binding it stands in for. */
  asBinding(): KVNamespace {
    return this as unknown as KVNamespace;
  }
}
