import { isIP } from 'node:net';
import { type PiiMatch, isWordChar, textBefore } from './pii-text.models.ts';

// IP addresses identify a person's connection (personal data under GDPR), but most IPs
// in a support bot's text are infrastructure. Addresses that identify nobody are skipped:
// loopback, unspecified, broadcast, netmasks and multicast. Private and link-local
// addresses are kept at a lower score: they leak internal topology, not a person.
const IPV4 = /\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}/g;
const DIGIT = /\d/;
/** `3.11.4.2-beta` is a pre-release version; `10.0.0.1-10.0.0.9` is still a range of addresses. */
const LETTER = /[A-Za-z]/;

/** `version 1.2.3.4`, `build 10.0.0.1`: four-part version numbers that fit the IPv4 shape. */
const VERSION_LABEL = /\b(?:v|ver|version|build|release|rel|firmware|fw|rev|revision|patch|update)\.?\s*[:=]?\s*$/i;

const IPV4_SKIPPED = /^(?:0\.|127\.|255\.|22[4-9]\.|23\d\.)/;
const IPV4_PRIVATE = /^(?:10\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.|169\.254\.|100\.(?:6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.)/;
const IPV6_SKIPPED = /^(?:::1?$|ff)/i;
const IPV6_PRIVATE = /^(?:fe[89ab]|f[cd])/i;

const SCORE = { public: 1, private: 0.5 } as const;

/** Finds IPv4 and IPv6 addresses that stand alone, validated by `node:net`. */
export function findIpAddresses(text: string): PiiMatch[] {
  return [...findIpv4(text), ...(text.includes(':') ? findIpv6(text) : [])];
}

function findIpv4(text: string): PiiMatch[] {
  const matches: PiiMatch[] = [];
  // exec, not matchAll: matchAll copies the regex on every call, and most texts hold no address.
  IPV4.lastIndex = 0;
  for (let found = IPV4.exec(text); found !== null; found = IPV4.exec(text)) {
    const start = found.index;
    const end = start + found[0].length;
    if (isIP(found[0]) !== 4 || IPV4_SKIPPED.test(found[0])) continue;
    // A fifth part (`1.2.3.4.5`) or a letter on either side makes it a version or an id.
    if (isWordChar(text[start - 1]) || (text[start - 1] === '.' && isWordChar(text[start - 2]))) continue;
    if (isWordChar(text[end]) || (text[end] === '.' && DIGIT.test(text[end + 1] ?? ''))) continue;
    if (text[end] === '-' && LETTER.test(text[end + 1] ?? '')) continue;
    if (VERSION_LABEL.test(textBefore(text, start, 16))) continue;
    const score = IPV4_PRIVATE.test(found[0]) ? SCORE.private : SCORE.public;
    matches.push({ kind: 'ip_address', start, end, score });
  }
  return matches;
}

/**
 * IPv6 candidates are the runs of hex digits, colons and dots around each colon: scanning
 * from colons only is several times cheaper than a pattern tried at every hex letter of
 * English text.
 */
function findIpv6(text: string): PiiMatch[] {
  const matches: PiiMatch[] = [];
  for (let colon = text.indexOf(':'); colon !== -1; ) {
    let start = colon;
    while (start > 0 && isIpv6Char(text.charCodeAt(start - 1))) start -= 1;
    let end = colon;
    while (end < text.length && isIpv6Char(text.charCodeAt(end))) end += 1;
    colon = text.indexOf(':', end);
    // Sentence punctuation after the address (`… 2001:db8::1.` or `2001:db8::1: retrying`).
    while (end > start && text[end - 1] === '.') end -= 1;
    if (text[end - 1] === ':' && text[end - 2] !== ':') end -= 1;
    const candidate = text.slice(start, end);
    if (isIP(candidate) !== 6 || IPV6_SKIPPED.test(candidate)) continue;
    if (isWordChar(text[start - 1]) || isWordChar(text[end])) continue;
    // `dead::beef`-like words joined by `::` (C++ scopes, Rust paths) are hex but not addresses.
    const groups = candidate.split(':').filter((group) => group !== '');
    if (groups.length < 3 && !DIGIT.test(candidate)) continue;
    const score = IPV6_PRIVATE.test(candidate) ? SCORE.private : SCORE.public;
    matches.push({ kind: 'ip_address', start, end, score });
  }
  return matches;
}

function isIpv6Char(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x3a) || // 0-9 and ':'
    (code >= 0x41 && code <= 0x46) ||
    (code >= 0x61 && code <= 0x66) ||
    code === 0x2e
  );
}
