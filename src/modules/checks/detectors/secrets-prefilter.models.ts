// A cheap gate in front of secretlint (~0.5 ms per 2 KB): like gitleaks' rule keywords, a text
// only goes to the full scan when it holds a marker that some rule needs. Every secretlint rule
// in the preset and every extra pattern starts from a literal prefix or a keyword listed here,
// so the gate drops nothing they could find. Long high-entropy tokens pass too, as a safety net
// for key formats nobody listed.

import { measureEntropy } from './secrets-entropy.models.ts';
import { ASSIGNMENT_HEAD_SOURCE } from './secrets-patterns.models.ts';

/** Case-sensitive markers: the literal prefixes the rules match on. */
const PROVIDER_MARKERS = new RegExp(
  [
    '(?:A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}', // aws access key id
    'gh[pousr]_', 'github_pat_', // github
    'glpat-', 'glc_', 'glsa_', // gitlab, grafana
    'xox[bpaor]-', 'xapp-', // slack
    'T3BlbkFJ', 'sk-ant-', 'gsk_', 'hf_', // openai ("OpenAI" in base64), anthropic, groq, hugging face
    'lin_api_', 'ntn_', 'ops_ey', 'SG\\.', 'shp(?:pa|ca|at|ss)_', // linear, notion, 1password, sendgrid, shopify
    'hv[sbr]\\.', 'vc[picrk]_', 'dapi', 'dckr_pat_', 'figd_', 'npm_', // vault, vercel, databricks, docker, figma, npm
    'PRIVATE KEY', 'x-oauth-basic', '_authToken', // private keys, npm files
    'eyJ', 'AIza', '[rs]k_(?:live|test)_', // extra patterns: jwt, google, stripe
  ].join('|'),
);

/**
 * Case-insensitive markers: rules whose regexes ignore case or need a keyword and an operator.
 * Kept as separate regexes: each starts with a literal V8 can search for quickly, where one
 * big case-insensitive alternation is ten times slower.
 */
const CONTEXT_MARKERS: readonly RegExp[] = [
  /hooks\.slack\.com/i,
  /:\/\/[^\s/]{0,600}@/, // user:password@ in a URL (basic auth, databases, any scheme)
  /secret_?access_?key/i, // aws secret access key
  /account_?(?:id)?["']?\s*(?::|=>|=)\s*["']?\d{4}-?\d{4}-?\d{4}/i, // aws account id
  /bearer\s/i,
  new RegExp(ASSIGNMENT_HEAD_SOURCE, 'i'), // api_key=, token:, password = … (also key=value connection strings)
];

const MIN_TOKEN_LENGTH = 32;
const MIN_TOKEN_ENTROPY = 4.3;
const TOKEN_CHARS = new Uint8Array(128);
for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_=-') TOKEN_CHARS[char.charCodeAt(0)] = 1;

/** True when `text` may hold a secret and deserves the full (slow) scan. */
export function isSecretCandidate(text: string): boolean {
  if (PROVIDER_MARKERS.test(text)) return true;
  for (const marker of CONTEXT_MARKERS) if (marker.test(text)) return true;
  return hasHighEntropyToken(text);
}

/** A linear scan for runs of key characters (a `{32,}` regex would retry at every offset). */
function hasHighEntropyToken(text: string): boolean {
  let runStart = 0;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 0;
    if (code < 128 && TOKEN_CHARS[code] === 1) continue;
    if (i - runStart >= MIN_TOKEN_LENGTH && measureEntropy(text, runStart, i) >= MIN_TOKEN_ENTROPY) return true;
    runStart = i + 1;
  }
  return false;
}
