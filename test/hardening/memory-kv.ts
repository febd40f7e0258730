/**
 * The Node server's in-memory KV namespace (cli/serve/memory-kv.ts, unbounded here) with fault switches and
 * call counters, standing in for the KV bindings in app tests.
 */
import { MemoryKv } from '../../cli/serve/memory-kv.js';

/** Fault modes: `throw` rejects every call, `slow` delays reads by `delayMs`. */
export type KvFault = 'none' | 'throw' | 'slow';

/** In-memory KV with get/getWithMetadata/put/delete/list, faults and counters. */
export class FaultyKv extends MemoryKv {
  fault: KvFault = 'none';
  delayMs = 5000;
  reads = 0;
  writes = 0;

  private async gate(): Promise<void> {
    if (this.fault === 'throw') throw new Error('KV unavailable (injected)');
    if (this.fault === 'slow') await new Promise((r) => setTimeout(r, this.delayMs));
  }

  override async getWithMetadata(key: string, options?: unknown): Promise<{ value: unknown; metadata: unknown; cacheStatus: null }> {
    this.reads++;
    await this.gate();
    return super.getWithMetadata(key, options);
  }

  override async put(key: string, value: unknown, options: { metadata?: unknown } = {}): Promise<void> {
    this.writes++;
    if (this.fault === 'throw') throw new Error('KV unavailable (injected)');
    return super.put(key, value, options);
  }

  override async delete(key: string): Promise<void> {
    await this.gate();
    return super.delete(key);
  }

  override async list(options: { prefix?: string } = {}): ReturnType<MemoryKv['list']> {
    await this.gate();
    return super.list(options);
  }

  /** The stored keys, sorted (no fault applies). */
  async keys(): Promise<string[]> {
    const fault = this.fault;
    this.fault = 'none';
    try {
      return (await super.list()).keys.map((k) => k.name);
    } finally {
      this.fault = fault;
    }
  }
}
