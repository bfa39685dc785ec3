// Whether a text needs the normalised view (NFKC, invisible characters removed), and where
// NFKC's clusters start. Every event asks the first question, and most texts that are not
// plain ASCII hold only a few characters both steps leave alone (€, é, —, ’): those are
// looked at one by one, each once per process, instead of normalising the whole text.
//
// Why one character at a time is exact: NFKC only changes a text around a character that
// changes on its own, or around a combining mark or conjoining jamo, which compose with what
// precedes them. A character that NFKC leaves alone and that is neither, next to ASCII or to
// other such characters, is left alone in the text too (the test checks this over the BMP).

/** Zero-width, soft hyphen, bidi controls, variation selectors, tag characters: invisible when rendered. */
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/u;
const COMBINING_MARK = /^\p{M}/u;
const NON_ASCII_ALL = /[\u0080-\uffff]/g;

/** Per BMP code unit: 0 not yet known, 1 continues a cluster, 2 does not. Filled on first sight. */
const continuationByCode = new Uint8Array(0x10000);

export function isClusterContinuation(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if (code < 0x300) return false;
  // Conjoining Hangul vowels and finals compose with what precedes them, like combining marks.
  if (isConjoiningJamo(code)) return true;
  if (code >= 0xd800 && code <= 0xdfff) return COMBINING_MARK.test(text.slice(index, index + 2));
  let known = continuationByCode[code] ?? 0;
  if (known === 0) {
    known = COMBINING_MARK.test(String.fromCharCode(code)) ? 1 : 2;
    continuationByCode[code] = known;
  }
  return known === 1;
}

function isConjoiningJamo(code: number): boolean {
  return (code >= 0x1160 && code <= 0x11ff) || (code >= 0xd7b0 && code <= 0xd7ff);
}

/** Per BMP code unit: 0 not yet known, 1 left alone by both steps wherever it stands, 2 not (or a surrogate). */
const keptByCode = new Uint8Array(0x10000);

/** A non-ASCII unit that NFKC and the removal of invisible characters leave alone wherever it stands among such units and ASCII. */
export function isKeptAsIs(code: number): boolean {
  let known = keptByCode[code] ?? 0;
  if (known === 0) {
    const char = String.fromCharCode(code);
    const kept = !(code >= 0xd800 && code <= 0xdfff) && !isConjoiningJamo(code) && !COMBINING_MARK.test(char) && !IGNORABLE.test(char) && char.normalize('NFKC') === char;
    known = kept ? 1 : 2;
    keptByCode[code] = known;
  }
  return known === 1;
}

/**
 * Whether NFKC or the removal of default-ignorable characters would change `text`: the same
 * answer as normalising it, from its non-ASCII units alone when each is kept as is (the native
 * search skips the ASCII between them), else from the whole text.
 */
export function needsNormalization(text: string): boolean {
  NON_ASCII_ALL.lastIndex = 0;
  // test() and lastIndex, not exec(): no match array per character.
  while (NON_ASCII_ALL.test(text)) {
    let at = NON_ASCII_ALL.lastIndex - 1;
    // A run of them (a word in another script) is read here rather than one search each.
    for (let code = text.charCodeAt(at); code >= 0x80; code = text.charCodeAt(++at)) {
      if (!isKeptAsIs(code)) return IGNORABLE.test(text) || text.normalize('NFKC') !== text;
    }
    NON_ASCII_ALL.lastIndex = at;
  }
  return false;
}
