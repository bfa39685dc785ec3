import { type PiiMatch, isWordChar, textBefore } from './pii-text.models.ts';

// An email is local@domain with a real TLD shape (2–24 letters or an IDNA `xn--` label).
// The local part is limited to the characters people actually use (letters, digits,
// `_ % + -`, and `.` or `'` between them as in `sean.o'connor`): RFC 5322 also allows
// `= / { }` and more, but in prose, URLs and logs those are delimiters far more often
// (`email=bob@x.io` must start at `bob`). Candidates grow outwards from each `@` with
// bounded loops: a single pattern over the text is quadratic on a long run of letters.
const LOCAL_PART = /^[A-Za-z0-9_%+-]+(?:[.'][A-Za-z0-9_%+-]+)*$/;
const DOMAIN = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,24}|xn--[A-Za-z0-9-]{1,59})$/;
const LOCAL_CHAR = /[A-Za-z0-9_%+.'-]/;
const DOMAIN_CHAR = /[A-Za-z0-9.-]/;
const EDGE_PUNCTUATION_START = /^[.']+/;
const EDGE_PUNCTUATION_END = /[.-]+$/;

/**
 * A local part inside the authority of a URL (`scheme://user:pass@host`) is a login in a
 * connection string, which the secrets detector owns, not an email address. The authority
 * ends at the first of these characters after `://`.
 */
const URL_AUTHORITY_END = /[\s/?#@]/;

/**
 * `user@host:path` is SCP-style SSH syntax (`git@github.com:org/repo.git`): a service login
 * on a host, not a person's mailbox. A colon followed by a space still ends a sentence.
 */
const SCP_PATH_AFTER = /^:[^\s]/;

/** File extensions that look like TLDs in asset names such as `icon@2x.png` — none is a real TLD. */
const FILE_EXTENSIONS = new Set([
  'png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'ico', 'bmp', 'tiff', 'css', 'scss', 'js', 'mjs', 'cjs',
  'jsx', 'ts', 'tsx', 'json', 'yaml', 'yml', 'lock', 'log', 'txt', 'pdf', 'html', 'htm', 'xml',
  'csv', 'map', 'wasm', 'java', 'kt', 'swift', 'mp3', 'mp4', 'mov', 'wav', 'woff', 'woff2', 'ttf',
]);

/**
 * RFC 2606 / RFC 6761 reserved names: documentation and test domains cannot belong to
 * anyone, so a hit there is most likely an example in an answer, not leaked data.
 */
const RESERVED_DOMAIN = /(?:^|\.)(?:example\.(?:com|net|org)|example|test|invalid|localhost)$/i;
const RESERVED_DOMAIN_SCORE = 0.5;

const MAX_LOCAL_LENGTH = 64;
const MAX_ADDRESS_LENGTH = 254;

/** Finds email addresses, skipping URL credentials, SCP-style SSH remotes and asset names. */
export function findEmails(text: string): PiiMatch[] {
  const matches: PiiMatch[] = [];
  let searchFrom = 0;
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', searchFrom)) {
    searchFrom = at + 1;
    const span = expandAddress(text, at);
    if (span === undefined || !isPersonalAddress(text, span.start, span.end)) continue;
    const domain = text.slice(at + 1, span.end);
    matches.push({ kind: 'email', start: span.start, end: span.end, score: RESERVED_DOMAIN.test(domain) ? RESERVED_DOMAIN_SCORE : 1 });
    searchFrom = span.end;
  }
  return matches;
}

/** The address around the `@` at `at`, or undefined when its parts are not valid. */
function expandAddress(text: string, at: number): { start: number; end: number } | undefined {
  let start = at;
  while (start > 0 && at - start <= MAX_LOCAL_LENGTH && LOCAL_CHAR.test(text[start - 1] ?? '')) start -= 1;
  if (at - start > MAX_LOCAL_LENGTH) return undefined;
  let end = at + 1;
  while (end < text.length && end - at <= MAX_ADDRESS_LENGTH && DOMAIN_CHAR.test(text[end] ?? '')) end += 1;
  start += EDGE_PUNCTUATION_START.exec(text.slice(start, at))?.[0].length ?? 0;
  end -= EDGE_PUNCTUATION_END.exec(text.slice(at + 1, end))?.[0].length ?? 0;
  if (end - start > MAX_ADDRESS_LENGTH) return undefined;
  if (!LOCAL_PART.test(text.slice(start, at)) || !DOMAIN.test(text.slice(at + 1, end))) return undefined;
  return { start, end };
}

function isPersonalAddress(text: string, start: number, end: number): boolean {
  if (isWordChar(text[start - 1]) || text[start - 1] === '@') return false;
  const before = textBefore(text, start, 200);
  const scheme = before.lastIndexOf('://');
  if (scheme > 0 && isWordChar(before[scheme - 1]) && !URL_AUTHORITY_END.test(before.slice(scheme + 3))) return false;
  if (SCP_PATH_AFTER.test(text.slice(end, end + 2))) return false;
  const tld = text.slice(text.lastIndexOf('.', end - 1) + 1, end).toLowerCase();
  return !FILE_EXTENSIONS.has(tld);
}
