import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../../shared/random.ts';
import { buildFieldViews } from '../views.models.ts';
import { measureEntropy } from './secrets-entropy.models.ts';
import { ASSIGNMENT_HEAD_SOURCE } from './secrets-patterns.models.ts';
import { hasAssignmentHead, hasHighEntropyToken, isSecretCandidate } from './secrets-prefilter.models.ts';

// The prefilter looks for its markers in cheaper ways than one regex each. These are the plain
// regexes and loop it replaced: on every text below both must give the same answer, so the
// detector's results cannot have changed.

const REFERENCE_PROVIDER_MARKERS = new RegExp(
  [
    '(?:A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}',
    'gh[pousr]_', 'github_pat_', 'glpat-', 'glc_', 'glsa_', 'xox[bpaor]-', 'xapp-', 'T3BlbkFJ', 'sk-ant-', 'gsk_', 'hf_',
    'lin_api_', 'ntn_', 'ops_ey', 'SG\\.', 'shp(?:pa|ca|at|ss)_', 'hv[sbr]\\.', 'vc[picrk]_', 'dapi', 'dckr_pat_', 'figd_', 'npm_',
    'PRIVATE KEY', 'x-oauth-basic', '_authToken', 'eyJ', 'AIza', '[rs]k_(?:live|test)_',
  ].join('|'),
);
const REFERENCE_ASSIGNMENT_HEAD = new RegExp(ASSIGNMENT_HEAD_SOURCE, 'i');
const REFERENCE_CONTEXT_MARKERS: readonly RegExp[] = [
  /hooks\.slack\.com/i,
  /:\/\/[^\s/]{0,600}@/,
  /secret_?access_?key/i,
  /account_?(?:id)?["']?\s*(?::|=>|=)\s*["']?\d{4}-?\d{4}-?\d{4}/i,
  /bearer\s/i,
  REFERENCE_ASSIGNMENT_HEAD,
];
const REFERENCE_TOKEN_CHARS = /[A-Za-z0-9+/_=-]/;

function referenceHasHighEntropyToken(text: string): boolean {
  let runStart = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && REFERENCE_TOKEN_CHARS.test(text[i] ?? '')) continue;
    if (i - runStart >= 32 && measureEntropy(text, runStart, i) >= 4.3) return true;
    runStart = i + 1;
  }
  return false;
}

function referenceIsSecretCandidate(text: string): boolean {
  if (REFERENCE_PROVIDER_MARKERS.test(text)) return true;
  for (const marker of REFERENCE_CONTEXT_MARKERS) if (marker.test(text)) return true;
  return referenceHasHighEntropyToken(text);
}

function readJsonlTexts(path: string): string[] {
  return readFileSync(new URL(path, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => (JSON.parse(line) as { text: string }).text);
}

const FIXTURE_TEXTS = [
  ...readJsonlTexts('../../../../test/fixtures/checks/secrets/cases.jsonl'),
  ...readJsonlTexts('../../../../test/fixtures/checks/pii/cases.jsonl'),
];

/** Every view of every fixture, each also cut at a few places: markers cut short, tokens one short of long. */
function listFixtureVariants(): string[] {
  const variants: string[] = [];
  for (const text of FIXTURE_TEXTS) {
    for (const view of buildFieldViews('output', text).views) {
      variants.push(view.text);
      for (let cut = 1; cut < view.text.length; cut += 7) variants.push(view.text.slice(0, cut), view.text.slice(cut));
    }
  }
  return variants;
}

const PIECES = [
  'AKIA', 'ASIA', 'A3TX', 'ABCDEFGHIJKLMNOP', 'ghp_', 'github_pat_', 'glpat-', 'xoxb-', 'xox-', 'xapp-', 'T3BlbkFJ', 'sk-ant-', 'sk_live_',
  'rk_test_', 'hf_', 'SG.', 'hvs.', 'hv.', 'vcp_', 'dapi', 'npm_', 'PRIVATE KEY', 'x-oauth-basic', '_authToken', 'eyJ', 'AIza',
  'HOOKS.SLACK.COM', 'hooks.slack', 'https://', 'user:pw@', 'secret_access_key', 'SecretAccessKey', 'account_id: ', '1234-5678-9012',
  'Bearer ', 'bearer', 'api_key', 'API-KEY', 'password', 'Passwd', 'encryption_key', 'token', 'x'.repeat(24), '"', "'", ' ', '   ',
  '\t', '\n', '=', '=>', ':', ':=', '-', '_', '.', '/', '+', 'é', '→', '\u00a0', 'K', 'Kelvin \u212a', 'the ', 'order 1234 ',
  '9fK2mQ7xL4pZ8vR1', 'tY6wN3bH5jC0dG2s', 'aaaaaaaaaaaaaaaa', '0123456789abcdef',
];

/** Random texts assembled from marker pieces, separators and key-alphabet runs near every threshold. */
function listRandomTexts(count: number): string[] {
  const random = createSeededRandom(20261126);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_=-';
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    let text = '';
    const parts = 1 + Math.floor(random() * 12);
    for (let p = 0; p < parts; p++) {
      if (random() < 0.3) {
        const length = 28 + Math.floor(random() * 8);
        for (let k = 0; k < length; k++) text += alphabet[Math.floor(random() * (random() < 0.5 ? 16 : alphabet.length))];
      } else {
        text += PIECES[Math.floor(random() * PIECES.length)];
      }
    }
    texts.push(text);
  }
  return texts;
}

describe('isSecretCandidate', () => {
  it('answers as the plain regexes it replaces on every view of every secret and PII fixture, whole and cut', () => {
    const variants = listFixtureVariants();
    expect(variants.length).toBeGreaterThan(5000);
    const differing = variants.filter((text) => isSecretCandidate(text) !== referenceIsSecretCandidate(text));
    expect(differing).toEqual([]);
  });

  it('answers as the plain regexes it replaces on random texts built from markers and near-threshold tokens', () => {
    const texts = listRandomTexts(20_000);
    expect(texts.filter((text) => referenceIsSecretCandidate(text)).length).toBeGreaterThan(1000);
    expect(texts.filter((text) => !referenceIsSecretCandidate(text)).length).toBeGreaterThan(1000);
    expect(texts.filter((text) => isSecretCandidate(text) !== referenceIsSecretCandidate(text))).toEqual([]);
  });
});

describe('hasAssignmentHead', () => {
  it('finds an assignment whatever the number of colons and equals signs before it', () => {
    const head = 'client_secret_for_the_main_app_xyz = ';
    for (let operators = 0; operators < 20; operators++) {
      const text = `${'a: b, '.repeat(operators)}${head}v`;
      expect(hasAssignmentHead(text), `${operators} operators`).toBe(true);
      expect(hasAssignmentHead(text.replace('client_secret', 'client_sec'))).toBe(REFERENCE_ASSIGNMENT_HEAD.test(text.replace('client_secret', 'client_sec')));
    }
  });

  it('finds the longest assignment head the pattern allows, and only up to it', () => {
    const longest = `ENCRYPTION_KEY${'x'.repeat(24)}"   =`;
    expect(hasAssignmentHead(`say ${longest}`)).toBe(true);
    expect(hasAssignmentHead(`say ${longest.replace('"', '"x')}`)).toBe(false);
    expect(hasAssignmentHead('token => abc')).toBe(true);
    expect(hasAssignmentHead('token := abc')).toBe(true);
    expect(hasAssignmentHead('the token expires at 10:30')).toBe(false);
  });
});

describe('hasHighEntropyToken', () => {
  it('finds a long random run at the start, in the middle and at the end of a text', () => {
    const token = '9fK2mQ7xL4pZ8vR1tY6wN3bH5jC0dG2sA7eU';
    for (const text of [token, `value ${token}`, `${token} is it`, `a ${token}.`]) expect(hasHighEntropyToken(text), text).toBe(true);
  });

  it('ignores runs one character short of the minimum and long runs of low entropy', () => {
    expect(hasHighEntropyToken(`x ${'9fK2mQ7xL4pZ8vR1tY6wN3bH5jC0dG2'.slice(0, 31)} y`)).toBe(false);
    expect(hasHighEntropyToken('a'.repeat(100))).toBe(false);
    expect(hasHighEntropyToken('3f786850e387550fdab836ed7e6dc881de23001b')).toBe(false);
  });
});
