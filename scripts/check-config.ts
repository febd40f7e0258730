/**
 * The deploy-time configuration check (`npm run deploy` runs it before `wrangler deploy`; `npm start`
 * before `wrangler dev`). It reads the vars of wrangler.toml, then .dev.vars (local runs) or the names of
 * the Worker's secrets (`wrangler secret list`, deploys), and prints the same report the Worker prints at
 * start: malformed key hashes or a missing CACHE_SECRET (errors: the deploy stops), and a loud warning
 * when no API_KEYS are configured, i.e. explain and classify will be open to everyone.
 *
 *   tsx scripts/check-config.ts [--deploy] [--strict]   (--strict: an open service is an error too)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { configProblems, isOpenService } from '../src/config/validate.js';

/** `KEY = "value"` lines of a TOML table (enough for wrangler.toml's flat [vars]). */
export function tomlTable(text: string, table: string): Record<string, string> {
  const out: Record<string, string> = {};
  let inside = false;
  for (const line of text.split('\n')) {
    const header = /^\s*\[+([^\]]+)\]+/.exec(line);
    if (header) inside = header[1].trim() === table;
    const entry = inside && /^\s*([A-Z0-9_]+)\s*=\s*"((?:[^"\\]|\\.)*)"/.exec(line);
    if (entry) out[entry[1]] = entry[2];
  }
  return out;
}

/** KEY=value lines of a .dev.vars file. */
export function dotVars(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*"?(.*?)"?\s*$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/** Names of the deployed Worker's secrets, or null when wrangler cannot tell (not logged in, offline). */
function secretNames(): string[] | null {
  try {
    const out = execFileSync('npx', ['wrangler', 'secret', 'list', '--format', 'json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 60_000,
    });
    return (JSON.parse(out) as { name: string }[]).map((s) => s.name);
  } catch {
    return null;
  }
}

function main(): number {
  const deploy = process.argv.includes('--deploy');
  const strict = process.argv.includes('--strict');
  const vars = tomlTable(readFileSync('wrangler.toml', 'utf8'), 'vars');
  let env: Record<string, string> = { ...vars };
  if (deploy) {
    const names = secretNames();
    if (names === null) {
      console.warn(
        "check-config: could not list the Worker's secrets (wrangler secret list); make sure CACHE_SECRET and API_KEYS are set.",
      );
      return 0;
    }
    // Secret values are not readable; a present secret counts as set (its format is checked at start).
    for (const name of names) env[name] = name === 'CACHE_SECRET' ? 'x'.repeat(64) : '0'.repeat(64);
  } else if (existsSync('.dev.vars')) {
    env = { ...env, ...dotVars(readFileSync('.dev.vars', 'utf8')) };
  }
  env = {
    ...env,
    ...Object.fromEntries(
      Object.entries(process.env).filter(([k]) => k in { API_KEYS: 1, ADMIN_KEYS: 1, CACHE_SECRET: 1, PUBLIC_URL: 1 }) as [
        string,
        string,
      ][],
    ),
  };
  const problems = configProblems(env);
  for (const p of problems) console.error(`check-config: ERROR (${p.setting}): ${p.detail}`);
  const open = isOpenService(env);
  if (open) {
    console.warn(
      [
        '',
        'check-config: WARNING: no API_KEYS are configured. POST /v1/explain and /v1/classify will be OPEN TO EVERYONE',
        "(anyone can spend this Worker's CPU). To require keys:",
        '  printf %s "$YOUR_KEY" | sha256sum            # store the hash, never the key',
        '  npx wrangler secret put API_KEYS             # paste the hash (several: comma separated)',
        '',
      ].join('\n'),
    );
  }
  return problems.length > 0 || (strict && open) ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(main());
