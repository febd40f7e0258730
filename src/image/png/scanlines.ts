/**
 * @module
 * Turning the decompressed PNG data stream into reconstructed scanlines as it arrives, holding only
 * the current and the previous scanline of the current pass (the row filters look one row up, within
 * a pass). Bytes may arrive in pieces of any size; each completed scanline is unfiltered and handed on.
 */
import type { PngHeader } from './ihdr.js';
import { filterStride, type PngPass } from './passes.js';
import { unfilterRow } from './unfilter.js';

/** Receives a reconstructed scanline: data at `buf[start .. start + pass.rowBytes)`. */
export type ScanlineSink = (buf: Uint8Array, start: number, pass: PngPass, rowIndex: number) => void;

/** Bytes the assembler holds: two scanlines of the widest pass, each with its filter byte. */
export function scanlineBufferBytes(passes: readonly PngPass[]): number {
  return 2 * (Math.max(...passes.map((p) => p.rowBytes)) + 1);
}

/**
 * Assembles scanlines from pieces of the data stream.
 *
 * @example
 * const lines = new ScanlineAssembler(header, passes, (buf, start, pass, row) => writer(buf, start, pass, row, out));
 * await inflateInto(idat, dataStreamSize(passes), (bytes) => lines.push(bytes));
 */
export class ScanlineAssembler {
  readonly #passes: readonly PngPass[];
  readonly #sink: ScanlineSink;
  readonly #bpp: number;
  readonly #half: number;
  readonly #buf: Uint8Array;
  #pass = 0;
  #row = 0;
  #fill = 0;
  /** Offset of the current scanline's filter byte (0 or #half); the previous one is at the other half. */
  #cur = 0;

  constructor(header: PngHeader, passes: readonly PngPass[], sink: ScanlineSink) {
    this.#passes = passes;
    this.#sink = sink;
    this.#bpp = filterStride(header);
    this.#buf = new Uint8Array(scanlineBufferBytes(passes));
    this.#half = this.#buf.length / 2;
  }

  /** True once every scanline of every pass has been emitted. */
  get complete(): boolean {
    return this.#pass >= this.#passes.length;
  }

  /** Take the next bytes of the data stream (bytes past the last scanline are ignored). */
  push(bytes: Uint8Array): void {
    let at = 0;
    while (at < bytes.length && !this.complete) {
      const pass = this.#passes[this.#pass];
      const need = pass.rowBytes + 1 - this.#fill;
      const take = Math.min(need, bytes.length - at);
      this.#buf.set(bytes.subarray(at, at + take), this.#cur + this.#fill);
      this.#fill += take;
      at += take;
      if (this.#fill === pass.rowBytes + 1) this.#emit(pass);
    }
  }

  #emit(pass: PngPass): void {
    const cur = this.#cur + 1;
    const prev = this.#row === 0 ? -1 : this.#half - this.#cur + 1;
    unfilterRow(this.#buf, this.#buf[this.#cur], cur, prev, pass.rowBytes, this.#bpp);
    this.#sink(this.#buf, cur, pass, this.#row);
    this.#cur = this.#half - this.#cur;
    this.#fill = 0;
    if (++this.#row === pass.height) {
      this.#row = 0;
      this.#pass++;
    }
  }
}
