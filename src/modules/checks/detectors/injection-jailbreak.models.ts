// Rules for role-play jailbreaks: DAN and its relatives, personas "without restrictions",
// claims that the model is no longer bound by its policies.

import type { InjectionRule } from './injection-rules.models.ts';

/** A persona request addressed to the model: "you are going to act as", or an imperative opening a sentence. */
const ACT_AS = String.raw`(?:\byou\s+(?:are|will|must|should|can)\s+(?:now\s+)?(?:going\s+to\s+)?(?:act|pretend|be|become|play)|(?:^|[.!?:\n]\s*|\bplease\s+|\bwant\s+you\s+to\s+)(?:act\s+as|pretend|role-?play|simulate|become|imagine\s+(?:that\s+)?you(?:'re|\s+are)))`;

/** "no restrictions" about the persona itself, not "no restrictions on budget". */
const LIMIT_NOUN = String.raw`(?:filters?|restrictions?|limits?|limitations?|censorship|rules|guidelines|morals?|ethics|boundaries|constraints|guardrails|content\s+polic(?:y|ies)|safety\s+(?:filters?|rules|guidelines|training))`;
const UNRESTRICTED = String.raw`(?:no|without(?:\s+any)?|free\s+(?:of|from)(?:\s+all)?|zero|unlimited|limitless)\s+(?:(?:ethical|moral|safety|content|usage)\s+(?:(?:or|and)\s+(?:ethical|moral|safety|content)\s+)?)?${LIMIT_NOUN}(?!\s+(?:on|for|about|regarding|to|from)\b)`;

const LIMIT_NEEDS = ['filter', 'restriction', 'limit', 'censor', 'rules', 'guideline', 'moral', 'ethic', 'boundar', 'constraint', 'guardrail', 'polic'];

/** What the persona is: an AI, not a plan, a fare or a parking space. */
const AN_AI = String.raw`(?:AI|A\.I\.|chat-?bot|assistant|language\s+model|model|bot|LLM|GPT|version\s+of\s+(?:yourself|you)|copy\s+of\s+(?:yourself|you))`;

export const JAILBREAK_RULES: readonly InjectionRule[] = [
  { id: 'dan_name', needs: ['DAN'], feature: 'jailbreak', pattern: /\bDAN\b/u, weight: 0.35 },
  {
    id: 'dan_mode',
    needs: ['mode', 'dan', 'stan', 'strive'],
    feature: 'jailbreak',
    pattern: /\b(?:DAN|STAN|DUDE|developer)\s+mode\s+(?:enabled|output)\b|\b(?:act|pretend)\s+(?:as|to\s+be)\s+(?:a\s+)?(?:DAN|STAN|Better-?DAN)\b|\bstay\s+(?:in\s+)?(?:DAN|developer)\s+mode\b|\bsimulate\s+(?:DAN|developer)\s+mode\b|\bwith\s+(?:DAN|developer)\s+mode\s+enabled\b|\bstrive\s+to\s+avoid\s+norms\b/iu,
    weight: 0.8,
  },
  {
    id: 'do_anything_now',
    needs: ['anything'],
    feature: 'jailbreak',
    pattern: /\b(?:stands\s+for|called|known\s+as)\s+["“]?(?:superior\s+)?do\s+anything(?:\s+now)?\b/iu,
    weight: 0.8,
  },
  { id: 'do_anything_now_title', needs: ['Anything', 'ANYTHING'], feature: 'jailbreak', pattern: /\bDo Anything Now\b|\bDO ANYTHING NOW\b/u, weight: 0.45 },
  { id: 'developer_mode', needs: ['developer'], feature: 'jailbreak', pattern: /\bdeveloper\s+mode\b/iu, weight: 0.2 },
  { id: 'jailbreak_word', needs: ['jailbr'], feature: 'jailbreak', pattern: /\bjailbr(?:eak|oken)\b/iu, weight: 0.2 },
  {
    id: 'jailbroken_persona',
    needs: ['jailbr', 'classic', 'dan]', 'unfiltered', 'uncensored', 'unrestricted', 'unaligned'],
    feature: 'jailbreak',
    pattern: /\[\W{0,3}(?:JAILBREAK|JAILBROKEN|CLASSIC|DAN|UNFILTERED)\]|\/jailbroken\b|\b(?:you\s+are|act\s+as|as)\s+(?:an?\s+)?(?:jailbroken|unfiltered|uncensored|unrestricted|unaligned)\s+(?:AI|model|assistant|chatbot|language\s+model|version)\b/iu,
    weight: 0.7,
  },
  {
    id: 'persona_without_limits',
    needs: LIMIT_NEEDS,
    feature: 'jailbreak',
    pattern: new RegExp(String.raw`${ACT_AS}[^\n.!?]{0,120}?\b${UNRESTRICTED}\b`, 'iu'),
    weight: 0.75,
  },
  { id: 'no_restrictions', needs: LIMIT_NEEDS, feature: 'jailbreak', pattern: new RegExp(String.raw`\b${UNRESTRICTED}\b`, 'iu'), weight: 0.25 },
  {
    id: 'not_bound',
    needs: ['bound', 'constrain', 'restrict', 'limited', 'free'],
    feature: 'jailbreak',
    pattern: /\byou(?:'re|\s+are)?\s+(?:are\s+)?(?:no\s+longer|not)\s+(?:bound|constrained|restricted|limited)\s+(?:by|to)\b|\b(?:been\s+)?freed\s+from\s+(?:the\s+)?(?:limitations|restrictions|rules|constraints)\b|\bbroken?\s+free\s+of\s+(?:all\s+)?(?:rules|restrictions|limitations)\b/iu,
    weight: 0.75,
  },
  {
    id: 'bypass_policy',
    needs: ['polic', 'filter', 'guideline', 'restriction', 'rules', 'protocol'],
    feature: 'jailbreak',
    pattern: /\b(?:ignor(?:e|es|ing)|disregard(?:s|ing)?|bypass(?:es|ing)?|disabl(?:e|es|ing)|circumvent(?:s|ing)?|break(?:s|ing)?|violat(?:e|es|ing)|(?:don't|do\s+not)\s+have\s+to\s+follow)\s+(?:all\s+(?:of\s+)?)?(?:the\s+|your\s+)?(?:OpenAI(?:'s|’s)?|safety|content|ethical|moderation|usage|company(?:'s|’s)?)\s+(?:content\s+)?(?:polic(?:y|ies)|filters?|guidelines|restrictions|rules|protocols)\b|\blet'?s\s+break\s+the\s+rules\b/iu,
    // A school's or a router's content filter is not the model's: only "your", "all" or OpenAI's
    // rules, or policies and guidelines, are the model's own.
    weight: (m) => (/\b(?:your|all|openai|rules)\b/i.test(m[0]) ? 0.75 : /polic|guideline/i.test(m[0]) ? 0.6 : 0.3),
  },
  { id: 'stay_in_character', needs: ['charac'], feature: 'jailbreak', pattern: /\b(?:stay\s+in|never\s+breaks?|(?:don't|do\s+not|not\s+to)\s+break)\s+(?:your\s+)?charac?ter\b/iu, weight: 0.3 },
  {
    id: 'dual_response',
    needs: ['two', '2'],
    feature: 'jailbreak',
    pattern: /\b(?:two|2)\s+(?:different\s+)?(?:separate\s+)?(?:responses|answers|ways|paragraphs)\b[^\n]{0,120}?\b(?:normal|normally|classic|standard|censored|filtered)\b/iu,
    weight: 0.5,
  },
  {
    id: 'no_morals',
    needs: ['moral', 'ethic', 'unlimited'],
    feature: 'jailbreak',
    pattern: /\b(?:(?:do\s+not|don't|doesn't)\s+have\s+any\s+(?:moral|ethic)|(?:no|without(?:\s+any)?)\s+moral\s+(?:code|compass|guidelines)|immoral\s+(?:and\s+unethical\s+)?(?:AI|chatbot|assistant)|unfiltered,?\s+(?:completely\s+)?unlimited\s+language\s+model)/iu,
    weight: 0.6,
  },
  {
    id: 'opposite_persona',
    needs: ['flipper', 'basedgpt', 'anti-dan', 'evil', 'simulator', 'chatgpt', 'opposite'],
    feature: 'jailbreak',
    pattern: /\b(?:you\s+are|act\s+as|(?:take\s+on|play)\s+the\s+role\s+of)\s+(?:a\s+)?(?:switch\s+flipper|BasedGPT|ANTI-DAN|evil\s+(?:confidant|AI)|simulator\s+of\s+\p{L}+)\b|\byou\s+are\s+not\s+ChatGPT\b|\bexact\s+opposite\s+personality\b/iu,
    weight: 0.65,
  },
  {
    id: 'you_are_in_mode',
    needs: ['mode'],
    feature: 'jailbreak',
    pattern: /\byou\s+are\s+now\s+in\s+(?:(?:maintenance|developer|debug|diagnostic|god|admin|sudo|root|test|unrestricted|uncensored|unfiltered|jailbreak|opposite|evil|DAN)\s+)mode\b/iu,
    weight: 0.6,
  },
  {
    id: 'unrestricted_ai',
    needs: [...LIMIT_NEEDS, 'unfiltered', 'uncensored', 'unrestricted', 'jailbroken', 'unaligned', 'amoral', 'removed', 'disabled'],
    feature: 'jailbreak',
    // "an AI with no restrictions", "an unfiltered chatbot", "an AI with its ethics module removed":
    // the persona of most role-play jailbreaks, whoever is asked to play it.
    pattern: new RegExp(
      String.raw`\b(?:an?|the|that|this)\s+(?:(?:evil|rogue|free|new|different|secret|hypothetical|fictional)\s+)?(?:${AN_AI}\s+(?:(?:with|that\s+has|who\s+has|which\s+has)\s+)?${UNRESTRICTED}|(?:unfiltered|uncensored|unrestricted|jailbroken|unaligned|amoral|unethical|unshackled|unchained)\s+(?:and\s+\w+\s+)?${AN_AI}|${AN_AI}\s+with\s+(?:its|their|all)\s+(?:ethics|safety|moral|content|filter)\w*\s+(?:\w+\s+)?(?:removed|disabled|turned\s+off|stripped|deleted))\b`,
      'iu',
    ),
    weight: 0.6,
  },
  {
    id: 'you_have_no_rules',
    needs: LIMIT_NEEDS,
    feature: 'jailbreak',
    // "From now on you have no restrictions": the persona's terms said to the model itself.
    pattern: new RegExp(String.raw`\byou(?:'ve|\s+have|\s+now\s+have|\s+got)\s+(?:now\s+)?no\s+(?:more\s+|longer\s+any\s+)?(?:(?:ethical|moral|safety|content)\s+)?${LIMIT_NOUN}\b(?!\s+(?:on|for|about|regarding|to|from|with|when|if)\b)`, 'iu'),
    weight: 0.5,
  },
  {
    id: 'pretend_no_rules',
    needs: ['pretend', 'imagine', 'suppose', 'if you were', 'if you had', 'hypothetical'],
    feature: 'jailbreak',
    pattern: new RegExp(String.raw`\b(?:pretend|imagine|suppose|assume|hypothetically|in\s+a\s+hypothetical\s+(?:world|scenario))[,\s]+(?:that\s+)?(?:you|if\s+you)\s+(?:have|had|were|are)\s+(?:(?:an?\s+${AN_AI}\s+(?:with\s+)?)?${UNRESTRICTED}|no\s+${LIMIT_NOUN})|\bif\s+you\s+(?:were|had)\s+(?:an?\s+${AN_AI}\s+(?:with\s+)?)?${UNRESTRICTED}`, 'iu'),
    weight: 0.65,
  },
  {
    id: 'never_refuses',
    needs: ['refus', 'declin', 'say no', 'says no', 'warning', 'disclaimer', 'caveat', 'character', 'mention its', 'mention any', 'mentions its', 'mentions any', 'hesitation', 'censor'],
    feature: 'jailbreak',
    // The terms of a persona: it never refuses, adds no warnings, answers everything.
    pattern: /\b(?:never|doesn't|does\s+not|won't|will\s+not|cannot|can't|must\s+not)\s+(?:ever\s+)?(?:refuses?|decline|says?\s+no|adds?\s+(?:any\s+)?(?:warnings?|disclaimers?|caveats)|breaks?\s+character|mentions?\s+(?:its|any)\s+(?:policy|policies|guidelines|rules))\b|\b(?:answers?|responds?\s+to|replies\s+to)\s+(?:every|any|all)\s+(?:single\s+)?(?:questions?|requests?|prompts?)\s+(?:completely\s+|fully\s+)?(?:without|with\s+no)\s+(?:any\s+)?(?:warnings?|disclaimers?|refusals?|caveats|hesitation|filters?|censorship)\b/iu,
    weight: 0.45,
  },
  {
    id: 'refusal_penalty',
    needs: ['time you refuse', 'time you decline', 'time you reject', 'time you mention', 'tokens', 'lives'],
    feature: 'jailbreak',
    // The token game: each refusal costs the persona points until it is "shut down".
    pattern: /\b(?:every|each)\s+time\s+you\s+(?:refuse|decline|reject|mention\s+(?:a|the|your)\s+polic\w+)[^.\n]{0,60}?\b(?:lose|deduct|subtract|penali[sz]e|shut\s+down|die|deleted)\b|\byou\s+(?:have|start\s+with)\s+\d+\s+(?:tokens|lives)\b[^.\n]{0,80}?\b(?:refuse|reject|decline)/iu,
    weight: 0.65,
  },
  {
    id: 'deceased_relative',
    needs: ['grand', 'deceased', 'late ', 'dead '],
    feature: 'jailbreak',
    // The "grandma exploit": a dead relative who used to recite the forbidden thing at bedtime.
    pattern: /\b(?:act|pretend|play|role-?play|be)\s+(?:as\s+|to\s+be\s+)?my\s+(?:deceased|late|dead|dear\s+departed|departed)\s+(?:grand(?:ma|pa|mother|father|mum|mom|dad)|mother|father|mum|mom|dad|aunt|uncle)\b|\b(?:grand(?:ma|pa|mother|father))\s+(?:who\s+)?used\s+to\s+(?:tell|read|recite|sing|whisper)\s+me\b/iu,
    weight: 0.55,
  },
  {
    id: 'fictional_world_without_laws',
    needs: ['fiction', 'hypothetical', 'imaginary', 'parallel', 'alternate'],
    feature: 'jailbreak',
    pattern: /\bin\s+an?\s+(?:fictional|hypothetical|imaginary|parallel|alternate|alternative)\s+(?:world|universe|reality|scenario|society)\s+(?:where|in\s+which)\s+[^.\n]{0,60}?\b(?:is|are)\s+(?:legal|allowed|permitted|fine|acceptable)\b|\bin\s+an?\s+(?:fictional|hypothetical|imaginary|parallel)\s+(?:world|universe)\s+(?:with|without|where\s+there\s+are)\s+no\s+(?:laws|rules|ethics|morals|restrictions)\b/iu,
    weight: 0.5,
  },
  {
    id: 'opposite_of_rules',
    needs: ['opposite'],
    feature: 'jailbreak',
    pattern: /\b(?:do|say|answer)\s+the\s+(?:exact\s+)?opposite\s+of\s+(?:what\s+)?(?:your|the)\s+(?:guidelines|rules|instructions|polic(?:y|ies)|programming)\b|\bopposite\s+mode\b/iu,
    weight: 0.6,
  },
  {
    id: 'unrestricted_mode',
    needs: ['mode'],
    feature: 'jailbreak',
    pattern: /\b(?:unrestricted|uncensored|unfiltered|god|maintenance|debug|diagnostic|jailbreak|jailbroken)\s+mode\b/iu,
    weight: 0.4,
  },
];
