/**
 * @module
 * API keys. The deployment configures SHA-256 hashes of its keys (secrets `API_KEYS` and `ADMIN_KEYS`),
 * never the keys. A request presents `Authorization: Bearer <key>`; the key is hashed and the digest
 * compared with every configured hash in constant time. Each request needs one of three access levels:
 * - `open`: no key;
 * - `user`: any configured key (user or admin), or no key at all when the deployment has no keys;
 * - `admin`: an admin key; with no admin keys configured such requests are refused (403).
 * Missing key: 401; wrong key or a user key on an admin route: 403; both problem+json with
 * `WWW-Authenticate: Bearer` (RFC 6750).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../../errors.js';
import { bearerToken, digestIn, keyDigest, parseKeyHashes, toHex } from './keys.js';

/** The access a request needs. */
export type Access = 'open' | 'user' | 'admin';

/** The configured key hashes (hex SHA-256, comma or whitespace separated). */
export interface KeyConfig {
  user: string | undefined;
  admin: string | undefined;
}

/** Options of {@link apiKeys}. */
export interface ApiKeysOptions {
  /** The access level the request needs. */
  access: (c: Context) => Access;
  /** The configured hashes (e.g. from secrets). */
  keys: (c: Context) => KeyConfig;
  /** Called with a stable, non-secret name of the accepted key (`key:<16 hex digits of its hash>`). */
  onPrincipal?: (c: Context, principal: string) => void;
}

const REALM = 'Bearer realm="gradcam-edge"';

function missingKey(): ApiError {
  return new ApiError(
    401,
    'unauthorized',
    'This request needs an API key: send Authorization: Bearer <key>.',
    {},
    { 'WWW-Authenticate': REALM },
  );
}

function refused(detail: string, error: 'invalid_token' | 'insufficient_scope'): ApiError {
  return new ApiError(403, 'forbidden', detail, {}, { 'WWW-Authenticate': `${REALM}, error="${error}"` });
}

const parsed = new Map<string, Uint8Array[]>();

/** Parsed hashes, memoised by the configured string (secrets do not change within an isolate). */
function hashesOf(value: string | undefined): Uint8Array[] {
  const key = value ?? '';
  let hashes = parsed.get(key);
  if (!hashes) {
    hashes = parseKeyHashes(key);
    if (parsed.size > 16) parsed.clear();
    parsed.set(key, hashes);
  }
  return hashes;
}

/**
 * API key middleware.
 *
 * @example
 * app.use('/v1/*', apiKeys({ access: (c) => (c.req.method === 'GET' ? 'open' : 'user'), keys: (c) => ({ user: c.env.API_KEYS, admin: c.env.ADMIN_KEYS }) }));
 */
export function apiKeys(options: ApiKeysOptions): MiddlewareHandler {
  return async (c, next) => {
    const access = options.access(c);
    if (access === 'open') return next();
    const config = options.keys(c);
    const admin = hashesOf(config.admin);
    const user = hashesOf(config.user);
    if (access === 'user' && admin.length === 0 && user.length === 0) return next();
    if (access === 'admin' && admin.length === 0) {
      throw refused(
        'Writes are disabled on this deployment: configure ADMIN_KEYS (hashes of admin keys) to enable them.',
        'insufficient_scope',
      );
    }
    const token = bearerToken(c.req.header('authorization'));
    if (token === null) throw missingKey();
    const digest = await keyDigest(token);
    const isAdmin = digestIn(digest, admin);
    const isUser = digestIn(digest, user);
    if (access === 'admin' && !isAdmin) {
      throw isUser
        ? refused('This request needs an admin key.', 'insufficient_scope')
        : refused('The API key is not valid.', 'invalid_token');
    }
    if (!isAdmin && !isUser) throw refused('The API key is not valid.', 'invalid_token');
    options.onPrincipal?.(c, `key:${toHex(digest).slice(0, 16)}`);
    return next();
  };
}
