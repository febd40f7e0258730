/**
 * What the live client suites share: the running service (wrangler dev, started once by
 * clients.test.ts with an API key configured), its key, and the fixture images.
 */
import type { ClientFixtures } from './fixtures.js';

/** The running service for the live suites (getters: filled in by beforeAll). */
export interface LiveContext {
  url(): string;
  /** What wrangler printed, for failure messages. */
  log(): string;
  apiKey: string;
  fixtures(): ClientFixtures;
}
