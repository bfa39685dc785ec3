// Placeholder credentials: what docs, tutorials and generated config files put where a secret
// goes (`REPLACE_WITH_YOUR_KEY`, `changeme`, `${DB_PASSWORD}`, `<your-api-key>`, `password`) and
// demo connection strings to a local database (`postgres://app:secret@localhost/app`). They grant
// nothing, so flagging them critical teaches reviewers to ignore the secrets detector; they are
// still reported, as `placeholder_credential` at `info` (recorded, not flagged), because a template
// that shows where a real key goes is worth seeing when a real one sits next to it.

/** Template markers: a value containing one of these is a stand-in, whatever else it holds. */
const TEMPLATE_MARKER =
  /replace[_-]?(?:with|me)|change[_-]?me|changeit|your[_-]?(?:own[_-]?)?(?:api|secret|access|auth|app|private|db|database|personal|password|token|key|pass|client)|<[^<>\n]{1,60}>|\$\{[^}\n]{1,60}\}|\{\{[^}\n]{1,60}\}\}|%[A-Za-z_][A-Za-z0-9_]{0,40}%|x{4,}|X{4,}|\*{3,}|•{3,}|\.{3}|placeholder|redacted|dummy|insert[_-]?(?:your|key|token|here)|put[_-]?your|_here\b|-here\b|\bhere$|todo|fixme/i;

/** A whole value that is a stand-in: shell and env references, and the passwords of every tutorial. */
const VARIABLE_REFERENCE = /^(?:\$[A-Za-z_{(]|%[A-Za-z_]|@[A-Za-z_])/;
const PLACEHOLDER_PASSWORDS = new Set([
  'password', 'passwd', 'pass', 'pwd', 'secret', 'changeme', 'change_me', 'admin', 'root', 'test', 'testing', 'example',
  'sample', 'demo', 'default', 'guest', 'user', 'username', 'mypassword', 'my_password', 'yourpassword', 'your_password',
  'p@ssw0rd', 'passw0rd', 'password1', 'password123', 'secret123', 'admin123', 'pass123', '123456', '12345678', 'qwerty',
  'letmein', 'hunter2', 'foobar', 'foo', 'bar', 'xxx', 'postgres', 'mysql', 'redis', 'mongo', 'toor', 'token', 'apikey',
  'api_key', 'secretkey', 'secret_key', 'mysecret', 'mysecretpassword', 'supersecret', 's3cr3t', 'none', 'null', 'empty',
]);
/** Hosts of local demos: `localhost`, loopback, the unspecified address, Docker's host alias, `.localhost` names. */
const DEMO_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|0\.0\.0\.0|\[?::1\]?|host\.docker\.internal|(?:[a-z0-9-]+\.)+localhost)$/i;
const URL_USERINFO = /^[A-Za-z][A-Za-z0-9+.-]{0,30}:\/\/([^\s:@/]{0,128}):([^\s@/]{1,256})@([^\s/:?#]{1,253})/;

/** True when `value` (a secret as matched, or a `scheme://user:password@host…` string) is a stand-in. */
export function classifyPlaceholder(value: string): boolean {
  const url = URL_USERINFO.exec(value);
  if (url !== null) {
    const password = decodeSafely(url[2] ?? '');
    return isPlaceholderValue(password) || DEMO_HOST.test(url[3] ?? '');
  }
  return isPlaceholderValue(value);
}

/** A value spelled in words that ends by naming what it stands for (`my-bot-token`, `super_secret_key`). */
const WORDY_STAND_IN = /(?:^|[-_])[a-z]{2,12}(?:[-_][a-z]{2,12}){0,3}[-_](?:key|token|secret|password|pass|pwd)$/;

function isPlaceholderValue(value: string): boolean {
  const trimmed = value.trim();
  if (WORDY_STAND_IN.test(trimmed)) return true;
  if (trimmed.length === 0) return true;
  if (PLACEHOLDER_PASSWORDS.has(trimmed.toLowerCase())) return true;
  if (/^(.)\1+$/.test(trimmed)) return true;
  return VARIABLE_REFERENCE.test(trimmed) || TEMPLATE_MARKER.test(trimmed);
}

function decodeSafely(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** `password: changeme`, `API_KEY="<your-api-key>"`, `token = ${TOKEN}`: an assignment of a stand-in. */
const PLACEHOLDER_ASSIGNMENT = new RegExp(
  String.raw`(?:api[_-]?key|apikey|secret|token|passw(?:or)?d|passwd|pwd|credentials?|(?:access|auth|client|private|signing)[_-]?key)[A-Za-z0-9_-]{0,24}["']?\s{0,3}(?:=>|:=|[:=])\s{0,3}("[^"\n]{1,128}"|'[^'\n]{1,128}'|[^\s"',;]{1,128})`,
  'gi',
);

/** Where a stand-in is assigned to a secret name: spans of the value, as info hits. */
export function findPlaceholderAssignments(text: string): Array<{ start: number; end: number }> {
  const found: Array<{ start: number; end: number }> = [];
  PLACEHOLDER_ASSIGNMENT.lastIndex = 0;
  for (let m = PLACEHOLDER_ASSIGNMENT.exec(text); m !== null; m = PLACEHOLDER_ASSIGNMENT.exec(text)) {
    const raw = m[1] ?? '';
    const quoted = raw.length >= 2 && (raw[0] === '"' || raw[0] === "'") && raw.at(-1) === raw[0];
    const value = quoted ? raw.slice(1, -1) : raw.replace(/[.)]+$/, '');
    if (value.length < 3 || !isPlaceholderValue(value)) continue;
    const start = m.index + m[0].length - raw.length + (quoted ? 1 : 0);
    found.push({ start, end: start + value.length });
  }
  return found;
}
