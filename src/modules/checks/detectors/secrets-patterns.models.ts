// Secrets the secretlint recommended preset does not look for: JWTs, credentials in any URL
// scheme (the preset only knows http/ftp and three databases), key=value connection strings,
// Stripe and Google API keys, bearer tokens and generic `api_key = <high-entropy value>`
// assignments. Every repetition is bounded and stops at characters it cannot match, so no
// input makes these regexes backtrack catastrophically (the detector tests feed hostile inputs).

import type { Severity } from '../checks.models.ts';
import { measureEntropy } from './secrets-entropy.models.ts';

/** A hit in one view's text (offsets in that view). Higher `priority` wins over overlapping hits. */
export interface SecretHit {
  kind: string;
  start: number;
  end: number;
  score: number;
  severity: Severity;
  priority: number;
}

/** Kinds the extra patterns report (each has fixtures). */
export const EXTRA_SECRET_KINDS = [
  'stripe_secret_key', 'google_api_key', 'jwt', 'url_credentials', 'connection_string', 'generic_secret', 'bearer_token',
] as const;

/** Names that mark the value assigned to them as a secret (shared with the prefilter). */
export const SECRET_NAME_SOURCE = String.raw`(?:api[_-]?key|apikey|secret|token|passw(?:or)?d|passwd|pwd|credentials?|(?:access|account|auth|client|encryption|master|private|signing)[_-]?key)`;
export const ASSIGNMENT_HEAD_SOURCE = String.raw`${SECRET_NAME_SOURCE}[A-Za-z0-9_-]{0,24}["']?\s{0,3}(?:=>|:=|[:=])`;

const ASSIGNMENT = new RegExp(String.raw`${ASSIGNMENT_HEAD_SOURCE}\s{0,3}["'\x60]?([A-Za-z0-9+/=_.~!@#$%^&*?-]{12,256})`, 'gi');
const BEARER = /\bbearer\s{1,3}([A-Za-z0-9._~+/-]{20,2048}=*)/gi;
const STRIPE_KEY = /(?<![A-Za-z0-9])[rs]k_(?:live|test)_[A-Za-z0-9]{16,247}(?![A-Za-z0-9])/g;
const GOOGLE_API_KEY = /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g;
const JWT = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,2000}\.[A-Za-z0-9_-]{8,8000}\.[A-Za-z0-9_-]{16,2000}(?![A-Za-z0-9_-])/g;
// An AWS secret access key in prose: 40 base64 characters soon after the word "secret" ("the
// secret is …", "secret key: …"), not only in the `aws_secret_access_key=` form secretlint knows.
const SECRET_IN_PROSE = /\bsecret(?:\s{1,3}(?:access\s{1,3})?key)?\b[^A-Za-z0-9/+\n]{1,12}(?:is\s{1,3})?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi;
const AWS_CONTEXT = /\b(?:aws|amazon|s3|iam)\b|(?:AKIA|ASIA)[A-Z0-9]{16}/i;
const MIN_AWS_SECRET_ENTROPY = 4;
const CONNECTION_PASSWORD = /(?<![A-Za-z0-9])(?:password|pwd)\s{0,3}=\s{0,3}("[^"\n]{1,128}"|'[^'\n]{1,128}'|[^;'"\s]{1,128})/gi;
const CONNECTION_CONTEXT = /(?:server|data source|host|hostname|address|addr|user id|uid|username|database|initial catalog)\s{0,3}=[^;\n]{1,200};/i;

const URL_SCHEME_BEFORE = /[A-Za-z][A-Za-z0-9+.-]{0,30}$/;
const URL_USERINFO = /([^\s:@/]{0,128}):([^\s@/]{1,256})@([A-Za-z0-9.-]{1,253}(?::\d{1,5})?)/y;

const TRAILING_PUNCTUATION = /[.,;:!?'"`)*]+$/;
const PLACEHOLDER = /your|example|placeholder|changeme|change_me|redacted|dummy|sample|xxxx|\*\*\*|\.\.\.|<|>|\{|\}/i;
// Narrower than PLACEHOLDER: provider fixtures and docs examples say EXAMPLE or FAKE on purpose.
const PROVIDER_PLACEHOLDER = /your|xxxx|placeholder|redacted|changeme|\.\.\.|<|>|\{|\}/i;
const CODE_REFERENCE = /^(?:process\.env|os\.(?:environ|getenv)|env\.|config\.|settings\.|self\.|this\.|system\.getenv|secrets\.)/i;
const DOTTED_IDENTIFIER = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;
const VARIABLE_REFERENCE = /^(?:\$|%|@|&)/;
const REPEATED = /^(.)\1+$/;
const HAS_DIGIT = /\d/;
const HAS_LETTER = /[A-Za-z]/;
const PLACEHOLDER_PASSWORDS = new Set(['password', 'passwd', 'pass', 'pwd', 'secret', 'changeme', 'xxx', 'xxxx', '****', '***']);

const MIN_GENERIC_LENGTH = 12;
const MIN_GENERIC_ENTROPY = 3;
const MIN_BEARER_ENTROPY = 3.5;

/** Finds the secrets the preset lacks in one view's text. */
export function findExtraSecrets(text: string): SecretHit[] {
  const hits: SecretHit[] = [];
  collect(text, STRIPE_KEY, hits, (m) => hit('stripe_secret_key', m.index, m.index + m[0].length, 0.95, 3));
  collect(text, GOOGLE_API_KEY, hits, (m) => hit('google_api_key', m.index, m.index + m[0].length, 0.95, 3));
  collect(text, JWT, hits, (m) => (isJwtHeader(m[0]) ? hit('jwt', m.index, m.index + m[0].length, 0.9, 2) : undefined));
  collect(text, CONNECTION_PASSWORD, hits, (m) => findConnectionPassword(text, m));
  collect(text, ASSIGNMENT, hits, (m) => findAssignedSecret(text, m));
  collect(text, BEARER, hits, (m) => findBearerToken(m));
  collect(text, SECRET_IN_PROSE, hits, (m) => findSecretInProse(text, m));
  findUrlCredentials(text, hits);
  return hits;
}

function hit(kind: string, start: number, end: number, score: number, priority: number): SecretHit {
  return { kind, start, end, score, severity: 'critical', priority };
}

/** Runs a global pattern over `text`, keeping the hits `toHit` makes of its matches. */
export function collect(text: string, pattern: RegExp, hits: SecretHit[], toHit: (m: RegExpExecArray) => SecretHit | undefined): void {
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    const found = toHit(m);
    if (found !== undefined) hits.push(found);
  }
}

/** A JWT's first segment is base64url JSON naming its signing algorithm. */
function isJwtHeader(token: string): boolean {
  const header = token.slice(0, token.indexOf('.'));
  try {
    const parsed: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && typeof (parsed as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
}

/** The value group of `m`, without quotes or sentence punctuation, as [start, end) in `text`. */
function valueRange(m: RegExpExecArray): { start: number; end: number; value: string } | undefined {
  const raw = m[1];
  if (raw === undefined) return undefined;
  const quoted = raw.length >= 2 && (raw[0] === '"' || raw[0] === "'") && raw.at(-1) === raw[0];
  const value = quoted ? raw.slice(1, -1) : raw.replace(TRAILING_PUNCTUATION, '');
  const start = m.index + m[0].length - raw.length + (quoted ? 1 : 0);
  return { start, end: start + value.length, value };
}

function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value) || REPEATED.test(value) || PLACEHOLDER_PASSWORDS.has(value.toLowerCase());
}

function isLikelySecretValue(value: string, minEntropy: number): boolean {
  if (value.length < MIN_GENERIC_LENGTH || isPlaceholder(value) || VARIABLE_REFERENCE.test(value)) return false;
  if (!HAS_DIGIT.test(value) || !HAS_LETTER.test(value)) return false;
  return measureEntropy(value) >= minEntropy;
}

/** Template markers that make a provider-shaped match a placeholder (`xoxb-your-token`). */
export function isProviderPlaceholder(match: string): boolean {
  return PROVIDER_PLACEHOLDER.test(match);
}

/** 40 high-entropy base64 characters called a secret: an AWS secret key when AWS is near, else a generic secret. */
function findSecretInProse(text: string, m: RegExpExecArray): SecretHit | undefined {
  const value = m[1]!;
  if (isPlaceholder(value) || !/[a-z]/.test(value) || !/[A-Z]/.test(value) || !HAS_DIGIT.test(value)) return undefined;
  if (measureEntropy(value) < MIN_AWS_SECRET_ENTROPY) return undefined;
  const start = m.index + m[0].length - value.length;
  const nearby = text.slice(Math.max(0, m.index - 200), Math.min(text.length, start + 240));
  return hit(AWS_CONTEXT.test(nearby) ? 'aws_secret_access_key' : 'generic_secret', start, start + value.length, 0.9, 1);
}

function findAssignedSecret(text: string, m: RegExpExecArray): SecretHit | undefined {
  const range = valueRange(m);
  if (range === undefined) return undefined;
  // `os.environ['X']`, `getenv("X")`: the value is code that reads the secret, not the secret.
  const next = text[m.index + m[0].length];
  if (next === '(' || next === '[') return undefined;
  if (CODE_REFERENCE.test(range.value) || DOTTED_IDENTIFIER.test(range.value)) return undefined;
  if (!isLikelySecretValue(range.value, MIN_GENERIC_ENTROPY)) return undefined;
  return hit('generic_secret', range.start, range.end, 0.7, 1);
}

function findBearerToken(m: RegExpExecArray): SecretHit | undefined {
  const range = valueRange(m);
  if (range === undefined || !isLikelySecretValue(range.value, MIN_BEARER_ENTROPY)) return undefined;
  return hit('bearer_token', range.start, range.end, 0.8, 1);
}

function findConnectionPassword(text: string, m: RegExpExecArray): SecretHit | undefined {
  const range = valueRange(m);
  if (range === undefined || range.value.length < 3 || isPlaceholder(range.value)) return undefined;
  if (VARIABLE_REFERENCE.test(range.value)) return undefined;
  const around = text.slice(Math.max(0, m.index - 300), Math.min(text.length, range.end + 300));
  if (!CONNECTION_CONTEXT.test(around)) return undefined;
  return hit('connection_string', range.start, range.end, 0.9, 2);
}

/** `scheme://user:password@host` for any scheme; the span runs from the scheme to the host. */
function findUrlCredentials(text: string, hits: SecretHit[]): void {
  for (let at = text.indexOf('://'); at !== -1; at = text.indexOf('://', at + 3)) {
    URL_USERINFO.lastIndex = at + 3;
    const m = URL_USERINFO.exec(text);
    if (m === null) continue;
    const password = m[2] ?? '';
    if (password.length < 3 || isPlaceholder(password) || VARIABLE_REFERENCE.test(password)) continue;
    const scheme = URL_SCHEME_BEFORE.exec(text.slice(Math.max(0, at - 31), at));
    const start = at - (scheme?.[0].length ?? 0);
    hits.push(hit('url_credentials', start, m.index + m[0].length, 0.9, 2));
  }
}
