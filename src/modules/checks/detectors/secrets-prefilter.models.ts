// A cheap gate in front of secretlint (~0.5 ms per 2 KB): like gitleaks' rule keywords, a text
// only goes to the full scan when it holds a marker that some rule needs. Every secretlint rule
// in the preset and every extra pattern starts from a literal prefix or a keyword listed here,
// so the gate drops nothing they could find. Long high-entropy tokens pass too, as a safety net
// for key formats nobody listed.
// The gate runs on every view of every event, so each marker is looked for the cheapest way
// that finds exactly what its regex would: the underscore markers only in texts that hold an
// underscore, the assignment keyword only just before a `:` or `=`, and long tokens by skipping
// ahead a token's length.
// secrets-prefilter.models.test.ts holds the plain regexes this replaces and checks both agree.

import { measureEntropy } from './secrets-entropy.models.ts';
import { ASSIGNMENT_HEAD_SOURCE } from './secrets-patterns.models.ts';

/**
 * Case-sensitive markers: the literal prefixes the rules match on. Each regex is tried only on
 * texts that hold its `needs`, a literal every match contains; in two small groups the literals
 * are cheaper as one regex than as a substring search each.
 */
const PROVIDER_MARKERS: ReadonlyArray<{ needs?: string; pattern: RegExp }> = [
  { pattern: /glpat-|xapp-|sk-ant-|dapi|x-oauth-basic/ }, // gitlab, slack, anthropic, databricks, npm files
  // openai ("OpenAI" in base64), sendgrid, private keys, jwt, google; aws access key id (in this
  // group it costs next to nothing, alone a whole scan).
  { pattern: /T3BlbkFJ|SG\.|PRIVATE KEY|eyJ|AIza|(?:A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}/ },
  { needs: 'xox', pattern: /xox[bpaor]-/ }, // slack
  { needs: 'hv', pattern: /hv[sbr]\./ }, // vault
  // tailscale, hex private keys (`PRIVATE KEY` and `private_key=` are found by other markers), Basic authorization, mysql -pSECRET.
  // Without the leading [Pp] / [Aa] of the rules' regexes: a gate may let more through, and an
  // alternation that starts with a literal is not tried at every letter.
  { pattern: /tskey-|riv(?:ate)?[ _-]?[Kk]ey|uthorization["']?\s{0,3}[:=]\s{0,3}["']?[Bb]asic\s|mysql[^\n|;&]{0,120}?\s(?:-p|--password=)\S/ },
  {
    needs: '_',
    pattern: new RegExp(
      [
        'gh[pousr]_', 'github_pat_', 'glc_', 'glsa_', // github, gitlab, grafana
        'gsk_', 'hf_', 'lin_api_', 'ntn_', 'ops_ey', 'shp(?:pa|ca|at|ss)_', // groq, hugging face, linear, notion, 1password, shopify
        'vc[picrk]_', 'dckr_pat_', 'figd_', 'npm_', '_authToken', '[rs]k_(?:live|test)_', // vercel, docker, figma, npm, stripe
      ].join('|'),
    ),
  },
];

/**
 * Case-insensitive markers: rules whose regexes ignore case or need a keyword and an operator.
 * One alternation of these five costs about a third of five scans (measured on 2.4 KB answers);
 * the URL credentials marker holds no letter, so ignoring case changes nothing for it.
 */
const CONTEXT_MARKERS = new RegExp(
  [
    String.raw`hooks\.slack\.com`,
    String.raw`:\/\/[^\s/]{0,600}@`, // user:password@ in a URL (basic auth, databases, any scheme)
    'secret_?access_?key', // aws secret access key
    String.raw`account_?(?:id)?["']?\s*(?::|=>|=)\s*["']?\d{4}-?\d{4}-?\d{4}`, // aws account id
    String.raw`bearer\s`,
  ].join('|'),
  'i',
);

/** api_key=, token:, password = … (also key=value connection strings), anywhere in a text. */
const ASSIGNMENT_HEAD = new RegExp(ASSIGNMENT_HEAD_SOURCE, 'i');
/** The same, ending where the text ends. */
const ASSIGNMENT_HEAD_AT_END = new RegExp(`(?:${ASSIGNMENT_HEAD_SOURCE})$`, 'i');
/**
 * The longest text ASSIGNMENT_HEAD matches when it ends at its first operator character
 * (`encryption_key`, 24 name characters, a quote, 3 spaces, `=`): a match ending in `=>` or
 * `:=` contains one ending at its `=` or `:`.
 */
const MAX_ASSIGNMENT_HEAD = 43;
/** Past this many operators, one scan of the whole text is cheaper than a window per operator. */
const MAX_OPERATOR_WINDOWS = 8;
const ASSIGNMENT_OPERATORS = [':', '='] as const;

const MIN_TOKEN_LENGTH = 32;
const MIN_TOKEN_ENTROPY = 4.3;
const TOKEN_CHARS = new Uint8Array(128);
for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_=-') TOKEN_CHARS[char.charCodeAt(0)] = 1;

/** True when `text` may hold a secret and deserves the full (slow) scan. */
export function isSecretCandidate(text: string): boolean {
  return hasProviderMarker(text) || hasContextMarker(text) || hasAssignmentHead(text) || hasHighEntropyToken(text);
}

function hasProviderMarker(text: string): boolean {
  for (const { needs, pattern } of PROVIDER_MARKERS) if ((needs === undefined || text.includes(needs)) && pattern.test(text)) return true;
  return false;
}

function hasContextMarker(text: string): boolean {
  return CONTEXT_MARKERS.test(text);
}

/** ASSIGNMENT_HEAD.test(text), tried only on the few characters before each `:` and `=`. */
export function hasAssignmentHead(text: string): boolean {
  let windows = 0;
  for (const operator of ASSIGNMENT_OPERATORS) {
    for (let at = text.indexOf(operator); at !== -1; at = text.indexOf(operator, at + 1)) {
      if (++windows > MAX_OPERATOR_WINDOWS) return ASSIGNMENT_HEAD.test(text);
      if (ASSIGNMENT_HEAD_AT_END.test(text.slice(Math.max(0, at + 1 - MAX_ASSIGNMENT_HEAD), at + 1))) return true;
    }
  }
  return false;
}

function isTokenChar(code: number): boolean {
  return code < 128 && TOKEN_CHARS[code] === 1;
}

/**
 * True when a maximal run of key characters at least MIN_TOKEN_LENGTH long is high-entropy.
 * Skips ahead: when the character MIN_TOKEN_LENGTH - 1 after a run may start is not a key
 * character, no long run starts before it, so prose costs a few reads per word, not one per
 * character. `start` is always 0 or just after a non-key character.
 */
export function hasHighEntropyToken(text: string): boolean {
  let start = 0;
  while (start + MIN_TOKEN_LENGTH <= text.length) {
    let back = start + MIN_TOKEN_LENGTH - 1;
    while (back >= start && isTokenChar(text.charCodeAt(back))) back--;
    if (back >= start) {
      start = back + 1;
      continue;
    }
    let end = start + MIN_TOKEN_LENGTH;
    while (end < text.length && isTokenChar(text.charCodeAt(end))) end++;
    if (measureEntropy(text, start, end) >= MIN_TOKEN_ENTROPY) return true;
    start = end + 1;
  }
  return false;
}
