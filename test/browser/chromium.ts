/**
 * @module
 * Headless Chromium for end-to-end page tests: Debian's `chromium` package (`.ci/run` installs it) driven by
 * playwright-core, with a fresh profile per launch and no background traffic.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Where Debian installs Chromium. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * True when the browser can run here. Outside CI the browser tests are skipped without it; under CI (`CI` set,
 * as `.ci/run` runs) a missing browser is an error, so those tests can never be skipped silently there.
 */
export function hasChromium(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing under CI: the browser tests would be skipped (.ci/run installs it).`);
  return false;
}

/** A running browser context and its cleanup. */
export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Launch Chromium headless with a fresh user-data-dir.
 *
 * @example
 * const browser = await launchChromium(); const page = await browser.context.newPage(); ...; await browser.close();
 */
export async function launchChromium(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'gradcam-edge-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
    viewport: { width: 1200, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
