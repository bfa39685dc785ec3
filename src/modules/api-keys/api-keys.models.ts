import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_SCOPES = ['ingest', 'read', 'admin'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** `*` grants every source, present and future. */
export const ALL_SOURCES = '*';

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  sources: string[];
  createdBy: string;
  createdAt: number;
  revokedAt: number | null;
}

const KEY_PREFIX = 'vgl_';

/**
 * 32 random bytes: a key cannot be guessed, so a plain SHA-256 is enough to store it
 * (slow password hashes protect low-entropy secrets; this is not one) and lets the
 * hot path look a key up by its hash in one index probe.
 */
export function generateApiKeySecret(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The part of a key that is safe to show in lists and logs. */
export function displayPrefix(secret: string): string {
  return secret.slice(0, KEY_PREFIX.length + 6);
}

export function canUseSource(key: Pick<ApiKey, 'sources'>, source: string): boolean {
  return key.sources.includes(ALL_SOURCES) || key.sources.includes(source);
}

export function hasScope(key: Pick<ApiKey, 'scopes'>, scope: ApiKeyScope): boolean {
  return key.scopes.includes(scope) || key.scopes.includes('admin');
}
