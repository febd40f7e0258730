/**
 * Every client (SDK in Node and in Chromium, Python, CLI) against one real service: `wrangler dev` started once for this file (each start costs
 * seconds of CPU), with an API key configured so the clients' key handling is exercised too, and a detector and
 * a segmenter uploaded (task-models.ts) for the task response types.
 */
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { startWranglerDev, type WranglerDev } from '../e2e/wrangler-dev.js';
import { describeBrowser } from './browser-live.js';
import { describeCli } from './cli-live.js';
import { writeFixtures, type ClientFixtures } from './fixtures.js';
import type { LiveContext } from './live-context.js';
import { describePython } from './python-live.js';
import { describeSdk } from './sdk-live.js';
import { describeSdkTasks } from './sdk-task-live.js';
import { TEST_ADMIN_KEY, uploadTaskModels } from './task-models.js';

const API_KEY = 'clients-test-key';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
let dev: WranglerDev | undefined;
let fixtures: ClientFixtures | undefined;

beforeAll(async () => {
  fixtures = writeFixtures();
  dev = await startWranglerDev({ vars: { API_KEYS: sha256(API_KEY), ADMIN_KEYS: sha256(TEST_ADMIN_KEY) } });
  await uploadTaskModels(dev.url, TEST_ADMIN_KEY);
}, 180_000);
afterAll(async () => {
  await dev?.stop();
  if (fixtures) rmSync(fixtures.dir, { recursive: true, force: true });
});

const ctx: LiveContext = { url: () => dev!.url, log: () => dev?.output() ?? '', apiKey: API_KEY, fixtures: () => fixtures! };

describeSdk(ctx);
describeSdkTasks(ctx);
describePython(ctx);
describeCli(ctx);
describeBrowser(ctx);
