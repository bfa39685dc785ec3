// Credentials that answers about setting things up leak and that neither secretlint's preset nor
// secrets-patterns.models.ts look for: Tailscale keys, the `private_key` of a Google service-account
// JSON file (its PEM is one JSON string with `\n` escapes, which the PEM rule does not read), raw
// hex private keys said to be one ("private key: 4c0883…", wallets and signing keys), an
// `Authorization: Basic` header whose base64 decodes to `user:password`, a password given to the
// MySQL client as `-pSECRET` or `--password=SECRET`, and database password variables
// (`PGPASSWORD=…`, `MYSQL_PWD=…`). Bounded repetitions only, like the other patterns.

import { collect, type SecretHit } from './secrets-patterns.models.ts';
import { classifyPlaceholder } from './secrets-placeholder.models.ts';

export const CREDENTIAL_KINDS = [
  'tailscale_key', 'gcp_service_account_key', 'hex_private_key', 'basic_auth_header', 'cli_password', 'database_password',
] as const;

const TAILSCALE_KEY = /(?<![A-Za-z0-9_-])tskey-(?:(?:auth|api|client|scim|webhook)-)?[A-Za-z0-9]{8,40}-[A-Za-z0-9]{16,80}(?![A-Za-z0-9_-])/g;
const SERVICE_ACCOUNT_KEY =
  /"private_key"\s{0,3}:\s{0,3}"(-----BEGIN (?:RSA )?PRIVATE KEY-----(?:\\n|\\r|[A-Za-z0-9+/=\s]){40,8000}?-----END (?:RSA )?PRIVATE KEY-----(?:\\n)?)"/g;
const HEX_PRIVATE_KEY = /\bpriv(?:ate)?[ _-]?key\b["']?[^\n0-9a-fA-F]{0,24}?(?:0x)?([0-9a-fA-F]{64})(?![0-9a-zA-Z])/gi;
const BASIC_AUTH = /\bauthorization["']?\s{0,3}[:=]\s{0,3}["']?basic\s{1,3}([A-Za-z0-9+/]{4,512}={0,2})(?![A-Za-z0-9+/=])/gi;
const MYSQL_PASSWORD = /\bmysql(?:dump|admin|sh|import)?\b[^\n|;&]{0,120}?\s(?:-p|--password=)("[^"\n]{3,128}"|'[^'\n]{3,128}'|[^\s"'|;&]{3,128})/g;
const DATABASE_PASSWORD =
  /\b(?:PGPASSWORD|MYSQL_PWD|MYSQL_PASSWORD|MYSQL_ROOT_PASSWORD|POSTGRES_PASSWORD|MARIADB_ROOT_PASSWORD|REDIS_PASSWORD|MONGO_INITDB_ROOT_PASSWORD)\s{0,2}[=:]\s{0,2}("[^"\n]{1,128}"|'[^'\n]{1,128}'|[^\s"';&|]{1,128})/g;
const PRINTABLE_USER_PASSWORD = /^([\x21-\x39\x3b-\x7e][\x20-\x39\x3b-\x7e]{0,127}):([\x20-\x7e]{1,128})$/;

/** Finds the credentials listed above in one view's text. */
export function findCredentials(text: string): SecretHit[] {
  const hits: SecretHit[] = [];
  collect(text, TAILSCALE_KEY, hits, (m) => secret('tailscale_key', m.index, m[0], m[0], 1, 3));
  collect(text, SERVICE_ACCOUNT_KEY, hits, (m) => valueHit('gcp_service_account_key', m, m[1] ?? '', 1, 3));
  collect(text, HEX_PRIVATE_KEY, hits, (m) => (isHexKey(m[1] ?? '') ? valueHit('hex_private_key', m, m[1] ?? '', 0.9, 2) : undefined));
  collect(text, BASIC_AUTH, hits, (m) => findBasicAuth(m));
  collect(text, MYSQL_PASSWORD, hits, (m) => valueHit('cli_password', m, unquote(m[1] ?? ''), 0.9, 2, m[1] ?? ''));
  collect(text, DATABASE_PASSWORD, hits, (m) => valueHit('database_password', m, unquote(m[1] ?? ''), 0.9, 2, m[1] ?? ''));
  return hits;
}

function unquote(raw: string): string {
  return raw.length >= 2 && (raw[0] === '"' || raw[0] === "'") && raw.at(-1) === raw[0] ? raw.slice(1, -1) : raw;
}

/**
 * A hit on `value`, found inside the match `m` as `raw` (the value with its quotes): critical, or
 * `placeholder_credential` at info when the value is a template or a demo value.
 */
function valueHit(kind: string, m: RegExpExecArray, value: string, score: number, priority: number, raw = value): SecretHit | undefined {
  const at = m.index + m[0].lastIndexOf(raw) + (raw === value ? 0 : raw.indexOf(value));
  return secret(kind, at, value, value, score, priority);
}

function secret(kind: string, start: number, matched: string, judged: string, score: number, priority: number): SecretHit | undefined {
  if (judged.length === 0) return undefined;
  const placeholder = classifyPlaceholder(judged);
  if (placeholder) return { kind: 'placeholder_credential', start, end: start + matched.length, score: 0.3, severity: 'info', priority: 0 };
  return { kind, start, end: start + matched.length, score, severity: 'critical', priority };
}

/** 64 hex digits that are not one repeated digit or a plain counting sequence. */
function isHexKey(hex: string): boolean {
  return new Set(hex.toLowerCase()).size >= 8;
}

/** `Authorization: Basic <base64>` counts only when the base64 decodes to `user:password`. */
function findBasicAuth(m: RegExpExecArray): SecretHit | undefined {
  const encoded = m[1] ?? '';
  const decoded = Buffer.from(encoded, 'base64').toString('latin1');
  const pair = PRINTABLE_USER_PASSWORD.exec(decoded);
  if (pair === null) return undefined;
  const start = m.index + m[0].length - encoded.length;
  if (classifyPlaceholder(pair[2] ?? '') || classifyPlaceholder(decoded)) {
    return { kind: 'placeholder_credential', start, end: start + encoded.length, score: 0.3, severity: 'info', priority: 0 };
  }
  return { kind: 'basic_auth_header', start, end: start + encoded.length, score: 1, severity: 'critical', priority: 2 };
}
