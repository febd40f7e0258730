/**
 * The demo page's routes in workerd: the page, its script and stylesheet, self-contained (no inline script or
 * style, no third-party host), under the app's page CSP. Its behaviour is tested in Chromium (test/browser).
 */
import { describe, expect, it } from 'vitest';
import { call } from './helpers.js';

describe('demo page', () => {
  it('serves an HTML page that loads only same-origin files, with a strict CSP', async () => {
    const res = await call('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).toContain('<script type="module" src="/demo/app.js"></script>');
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=|\son[a-z]+=|<style/i);
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
  });

  it('serves the script and the stylesheet', async () => {
    const js = await call('/demo/app.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const source = await js.text();
    expect(source).toContain("fetch('/v1/explain'");
    expect(source).not.toMatch(/https?:\/\//);
    for (const module of ['/demo/targets.js', '/demo/units.js']) {
      expect(source).toContain(`from '${module}'`);
      const res = await call(module);
      expect([res.status, res.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
      expect(await res.text()).not.toMatch(/https?:\/\/|\bimport\(/);
    }
    const css = await call('/demo/app.css');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).not.toMatch(/@import|url\(/);
  });
});
