import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const script = resolve('scripts/check-config.ts');
const tsx = resolve('node_modules/.bin/tsx');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function check(devVars: string, args: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'check-config-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'wrangler.toml'), readFileSync('wrangler.toml'));
  writeFileSync(join(dir, '.dev.vars'), devVars);
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !['API_KEYS', 'ADMIN_KEYS', 'CACHE_SECRET', 'PUBLIC_URL'].includes(k)),
  );
  const run = spawnSync(tsx, [script, ...args], { cwd: dir, encoding: 'utf8', env });
  return { status: run.status, output: run.stdout + run.stderr };
}

describe('scripts/check-config.ts (npm start / npm run deploy)', () => {
  it('warns loudly that the service is open when no API_KEYS are configured', () => {
    const r = check('CACHE_SECRET=0123456789abcdef0123456789abcdef\n');
    expect(r.status).toBe(0);
    expect(r.output).toMatch(/OPEN TO EVERYONE/);
    expect(r.output).toMatch(/wrangler secret put API_KEYS/);
    expect(check('CACHE_SECRET=0123456789abcdef0123456789abcdef\n', ['--strict']).status).toBe(1);
  });

  it('fails on a raw key or a missing secret, and is quiet when keys are set', () => {
    const raw = check('CACHE_SECRET=0123456789abcdef0123456789abcdef\nAPI_KEYS=my-raw-key\n');
    expect(raw.status).toBe(1);
    expect(raw.output).toMatch(/ERROR \(API_KEYS\)/);
    expect(check('API_KEYS=' + createHash('sha256').update('k').digest('hex') + '\n').output).toMatch(/ERROR \(CACHE_SECRET\)/);
    const good = check(`CACHE_SECRET=0123456789abcdef0123456789abcdef\nAPI_KEYS=${createHash('sha256').update('k').digest('hex')}\n`);
    expect(good.status).toBe(0);
    expect(good.output).not.toMatch(/WARNING|ERROR/);
  });

  it('wrangler.toml and the README deploy steps say that the service is open without keys', () => {
    expect(readFileSync('wrangler.toml', 'utf8')).toMatch(/OPEN TO EVERYONE/);
    const readme = readFileSync('README.md', 'utf8');
    const deploying = readme.slice(readme.indexOf('## Deploying'), readme.indexOf('## Security'));
    expect(deploying).toMatch(/open to everyone/i);
    expect(deploying).toMatch(/wrangler secret put API_KEYS/);
  });
});
