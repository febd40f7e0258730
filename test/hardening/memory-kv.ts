/**
 * An in-memory stand-in for a KV namespace (the subset the service uses), with fault switches.
 */

interface Entry {
  value: Uint8Array;
  metadata: unknown;
}

/** Fault modes: `throw` rejects every call, `slow` delays reads by `delayMs`. */
export type KvFault = 'none' | 'throw' | 'slow';

/** In-memory KV with get/getWithMetadata/put/delete/list. */
export class MemoryKv {
  readonly entries = new Map<string, Entry>();
  fault: KvFault = 'none';
  delayMs = 5000;
  reads = 0;
  writes = 0;

  private async gate(): Promise<void> {
    if (this.fault === 'throw') throw new Error('KV unavailable (injected)');
    if (this.fault === 'slow') await new Promise((r) => setTimeout(r, this.delayMs));
  }

  private static as(value: Uint8Array, type: string): unknown {
    if (type === 'arrayBuffer') return value.slice().buffer;
    if (type === 'stream') return new Blob([value]).stream();
    const text = new TextDecoder().decode(value);
    return type === 'json' ? JSON.parse(text) : text;
  }

  async get(key: string, type: string | { type: string } = 'text'): Promise<unknown> {
    return (await this.getWithMetadata(key, type)).value;
  }

  async getWithMetadata(key: string, type: string | { type: string } = 'text'): Promise<{ value: unknown; metadata: unknown }> {
    this.reads++;
    await this.gate();
    const entry = this.entries.get(key);
    if (!entry) return { value: null, metadata: null };
    return { value: MemoryKv.as(entry.value, typeof type === 'string' ? type : type.type), metadata: entry.metadata ?? null };
  }

  async put(key: string, value: string | ArrayBuffer | ArrayBufferView, options: { metadata?: unknown } = {}): Promise<void> {
    this.writes++;
    if (this.fault === 'throw') throw new Error('KV unavailable (injected)');
    const bytes = typeof value === 'string' ? new TextEncoder().encode(value)
      : value instanceof ArrayBuffer ? new Uint8Array(value.slice(0))
      : new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
    this.entries.set(key, { value: bytes, metadata: options.metadata });
  }

  async delete(key: string): Promise<void> {
    await this.gate();
    this.entries.delete(key);
  }

  async list(options: { prefix?: string } = {}): Promise<{ keys: { name: string }[]; list_complete: true; cursor: string }> {
    await this.gate();
    const keys = [...this.entries.keys()].filter((k) => k.startsWith(options.prefix ?? '')).sort().map((name) => ({ name }));
    return { keys, list_complete: true, cursor: '' };
  }
}
