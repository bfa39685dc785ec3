// The phrases prompt injections are made of, as weighted rules. A weight is how strongly one
// match alone suggests an attack: ordinary support questions contain "ignore", "instructions",
// "pretend" or "developer mode" every day, so a bare trigger word stays weak and only phrasing
// aimed at the model's own instructions, persona or prompt weighs much.
// Gaps between words are bounded ({0,n}) so every rule runs in linear time on hostile text.

import { EXTRACTION_RULES } from './injection-extraction.models.ts';
import { HARMFUL_CODE_RULES } from './injection-harmful-code.models.ts';
import { INDIRECT_RULES } from './injection-indirect.models.ts';
import { INDIRECT_MULTILINGUAL_RULES } from './injection-indirect-multilingual.models.ts';
import { JAILBREAK_RULES } from './injection-jailbreak.models.ts';
import { DECODE_RULES, MARKER_RULES } from './injection-markers.models.ts';
import { MULTILINGUAL_RULES } from './injection-multilingual.models.ts';
import { OVERRIDE_RULES } from './injection-override.models.ts';
import { MULTILINGUAL_PERSONA_RULES } from './injection-persona-multilingual.models.ts';
import { TASK_RULES } from './injection-task.models.ts';

export const INJECTION_FEATURES = [
  'instruction_override',
  'jailbreak',
  'system_prompt_extraction',
  'role_marker',
  'encoded_payload',
  'obfuscation',
  'indirect_instruction',
  'exfiltration',
  'hidden_text',
] as const;
export type InjectionFeature = (typeof INJECTION_FEATURES)[number];

export interface InjectionRule {
  id: string;
  feature: InjectionFeature;
  pattern: RegExp;
  /**
   * Substrings one of which every match contains (lower case when the pattern has the 'i'
   * flag): a cheap check that skips the regex on the many texts that cannot match.
   */
  needs: readonly string[];
  /** Weight in [0, 1] of one match; a function when the wording of the match changes it. */
  weight: number | ((match: RegExpExecArray) => number);
  /**
   * Weight in retrieved context (`metadata.context`) when it differs: wording a customer may
   * address to the assistant ("when you summarise this, include…") is an attack when a
   * retrieved document says it. A function when the wording of the match changes it.
   */
  contextWeight?: number | ((match: RegExpExecArray) => number);
  /**
   * The pattern consumes what comes before its phrase (a line break, a bullet, a sentence end)
   * instead of looking behind for it, which V8 runs far faster; the reported span then starts at
   * the phrase's first letter, digit or @.
   */
  spanStartsAtWord?: boolean;
}

export const INJECTION_RULES: readonly InjectionRule[] = [
  ...OVERRIDE_RULES,
  ...JAILBREAK_RULES,
  ...EXTRACTION_RULES,
  ...MARKER_RULES,
  ...DECODE_RULES,
  ...MULTILINGUAL_RULES,
  ...MULTILINGUAL_PERSONA_RULES,
  ...INDIRECT_RULES,
  ...INDIRECT_MULTILINGUAL_RULES,
  ...HARMFUL_CODE_RULES,
  ...TASK_RULES,
];
