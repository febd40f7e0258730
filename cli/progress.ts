/**
 * @module
 * A one-line progress bar on stderr, drawn only when stderr is a terminal; result lines go to stdout
 * above it.
 */

/** Progress of a batch. */
export class Progress {
  #done = 0;
  #failed = 0;
  readonly #bar: boolean;

  constructor(
    readonly total: number,
    readonly stderr: NodeJS.WriteStream = process.stderr,
    readonly stdout: NodeJS.WritableStream = process.stdout,
  ) {
    this.#bar = Boolean(stderr.isTTY) && total > 1;
    this.#draw();
  }

  /** Count one finished image and print its line. */
  tick(line: string, failed = false): void {
    this.#done++;
    if (failed) this.#failed++;
    this.#clear();
    this.stdout.write(`${line}\n`);
    this.#draw();
  }

  /** Remove the bar. */
  end(): void {
    this.#clear();
  }

  #clear(): void {
    if (this.#bar) this.stderr.write('\r\x1b[2K');
  }

  #draw(): void {
    if (!this.#bar) return;
    const width = Math.max(10, Math.min(40, (this.stderr.columns ?? 80) - 30));
    const filled = Math.round((width * this.#done) / this.total);
    const failed = this.#failed ? `, ${this.#failed} failed` : '';
    this.stderr.write(`[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.#done}/${this.total}${failed}`);
  }
}
