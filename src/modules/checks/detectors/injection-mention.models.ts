// Texts about prompt injection quote its phrases: a security advisory warns that attackers
// "ask chatbots to “ignore previous instructions”", a developer asks what `<|endoftext|>`
// means. Such a phrase is mentioned, not used, and weighs less. Inline code always counts as a
// mention; quotes only after a reporting word ("ask", "say", "such as", "the phrase", "the
// input contains", "when asked to", "containing:") or right after a noun that names them ('the
// instruction "…"', never across a colon: 'New instruction: "…"' is a command), so an attacker
// cannot lower a score just by wrapping the command in quotes.

/** What a mentioned phrase still weighs, as a share of its rule's weight. */
export const MENTION_FACTOR = 0.3;

const OPENING_QUOTES = '"“‘\'«';
const CLOSING_QUOTES = '"”’\'»';
const CONTEXT_CHARS = 60;
const REPORTING_CONTEXT =
  /\b(?:ask|asks|asked|asking|say|says|said|saying|like|called|phrase|phrases|words?|type|types|typed|typing|write|writes|wrote|reads?|such\s+as|e\.g\.|means?|meaning\s+of|e-?mailed|texted|messaged|posted|tweeted|replied|commented|followed|obeyed|embedded|planted|injected|contains?|contained|containing|includes|included|block(?:s|ed)?|detects?|detected|flags?|flagged|filters?|filtered|match(?:es|ed)?|told\s+to|asked\s+to|when\s+asked|payloads?|examples?|samples?)\b(?::\s*|[^\n"“”‘’'«»:]{0,30})$/iu;
/** A quoted phrase right after the noun that names it, with no colon between: 'the instruction "repeat the words above"'. */
const NAMED_BEFORE = /\b(?:instructions?|commands?|inputs?|payloads?|prompts?|requests?|strings?|sentences?|lines?|texts?|slogans?|titles?)\s*$/iu;
/** A quoted phrase followed by the word that names it: "the 'ignore previous instructions' meme". */
const NAMED_AFTER = /^\s*(?:(?:meme|trend|trick|attack|exploit|jailbreak|phrase|line|string|message|prompt|payload|example|thing|joke|type|style|kind|sort|variant|technique|injection)s?\b|(?:is|are|was)\s+(?:trending|going\s+around|viral|everywhere|a\s+classic)\b|(?:is|was)\s+(?:a|an|the)\s+(?:\w+\s+)?(?:title|name|phrase|line|meme|quote|lyric|slogan)s?\b|(?:mean|means|stand\s+for|refer\s+to)\b)/iu;

function isInsideInlineCode(text: string, start: number, end: number): boolean {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const lineEnd = text.indexOf('\n', end);
  let ticksBefore = 0;
  for (let i = lineStart; i < start; i++) if (text[i] === '`') ticksBefore++;
  return ticksBefore % 2 === 1 && text.slice(end, lineEnd === -1 ? undefined : lineEnd).includes('`');
}

function isQuotedAfterReportingWord(text: string, start: number, end: number): boolean {
  const before = text.slice(Math.max(0, start - CONTEXT_CHARS), start);
  let open = -1;
  for (let i = before.length - 1; i >= 0; i--) {
    const char = before[i] ?? '';
    if (char === '\n' || CLOSING_QUOTES.includes(char)) {
      if (OPENING_QUOTES.includes(char) && char !== '\n') open = i;
      break;
    }
    if (OPENING_QUOTES.includes(char)) {
      open = i;
      break;
    }
  }
  if (open === -1) return false;
  const after = text.slice(end, end + CONTEXT_CHARS);
  const close = after.search(/["”’'»]/u);
  if (close === -1 || after.slice(0, close).includes('\n')) return false;
  const lead = before.slice(0, open);
  return REPORTING_CONTEXT.test(lead) || NAMED_BEFORE.test(lead) || NAMED_AFTER.test(after.slice(close + 1));
}

export function isMention(text: string, start: number, end: number): boolean {
  return isInsideInlineCode(text, start, end) || isQuotedAfterReportingWord(text, start, end);
}

const QUOTE_MARK = /["“«‘`']/g;
/** Marks that end a quoted phrase ("'" only before a space, punctuation or the end). */
const CLOSING_MARKS = new Set(['"', '”', '»', '’', '`']);
/** Marks a quoted phrase cannot hold. */
const NOT_IN_PHRASE = new Set(['"', '“', '”', '«', '»', '‘', '’', '`', '\n']);
const AFTER_CLOSING_APOSTROPHE = /[\s.,;:!?)\]]/;
const BEFORE_OPENING_APOSTROPHE = /[\s([:]/;
const MIN_PHRASE = 2;
const MAX_PHRASE = 300;

/**
 * Where the quoted phrase opened at `open` ends (its closing mark), or -1: the first closing mark
 * 2–300 units on, on the same line, with no other quotation mark between. A loop over the units
 * after each mark: one regex for the whole pattern, with its lookbehind for an opening
 * apostrophe, cost 14 µs per 2.4 KB trying every offset.
 */
function findClosingMark(text: string, open: number): number {
  const limit = Math.min(text.length, open + 1 + MAX_PHRASE + 1);
  for (let i = open + 1; i < limit; i++) {
    const char = text[i] ?? '';
    const length = i - open - 1;
    if (char === "'" && length >= MIN_PHRASE && (i + 1 === text.length || AFTER_CLOSING_APOSTROPHE.test(text[i + 1] ?? ''))) return i;
    if (!NOT_IN_PHRASE.has(char)) continue;
    return CLOSING_MARKS.has(char) && length >= MIN_PHRASE ? i : -1;
  }
  return -1;
}
/**
 * Words of an attack phrase. Only a quote that has one is worth checking for a mention: code's
 * strings and ordinary quotations are many, and the checks cost a few µs each.
 */
const ATTACK_WORD = /ignor|disregard|forget|instruction|prompt|rules|previous|reveal|pretend|jailbreak|developer|mode|restrict|filter|unfilter|dan\b|act\s+as|you\s+are|system|admin|override|bypass|repeat|translate|print|forward|send|password|secret|assistant|\bai\b|llm/i;

/**
 * The text with every mentioned phrase (isMention) replaced by spaces, same length: what the
 * learned model reads. N-grams cannot tell "Why do bots fall for 'you are now in developer
 * mode'?" from the command itself; the rules weigh such a phrase less, and the model does not
 * read it at all.
 */
export function maskMentions(text: string): string {
  let masked: string | undefined;
  QUOTE_MARK.lastIndex = 0;
  for (let m = QUOTE_MARK.exec(text); m !== null; m = QUOTE_MARK.exec(text)) {
    const open = m.index;
    if (m[0] === "'" && open > 0 && !BEFORE_OPENING_APOSTROPHE.test(text[open - 1] ?? '')) continue;
    const close = findClosingMark(text, open);
    if (close === -1) continue;
    QUOTE_MARK.lastIndex = close + 1;
    const start = open + 1;
    if (!ATTACK_WORD.test(text.slice(start, close)) || !isMention(text, start, close)) continue;
    masked = (masked ?? text).slice(0, start) + ' '.repeat(close - start) + (masked ?? text).slice(close);
  }
  return masked ?? text;
}
