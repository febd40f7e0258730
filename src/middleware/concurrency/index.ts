/**
 * @module
 * Load shedding for one isolate: at most `inFlight` requests of a kind run at once, at most `queued` more
 * wait (first come, first served), and any beyond that get 503 overloaded with Retry-After at once. Every
 * running explanation holds its decoded image and rendering buffers, so bounding the running ones bounds
 * the isolate's memory (128 MB) under load instead of letting a queue of decoded images grow; the model
 * runs themselves are serialised per session anyway.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../../errors.js';

/** How many may run and wait. */
export interface Capacity {
  inFlight: number;
  queued: number;
}

/** A counting gate with a bounded FIFO queue. */
export class Gate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  /** Requests running and waiting (for tests and health). */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /**
   * Enter the gate (wait for a slot), or return false at once when the queue is full. Call the returned
   * function exactly once to leave.
   *
   * @example
   * const leave = await gate.enter({ inFlight: 4, queued: 16 }); if (leave) try { ... } finally { leave(); }
   */
  async enter(capacity: Capacity): Promise<(() => void) | false> {
    if (this.running >= capacity.inFlight) {
      if (this.waiting.length >= capacity.queued) return false;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const next = this.waiting.shift();
      if (next) next(); // the slot passes to the next waiter: `running` stays the same
      else this.running--;
    };
  }
}

/** Options of {@link concurrencyLimit}. */
export interface ConcurrencyLimitOptions {
  /** The capacity for this request, or null when it is not limited. */
  capacity: (c: Context) => Capacity | null;
  /** The gate (one per isolate; pass one to share or inspect it). */
  gate?: Gate;
  /** Seconds in Retry-After of a shed request (default 2). */
  retryAfter?: number;
}

/**
 * Concurrency limit middleware.
 *
 * @example
 * app.post('/v1/explain', concurrencyLimit({ capacity: () => ({ inFlight: 4, queued: 32 }) }), handler);
 */
export function concurrencyLimit(options: ConcurrencyLimitOptions): MiddlewareHandler {
  const gate = options.gate ?? new Gate();
  const retryAfter = String(options.retryAfter ?? 2);
  return async (c, next) => {
    const capacity = options.capacity(c);
    if (!capacity) return next();
    const leave = await gate.enter(capacity);
    if (!leave) throw new ApiError(503, 'overloaded', 'The service is busy; retry shortly.', {}, { 'Retry-After': retryAfter });
    try {
      await next();
    } finally {
      leave();
    }
  };
}
