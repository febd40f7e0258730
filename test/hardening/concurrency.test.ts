import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { concurrencyLimit, Gate } from '../../src/middleware/concurrency/index.js';
import { onError } from '../../src/routes/problem.js';
import { capacityOf } from '../../src/routes/access-policy.js';

/** An app whose handler waits until released, recording the order in which requests start. */
function blockingApp(gate: Gate, inFlight: number, queued: number) {
  const started: string[] = [];
  const release: (() => void)[] = [];
  const app = new Hono();
  app.use(concurrencyLimit({ capacity: () => ({ inFlight, queued }), gate }));
  app.post('/:name', async (c) => {
    started.push(c.req.param('name'));
    await new Promise<void>((r) => release.push(r));
    if (c.req.param('name') === 'boom') throw new Error('handler failed');
    return c.text('ok');
  });
  app.onError(onError);
  return { app, started, release };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('load shedding', () => {
  it('runs at most inFlight at once, queues FIFO up to queued, sheds the rest with 503 + Retry-After', async () => {
    const gate = new Gate();
    const { app, started, release } = blockingApp(gate, 2, 2);
    const responses = ['a', 'b', 'c', 'd', 'e'].map((n) => app.request(`/${n}`, { method: 'POST' }));
    await tick();
    expect(started).toEqual(['a', 'b']);
    expect(gate.load).toEqual({ running: 2, waiting: 2 });
    const shed = await responses[4];
    expect(shed.status).toBe(503);
    expect(shed.headers.get('retry-after')).toBe('2');
    expect(((await shed.json()) as { code: string }).code).toBe('overloaded');
    release.shift()!();
    await tick();
    expect(started).toEqual(['a', 'b', 'c']);
    while (release.length || gate.load.running) {
      release.shift()?.();
      await tick();
    }
    expect((await Promise.all(responses.slice(0, 4))).map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('frees the slot when the handler fails', async () => {
    const gate = new Gate();
    const { app, release } = blockingApp(gate, 1, 0);
    const failing = app.request('/boom', { method: 'POST' });
    await tick();
    expect((await app.request('/x', { method: 'POST' })).status).toBe(503);
    release.shift()!();
    expect((await failing).status).toBe(500);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('skips a waiter that stopped polling (its request was cancelled)', async () => {
    const gate = new Gate();
    const cap = { inFlight: 1, queued: 4 };
    const leave = (await gate.enter(cap)) as () => void;
    const waiting = gate.enter(cap);
    await tick();
    // a waiter whose polling has stopped: put a stale entry at the head of the queue
    (gate as unknown as { waiting: { ticket: number; seen: number }[] }).waiting.unshift({ ticket: -1, seen: Date.now() - 5000 });
    leave();
    const second = await waiting;
    expect(second).toBeTypeOf('function');
    (second as () => void)();
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('limits computing requests only', () => {
    expect(capacityOf('POST', {})).toEqual({ inFlight: 4, queued: 32 });
    expect(capacityOf('PUT', { MAX_IN_FLIGHT: '1', MAX_QUEUED: '0' })).toEqual({ inFlight: 1, queued: 0 });
    expect(capacityOf('GET', {})).toBeNull();
    expect(capacityOf('DELETE', {})).toBeNull();
    expect(capacityOf('POST', { MAX_IN_FLIGHT: 'off' })).toBeNull();
  });
});
