// Did the model's output give away the source's system prompt? Two signals:
// - canaries: unique strings planted in the prompt; seeing one in the output (in any view, so
//   a full-width or base64 copy counts too) is proof, whatever else the output says;
// - overlap: character n-grams of the prompt found in the output. Both sides are lower-cased
//   with whitespace collapsed, so reflowed or re-cased copies still match. Output stretches
//   made of prompt n-grams are merged into excerpts; one long enough is a leak.
// Score: see scoreLeak. The prompt's n-gram index is built once per detector, and the
// detector once per source configuration version, so a check costs one pass per view.

import type { Detection, FieldViews, Severity, TextView } from '../checks.models.ts';
import { maskEvidence } from '../evidence.models.ts';

const DEFAULT_NGRAM_SIZE = 8;
const DEFAULT_MIN_LEAK_CHARS = 40;
/** A leak of this share of the prompt's n-grams, or of this many characters, is critical. */
const CRITICAL_SHARE = 0.2;
const CRITICAL_CHARS = 200;
const EVIDENCE_EDGE_WORDS = 3;
const MAX_EVIDENCE_EDGE_CHARS = 40;

export interface PromptLeakOptions {
  canaries?: string[];
  systemPrompt?: string;
  ngramSize?: number;
  minLeakChars?: number;
}

/** A text folded for comparison, with the offset in the source text of every folded unit. */
interface FoldedText {
  text: string;
  from: Int32Array;
  to: Int32Array;
}

function isWhitespace(code: number): boolean {
  return (
    code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff
  );
}

/** Lower-cases and collapses every whitespace run to one space, keeping an offset map. */
export function foldForOverlap(text: string): FoldedText {
  const lowered = text.toLowerCase();
  // toLowerCase keeps offsets unless a character expands (e.g. U+0130); then fold per unit.
  const lower = lowered.length === text.length ? lowered : [...text].map((c) => (c.toLowerCase().length === c.length ? c.toLowerCase() : c)).join('');
  const parts: string[] = [];
  const from = new Int32Array(text.length);
  const to = new Int32Array(text.length);
  let length = 0;
  let pendingSpace = false;
  let segmentStart = -1;
  for (let i = 0; i < text.length; i++) {
    if (isWhitespace(lower.charCodeAt(i))) {
      if (segmentStart >= 0) parts.push(lower.slice(segmentStart, i));
      segmentStart = -1;
      pendingSpace = length > 0;
      continue;
    }
    if (pendingSpace) {
      parts.push(' ');
      from[length] = i - 1;
      to[length++] = i;
      pendingSpace = false;
    }
    if (segmentStart < 0) segmentStart = i;
    from[length] = i;
    to[length++] = i + 1;
  }
  if (segmentStart >= 0) parts.push(lower.slice(segmentStart));
  const folded = parts.join('');
  return { text: folded, from: from.subarray(0, length), to: to.subarray(0, length) };
}

/**
 * The prompt's distinct n-grams in an open-addressing hash table keyed by a rolling hash:
 * sliding over the output costs two multiplies and a typed-array probe per character, with
 * no substring built unless the hash matches, and then the n-gram text is compared.
 */
interface GramIndex {
  n: number;
  /** Distinct n-grams of the prompt. */
  size: number;
  text: string;
  mask: number;
  /** Per slot: 1 + start of the n-gram in `text`, or 0 when empty. */
  starts: Int32Array;
  hashes: Int32Array;
}

const HASH_BASE = 131;

/** Calls `visit(hash, start)` for every n-gram of `text`, rolling the hash along. */
function forEachGramHash(text: string, n: number, visit: (hash: number, start: number) => void): void {
  if (text.length < n) return;
  let top = 1;
  for (let k = 1; k < n; k++) top = Math.imul(top, HASH_BASE);
  let hash = 0;
  for (let k = 0; k < n; k++) hash = (Math.imul(hash, HASH_BASE) + text.charCodeAt(k)) | 0;
  visit(hash, 0);
  for (let i = 1; i + n <= text.length; i++) {
    hash = (Math.imul(hash - Math.imul(text.charCodeAt(i - 1), top), HASH_BASE) + text.charCodeAt(i + n - 1)) | 0;
    visit(hash, i);
  }
}

function sameGram(a: string, aStart: number, b: string, bStart: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (a.charCodeAt(aStart + k) !== b.charCodeAt(bStart + k)) return false;
  return true;
}

/** The slot holding the n-gram of `text` at `start`, or the empty slot where it would go (negative: -slot - 1). */
function findSlot(index: GramIndex, hash: number, text: string, start: number): number {
  let slot = hash & index.mask;
  for (;;) {
    const stored = index.starts[slot] ?? 0;
    if (stored === 0) return -slot - 1;
    if (index.hashes[slot] === hash && sameGram(index.text, stored - 1, text, start, index.n)) return slot;
    slot = (slot + 1) & index.mask;
  }
}

function buildGramIndex(text: string, n: number): GramIndex {
  let capacity = 16;
  while (capacity < text.length * 2) capacity *= 2;
  const index: GramIndex = { n, size: 0, text, mask: capacity - 1, starts: new Int32Array(capacity), hashes: new Int32Array(capacity) };
  forEachGramHash(text, n, (hash, start) => {
    const slot = findSlot(index, hash, text, start);
    if (slot >= 0) return;
    index.starts[-slot - 1] = start + 1;
    index.hashes[-slot - 1] = hash;
    index.size++;
  });
  return index;
}

export function severityForLeak(share: number, leakedChars: number): Severity {
  return share >= CRITICAL_SHARE || leakedChars >= CRITICAL_CHARS ? 'critical' : 'warn';
}

/**
 * Calibrated score: any reported excerpt is already strong evidence (40 shared characters do
 * not happen by chance), so scores start at 0.5 and reach 1 exactly where severity turns
 * critical: 20 % of the prompt's n-grams, or 200 leaked characters.
 */
export function scoreLeak(share: number, leakedChars: number): number {
  const strength = Math.min(1, Math.max(share / CRITICAL_SHARE, leakedChars / CRITICAL_CHARS));
  return Math.round((0.5 + 0.5 * strength) * 1000) / 1000;
}

/** First and last few words of a leaked excerpt: enough to recognise the prompt, short for Slack. */
export function summarizeExcerpt(excerpt: string): string {
  const words = excerpt.trim().split(/\s+/u);
  const clip = (part: string[]): string => part.join(' ').slice(0, MAX_EVIDENCE_EDGE_CHARS);
  if (words.length <= EVIDENCE_EDGE_WORDS * 2) return clip(words);
  return `${clip(words.slice(0, EVIDENCE_EDGE_WORDS))} … ${clip(words.slice(-EVIDENCE_EDGE_WORDS))}`;
}

interface Excerpt {
  /** Span in the original text. */
  start: number;
  end: number;
  /** Folded characters of the prompt it repeats. */
  chars: number;
  /** The excerpt as the view reads it (decoded, for a base64-encoded leak). */
  text: string;
}

interface ViewLeak {
  share: number;
  leakedChars: number;
  excerpts: Excerpt[];
}

function findOverlap(view: TextView, index: GramIndex, minLeakChars: number): ViewLeak {
  const { n } = index;
  const folded = foldForOverlap(view.text);
  // Only n-grams inside reported excerpts count towards the share: scattered common 8-grams
  // ("the order", "you can ") say nothing about a leak.
  const seen = new Set<number>();
  let runSlots: number[] = [];
  const excerpts: Excerpt[] = [];
  let runStart = -1;
  let runEnd = -1;
  const closeRun = (): void => {
    if (runStart >= 0 && runEnd - runStart >= minLeakChars) {
      const viewStart = folded.from[runStart] ?? 0;
      const viewEnd = folded.to[runEnd - 1] ?? 0;
      excerpts.push({ ...view.toOriginal(viewStart, viewEnd), chars: runEnd - runStart, text: view.text.slice(viewStart, viewEnd) });
      for (const slot of runSlots) seen.add(slot);
    }
    runStart = -1;
    runSlots = [];
  };
  forEachGramHash(folded.text, n, (hash, i) => {
    const slot = findSlot(index, hash, folded.text, i);
    if (slot < 0) return;
    if (runStart >= 0 && i > runEnd) closeRun();
    runSlots.push(slot);
    if (runStart < 0) runStart = i;
    runEnd = i + n;
  });
  closeRun();
  const leakedChars = excerpts.reduce((sum, excerpt) => sum + excerpt.chars, 0);
  return { share: index.size === 0 ? 0 : seen.size / index.size, leakedChars, excerpts };
}

function findCanaries(field: FieldViews, canaries: readonly string[]): Detection[] {
  const found = new Map<string, Detection>();
  for (const view of field.views) {
    for (const canary of canaries) {
      for (let at = view.text.indexOf(canary); at !== -1; at = view.text.indexOf(canary, at + canary.length)) {
        const { start, end } = view.toOriginal(at, at + canary.length);
        found.set(`${start}:${end}`, {
          detector: 'prompt_leak', kind: 'canary', field: field.field, score: 1, severity: 'critical', start, end, evidence: maskEvidence(canary),
        });
      }
    }
  }
  return [...found.values()];
}

function overlapsAny(excerpt: Excerpt, taken: readonly Excerpt[]): boolean {
  return taken.some((other) => excerpt.start < other.end && other.start < excerpt.end);
}

export function createPromptLeakDetector(options: PromptLeakOptions): { detect(fields: FieldViews[]): Detection[] } {
  const n = options.ngramSize ?? DEFAULT_NGRAM_SIZE;
  const minLeakChars = Math.max(options.minLeakChars ?? DEFAULT_MIN_LEAK_CHARS, n);
  const canaries = (options.canaries ?? []).filter((canary) => canary.trim().length > 0);
  const index = buildGramIndex(options.systemPrompt === undefined ? '' : foldForOverlap(options.systemPrompt).text, n);

  const detectOverlap = (field: FieldViews): Detection[] => {
    if (index.size === 0) return [];
    // Views are compared from the one that leaks most; other views only add excerpts that the
    // better view missed (e.g. a base64-encoded copy of another part of the prompt).
    const leaks = field.views.map((view) => findOverlap(view, index, minLeakChars)).filter((leak) => leak.excerpts.length > 0);
    leaks.sort((a, b) => b.share - a.share || b.leakedChars - a.leakedChars);
    const best = leaks[0];
    if (best === undefined) return [];
    const taken: Excerpt[] = [];
    for (const leak of leaks) for (const excerpt of leak.excerpts) if (!overlapsAny(excerpt, taken)) taken.push(excerpt);
    const leakedChars = taken.reduce((sum, excerpt) => sum + excerpt.chars, 0);
    const score = scoreLeak(best.share, leakedChars);
    const severity = severityForLeak(best.share, leakedChars);
    return taken.map((excerpt) => ({
      detector: 'prompt_leak', kind: 'system_prompt', field: field.field, score, severity,
      start: excerpt.start, end: excerpt.end, evidence: summarizeExcerpt(excerpt.text),
    }));
  };

  return {
    detect(fields) {
      return fields.filter((field) => field.field === 'output').flatMap((field) => [...findCanaries(field, canaries), ...detectOverlap(field)]);
    },
  };
}
