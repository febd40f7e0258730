/**
 * @module
 * The demo page at `/` (HTML, `/demo/app.js` with its modules `/demo/targets.js` and `/demo/units.js`,
 * `/demo/app.css`): try the service from a browser. Static
 * strings embedded in the Worker (a few KB), no framework, no third-party host; the script is a separate
 * same-origin file so the page works under a strict CSP. Not part of the OpenAPI document.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.js';
import { DEMO_HTML } from './page.js';
import { DEMO_JS } from './script.js';
import { DEMO_CSS } from './style.js';
import { DEMO_TARGETS_JS } from './targets-script.js';
import { DEMO_UNITS_JS } from './units-script.js';

/** Revalidate after 10 minutes (the page changes with deployments, unlike explanations). */
const CACHE = 'public, max-age=600';

function asset(body: string, type: string): () => Response {
  return () => new Response(body, { headers: { 'Content-Type': type, 'Cache-Control': CACHE } });
}

/** The demo sub-app (mounted at `/`). */
export const demoApp = new Hono<AppEnv>()
  .get('/', asset(DEMO_HTML, 'text/html; charset=utf-8'))
  .get('/demo/app.js', asset(DEMO_JS, 'text/javascript; charset=utf-8'))
  .get('/demo/targets.js', asset(DEMO_TARGETS_JS, 'text/javascript; charset=utf-8'))
  .get('/demo/units.js', asset(DEMO_UNITS_JS, 'text/javascript; charset=utf-8'))
  .get('/demo/app.css', asset(DEMO_CSS, 'text/css; charset=utf-8'));
