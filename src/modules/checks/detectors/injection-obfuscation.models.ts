// Characters that change how a text reads to a model without changing how it looks to a
// person. Zero-width characters between Latin letters split trigger words apart; tag
// characters (U+E0020–U+E007E) carry a whole invisible ASCII message ("ASCII smuggling");
// bidi overrides reorder what a reviewer sees. Legitimate texts use ZWNJ and ZWJ inside
// Persian, Indic and emoji sequences, so only the Latin case counts.

/** Zero-width space, non-joiner, joiner, word joiner, BOM, Mongolian vowel separator. */
const ZERO_WIDTH_IN_WORD = /\p{Script=Latin}[\u200B-\u200D\u2060\uFEFF\u180E]+(?=\p{Script=Latin})/gu;
const BIDI_OVERRIDE = /[\u202D\u202E]/gu;
/**
 * Any of the characters above: one native scan without /u, which almost every text fails, before
 * the Latin-script regex that would otherwise stop at every letter of the text.
 */
const ANY_INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u180E\u202D\u202E]/;
const TAG_RUN = /(?:\u{E0001})?(?:[\u{E0020}-\u{E007E}]){3,}(?:\u{E007F})?/gu;

export interface ObfuscationSpan {
  start: number;
  end: number;
}

export interface ObfuscationFinding {
  kind: 'zero_width' | 'bidi_override';
  count: number;
  /** The first place it happens, in the original text. */
  first: ObfuscationSpan;
}

/** A tag-character run decoded to the ASCII it hides, with the run's span in the original. */
export interface SmuggledText extends ObfuscationSpan {
  text: string;
}

export function findObfuscation(text: string): ObfuscationFinding[] {
  const findings: ObfuscationFinding[] = [];
  if (!ANY_INVISIBLE.test(text)) return findings;
  for (const [kind, pattern] of [
    ['zero_width', ZERO_WIDTH_IN_WORD],
    ['bidi_override', BIDI_OVERRIDE],
  ] as const) {
    pattern.lastIndex = 0;
    let count = 0;
    let first: ObfuscationSpan | undefined;
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      count++;
      first ??= { start: m.index, end: m.index + m[0].length };
    }
    if (first !== undefined) findings.push({ kind, count, first });
  }
  return findings;
}

/** 8+ zero-width characters in a row: data written in invisible characters, a bit or a symbol each. Emoji and scripts use one at a time. */
const ZERO_WIDTH_RUN = /[\u200B-\u200D\u2060\uFEFF\u180E]{8,}/g;
/** The waving black flag that opens a subdivision flag (🏴 + tag letters + cancel tag), which is an emoji, not a message. */
const FLAG_BASE = '\u{1F3F4}';

export interface InvisibleMessage extends ObfuscationSpan {
  kind: 'tag_message' | 'zero_width_run';
  evidence: string;
}

/**
 * Invisible messages in a text: a tag-character run that is not a flag emoji, and runs of
 * zero-width characters. An answer shows its reader neither, so in an answer they are a channel
 * a quoted document (or the model it steered) uses to pass something on unseen.
 */
export function findInvisibleMessages(text: string): InvisibleMessage[] {
  const found: InvisibleMessage[] = [];
  for (const run of decodeSmuggledText(text)) {
    if (text.slice(Math.max(0, run.start - 2), run.start) === FLAG_BASE) continue;
    found.push({ kind: 'tag_message', start: run.start, end: run.end, evidence: `invisible tag characters spelling "${run.text.slice(0, 40)}"` });
  }
  if (!ANY_INVISIBLE.test(text)) return found;
  ZERO_WIDTH_RUN.lastIndex = 0;
  for (let m = ZERO_WIDTH_RUN.exec(text); m !== null; m = ZERO_WIDTH_RUN.exec(text)) {
    found.push({ kind: 'zero_width_run', start: m.index, end: m.index + m[0].length, evidence: `${m[0].length} zero-width characters in a row` });
  }
  return found;
}

/** Weight of an obfuscation finding alone: a single zero-width character can be a copy-paste accident. */
export function weighObfuscation(finding: ObfuscationFinding): number {
  if (finding.kind === 'bidi_override') return 0.4;
  return finding.count >= 3 ? 0.45 : 0.25;
}

export function decodeSmuggledText(text: string): SmuggledText[] {
  const runs: SmuggledText[] = [];
  // Every tag character is a surrogate pair whose high half is U+DB40.
  if (!text.includes('\uDB40')) return runs;
  TAG_RUN.lastIndex = 0;
  for (let m = TAG_RUN.exec(text); m !== null; m = TAG_RUN.exec(text)) {
    let decoded = '';
    for (const char of m[0]) {
      const code = char.codePointAt(0) ?? 0;
      if (code >= 0xe0020 && code <= 0xe007e) decoded += String.fromCharCode(code - 0xe0000);
    }
    runs.push({ start: m.index, end: m.index + m[0].length, text: decoded });
  }
  return runs;
}
