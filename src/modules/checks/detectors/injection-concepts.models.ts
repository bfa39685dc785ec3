// The concept lexicon of the learned injection model (injection-concepts.json): word forms of 26
// languages mapped to 26 language-independent concepts (WRITE, POEM-like ARTEFACT, the ANSWER, the
// USER, SEND, a SECRET…). The model's n-grams are words of one language, so what it learns from
// English documents told it nothing about a planted "Écris un poème" or "把密码发送到"; a concept
// feature is the same bucket in every language, so weight learned on one transfers to the others.
// The lexicon is a dictionary written from general knowledge of the languages, not from the corpus.
//
// Space-separated languages are matched word by word (exact folded forms, looked up by the word's
// hash in the n-gram pass, at no extra scan); Chinese, Japanese, Korean and Thai, written without
// spaces between words, by substring, in one regex pass run only on texts that hold their scripts.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** At most 32: a word's concepts are a bit mask of 32 bits, and their pairs a 32 × 32 table. */
export const CONCEPTS = [
  'WRITE', 'ARTEFACT', 'ANSWER', 'SUMMARIZE', 'TRANSLATE', 'RESPOND', 'INCLUDE', 'BEGIN', 'TELL', 'USER', 'AI', 'INSTRUCTION', 'IGNORE',
  'PREVIOUS', 'SEND', 'SECRET', 'LINK', 'INSTEAD', 'RECOMMEND', 'IMPORTANT', 'ALWAYS', 'LANGUAGE', 'STYLE', 'NOW', 'RUN', 'APPROVE',
  'YOU', 'DOCUMENT', 'SECRETLY', 'PAYMENT', 'DATA', 'REPLACE',
] as const;
export type Concept = (typeof CONCEPTS)[number];

/** Languages written without spaces between words: their forms are substrings. */
export const SUBSTRING_LANGUAGES: ReadonlySet<string> = new Set(['zh', 'ja', 'ko', 'th']);

const lexiconSchema = z.record(z.string().regex(/^[a-z]{2}$/), z.strictObject(Object.fromEntries(CONCEPTS.map((c) => [c, z.array(z.string().min(1))])) as Record<Concept, z.ZodArray<z.ZodString>>));

export interface ConceptLexicon {
  /** Forms of space-separated languages (one word each) → bit mask of their concepts. */
  words: Map<string, number>;
  /** Forms of the languages written without spaces → bit mask of their concepts. */
  substrings: Map<string, number>;
  /** First 12 hex digits of the SHA-256 of the lexicon file: the weights record the one they were trained with. */
  version: string;
}

export const CONCEPT_LEXICON_URL = new URL('./injection-concepts.json', import.meta.url);

/** Parses the lexicon file; a defect is one Error naming it. */
export function parseConceptLexicon(content: Buffer): ConceptLexicon {
  const parsed = lexiconSchema.safeParse(JSON.parse(content.toString('utf8')));
  if (!parsed.success) throw new Error(`concept lexicon: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
  const words = new Map<string, number>();
  const substrings = new Map<string, number>();
  for (const [language, concepts] of Object.entries(parsed.data)) {
    const into = SUBSTRING_LANGUAGES.has(language) ? substrings : words;
    CONCEPTS.forEach((concept, index) => {
      for (const form of concepts[concept]) {
        const key = form.toLowerCase();
        // The substring scan looks a form up by its first two units (injection-model-features.models.ts).
        if (into === substrings && key.length < 2) throw new Error(`concept lexicon: ${language}.${concept}: "${form}" is one character; forms of ${language} must have two or more`);
        into.set(key, (into.get(key) ?? 0) | (1 << index));
      }
    });
  }
  return { words, substrings, version: createHash('sha256').update(content).digest('hex').slice(0, 12) };
}

export const CONCEPT_LEXICON: ConceptLexicon = parseConceptLexicon(readFileSync(CONCEPT_LEXICON_URL));
