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

/** Milliseconds between a waiter's checks for a free slot. */
export const POLL_MS = 5;

/** A waiter that has not checked for this long is gone (its request was cancelled) and loses its place. */
const STALE_MS = 1000;

/**
 * A counting gate with a bounded FIFO queue. Waiters poll on their own timers instead of being woken by
 * the request that leaves: in workerd a request whose only pending work is a promise resolved by another
 * request is cancelled as hung ("the Workers runtime canceled this request because it detected that your
 * Worker's code had hung"), which is what waking waiters directly did under load.
 */
export class Gate {
  private running = 0;
  /** The waiters in arrival order, with the time each last checked. */
  private readonly waiting: { ticket: number; seen: number }[] = [];
  private tickets = 0;

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
    if (this.running >= capacity.inFlight || this.waiting.length > 0) {
      if (this.waiting.length >= capacity.queued) return false;
      const me = { ticket: ++this.tickets, seen: Date.now() };
      this.waiting.push(me);
      while (this.waiting[0] !== me || this.running >= capacity.inFlight) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        me.seen = Date.now();
        this.dropStale(me.seen);
      }
      this.waiting.shift();
    }
    this.running++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.running--;
    };
  }

  private dropStale(now: number): void {
    while (this.waiting.length && now - this.waiting[0].seen > STALE_MS) this.waiting.shift();
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
