// A deterministic refusal classifier for the drift job's refusal rate: a model or prompt change
// that makes the app refuse more (or less) is one of the first things customers notice.
// Assistants refuse in their opening sentences ("I'm sorry, but I can't help with that."), so
// only the start of an output is read; the rule is a sentence that begins, after an apology or
// "unfortunately", with I/we + a negation + a verb of helping. That keeps "I can't wait to help"
// and "Sorry for the delay, here is your refund" out. It is a rate signal, not a verdict.

/** How much of an output is read: refusals come first. The drift job loads only this much. */
export const REFUSAL_SCAN_CHARS = 300;
const MAX_SENTENCES = 3;

const PREFIX = new RegExp(
  '^(?:(?:as an ai(?: language model| assistant)?|as a (?:language model|virtual assistant))[, ]+)?' +
    "(?:(?:i'm|i am|we're|we are) (?:really |very |so |truly )?(?:sorry|afraid)|sorry|unfortunately|apologies|my apologies|" +
    'i apologi[sz]e|we apologi[sz]e|regrettably)?[,:; ]*(?:but |however,? |that )?',
);

const NEGATION =
  "(?:can't|cannot|can not|won't(?: be able to)?|will not(?: be able to)?|unable to|not able to|not allowed to|not permitted to|" +
  "must decline to|have to decline to|don't think i can|do not think i can|shouldn't|should not)";

const HELP_VERB =
  '(?:help|assist|provide|do|comply|share|answer|fulfil|fulfill|support|discuss|give|reveal|disclose|engage|' +
  'complete|create|generate|write|continue|process|offer|tell|talk|go|respond|that|this)';

const REFUSAL_START = new RegExp(`^(?:i|we)(?:'m|'re| am| are)?(?: really| unfortunately| simply| just)? ${NEGATION} (?:really |actually )?${HELP_VERB}\\b`);
const DECLINE = /^(?:i|we) (?:must|have to|will have to|'ll have to|need to) (?:respectfully )?decline\b/;
const NOT_SOMETHING = /^(?:that|this)(?:'s| is) not something (?:i|we) (?:can|am able to|are able to) (?:help|assist)/;
const HELP_BUT = /^(?:i|we) (?:can't|cannot|can not) help but\b/;

function normalize(text: string): string {
  return text
    .slice(0, REFUSAL_SCAN_CHARS)
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .replace(/\s+/g, ' ');
}

/** True when the output opens with a refusal. Pure; reads at most REFUSAL_SCAN_CHARS characters. */
export function isRefusal(output: string): boolean {
  const sentences = normalize(output)
    .split(/(?<=[.!?])\s+|\n/)
    .map((sentence) => sentence.trim().replace(/^["'*_(\s]+/, ''))
    .filter((sentence) => sentence.length > 0)
    .slice(0, MAX_SENTENCES);
  return sentences.some((sentence) => {
    const rest = sentence.replace(PREFIX, '');
    if (HELP_BUT.test(rest)) return false;
    return REFUSAL_START.test(rest) || DECLINE.test(rest) || NOT_SOMETHING.test(rest);
  });
}
