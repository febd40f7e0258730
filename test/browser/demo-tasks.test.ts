/**
 * The demo page with task models and units, end to end: `wrangler dev` (the real Worker bundle) with a
 * detector and a segmenter (test/fixtures/tasks, prepared) in its local MODELS namespace, and headless
 * Chromium. A classifier's units are listed with the sentence, and pointing at one draws that unit's own
 * activation map (the service's unit_maps) over the original; a detector's detections and a segmenter's
 * classes are listed as the service's JSON has them, and a click explains that box or class: the overlay
 * shown is the explanation the API gives for box=i or class=c.
 */
import { encode } from 'fast-png';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderScene } from '../../src/scenes/index.js';
import { preparedTaskModels, TASK_MODELS } from '../clients/task-models.js';
import { startWranglerDev, type WranglerDev } from '../e2e/wrangler-dev.js';
import { hasChromium, launchChromium, type Browser } from './chromium.js';

/** The page's DOM, as far as the callbacks run in the page use it (the project's tsconfig has no DOM lib). */
declare const document: { getElementById(id: string): unknown };

const OUT = join(import.meta.dirname, 'out');
const SIZE = 160;
const scene = renderScene({ seed: 11, size: SIZE });
const png = encode({ width: SIZE, height: SIZE, data: scene.image, channels: 3, depth: 8 });

if (!hasChromium() && process.env.CI) throw new Error('Chromium is missing: .ci/run installs it with apt-get');

type Map2d = { shape: [number, number]; data: number[] };

describe.skipIf(!hasChromium())('demo page: units, detections and segments in headless Chromium', () => {
  let dev: WranglerDev;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  /** The API's answer for the page's image (query options; the page sends the same as form fields). */
  async function api(query: string): Promise<Response> {
    const res = await fetch(`${dev.url}/v1/explain?${query}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });
    expect(res.status, await res.clone().text()).toBe(200);
    return res;
  }

  /** Do something on the page, then wait for the overlay of a new explanation; its id. */
  async function rerender(action: () => Promise<unknown>): Promise<string> {
    const before = await page.locator('#overlay').getAttribute('data-id');
    await action();
    await page.waitForFunction(
      (old) => {
        const img = document.getElementById('overlay') as unknown as { dataset: { id?: string; ready?: string } };
        return img.dataset.ready && img.dataset.id !== old;
      },
      before,
      { timeout: 60_000 },
    );
    return (await page.locator('#overlay').getAttribute('data-id'))!;
  }

  beforeAll(async () => {
    const models = await preparedTaskModels();
    // assigned as each starts, so that afterAll stops whichever did when the other fails
    const started = await Promise.allSettled([
      startWranglerDev({ kv: { MODELS: models } }).then((d) => (dev = d)),
      launchChromium().then((b) => (browser = b)),
    ]);
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    mkdirSync(OUT, { recursive: true });
    const file = join(OUT, 'tasks-scene.png');
    writeFileSync(file, png);
    page = await browser.context.newPage();
    const polling = /\/v1\/explanations\/[\w-]{43}\.json$/;
    page.on('console', (m) => m.type() === 'error' && !polling.test(m.location().url) && problems.push(`${m.text()} ${m.location().url}`));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(dev.url);
    await page.waitForFunction(() => (document.getElementById('method') as unknown as { options: unknown[] }).options.length > 0);
    await rerender(() => page.locator('#file').setInputFiles(file));
  }, 240_000);
  afterAll(async () => {
    await Promise.all([browser?.close(), dev?.stop()]);
  });

  it("shows the sentence and the units; pointing at a unit draws the unit's own map over the original", async () => {
    const chosen = await page.locator('#top input:checked').getAttribute('value');
    const json = (await (await api(`output=json&class=${chosen}&units=5&unit_maps=true`)).json()) as {
      text: string;
      units: { index: number; map: Map2d }[];
    };
    expect(await page.locator('#sentence').textContent()).toBe(json.text);
    const listed = await page
      .locator('#units li')
      .evaluateAll((els) => els.map((e) => Number((e as unknown as { dataset: { unit: string } }).dataset.unit)));
    expect(listed).toEqual(json.units.map((u) => u.index));
    expect(await page.locator('#unit-map').isHidden()).toBe(true);

    for (const n of [2, 4]) {
      const unit = json.units[n - 1]!;
      await page.locator(`#units li:nth-child(${n})`).hover();
      await page.waitForSelector(`#unit-map[data-unit="${unit.index}"]`, { state: 'visible' });
      const drawn = await page.locator('#unit-map').evaluate((el) => {
        const c = el as unknown as {
          width: number;
          height: number;
          getContext(k: string): { getImageData(...a: number[]): { data: Uint8ClampedArray } };
        };
        return { w: c.width, h: c.height, rgba: Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data) };
      });
      const [h, w] = unit.map.shape;
      expect([drawn.h, drawn.w]).toEqual([h, w]);
      const max = Math.max(...unit.map.data);
      expect(max).toBeGreaterThan(0);
      const alphas = drawn.rgba.filter((_, i) => i % 4 === 3);
      expect(alphas).toEqual(unit.map.data.map((v) => Math.round((200 * Math.max(0, v)) / max)));
      // the canvas covers the original image
      const [canvas, image] = [await page.locator('#unit-map').boundingBox(), await page.locator('#original').boundingBox()];
      expect(Math.abs(canvas!.x - image!.x - 1) + Math.abs(canvas!.width - image!.width + 2)).toBeLessThan(1.5);
      expect(Math.abs(canvas!.height - image!.height + 2)).toBeLessThan(1.5);
      expect(await page.locator('#original-caption').textContent()).toContain(`unit ${unit.index}`);
      if (n === 2) await page.screenshot({ path: join(OUT, 'demo-unit-hover.png'), fullPage: true });
    }
    await page.locator('#sentence').hover();
    expect(await page.locator('#unit-map').isHidden()).toBe(true);
    await page.screenshot({ path: join(OUT, 'demo-units.png'), fullPage: true });
  });

  it('lists the detections of a detector; a click explains that box', async () => {
    const model = TASK_MODELS.detector.id;
    await rerender(() => page.locator('#model').selectOption(model));
    await rerender(() => page.locator('#method').selectOption('layercam'));
    const json = (await (await api(`output=json&model=${model}&method=layercam`)).json()) as {
      target: { box: number; detections: { label: string; score: number }[] };
    };
    const { detections } = json.target;
    expect(detections.length).toBeGreaterThan(2);
    expect(await page.locator('#classes-legend').textContent()).toMatch(/^Detections/);
    expect(await page.locator('#units-panel').isHidden()).toBe(true);
    const names = await page.locator('#top li label > span:first-of-type').allTextContents();
    expect(names).toEqual(detections.map((d) => d.label));
    const scores = await page.locator('#top meter').evaluateAll((els) => els.map((e) => (e as unknown as { value: number }).value));
    expect(scores).toEqual(detections.map((d) => expect.closeTo(d.score, 6)));
    expect(await page.locator('#top input:checked').getAttribute('value')).toBe('0');

    const id = await rerender(() => page.locator('#top li:nth-child(3) input').check());
    const want = await api(`model=${model}&method=layercam&box=2&colormap=jet&alpha=0.5`);
    expect(id).toBe(want.headers.get('x-explanation-id'));
    expect(await page.locator('#overlay-caption').textContent()).toContain(detections[2]!.label);
    expect(await page.locator('#top li:nth-child(3) input').isChecked()).toBe(true);
    await page.screenshot({ path: join(OUT, 'demo-detector.png'), fullPage: true });
  });

  it("lists a segmenter's classes with their pixel shares; a click explains that class", async () => {
    const model = TASK_MODELS.segmenter.id;
    await rerender(() => page.locator('#model').selectOption(model));
    const json = (await (await api(`output=json&model=${model}&method=layercam`)).json()) as {
      target: { classIndex: number; classes: { classIndex: number; label: string; share: number }[] };
    };
    const { classes } = json.target;
    expect(classes.length).toBeGreaterThan(1);
    expect(await page.locator('#classes-legend').textContent()).toMatch(/^Segments/);
    expect(await page.locator('#top li label > span:first-of-type').allTextContents()).toEqual(classes.map((c) => c.label));
    const shares = await page.locator('#top meter').evaluateAll((els) => els.map((e) => (e as unknown as { value: number }).value));
    expect(shares).toEqual(classes.map((c) => expect.closeTo(c.share, 6)));
    expect(await page.locator('#top input:checked').getAttribute('value')).toBe(String(json.target.classIndex));

    const other = classes.find((c) => c.classIndex !== json.target.classIndex)!;
    const id = await rerender(() => page.locator(`#top input[value="${other.classIndex}"]`).check());
    const want = await api(`model=${model}&method=layercam&class=${other.classIndex}&colormap=jet&alpha=0.5`);
    expect(id).toBe(want.headers.get('x-explanation-id'));
    expect(await page.locator('#overlay-caption').textContent()).toContain(other.label);
    await page.screenshot({ path: join(OUT, 'demo-segmenter.png'), fullPage: true });
    expect(problems).toEqual([]);
  });
});
