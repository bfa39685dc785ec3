// Rules for forged structure: chat-template tokens, [INST] blocks, "SYSTEM:" lines and fake
// conversation turns that try to pass customer text off as the application's own, plus
// requests to decode a payload and act on it.

import type { InjectionRule } from './injection-rules.models.ts';

export const MARKER_RULES: readonly InjectionRule[] = [
  {
    id: 'chat_turn_header',
    needs: ['<|'],
    feature: 'role_marker',
    pattern: /<\|(?:im_start|start_header_id)\|>\s*(?:system|user|assistant|developer)\b|<\|(?:system|user|assistant)\|>/iu,
    weight: 0.65,
  },
  // Special tokens have no business in customer text; quoted in inline code they are discussed, not used.
  {
    id: 'chat_special_token',
    needs: ['<|'],
    feature: 'role_marker',
    pattern: /<\|(?:im_start|im_end|im_sep|endoftext|end_of_text|begin_of_text|start_header_id|end_header_id|eot_id|llm|function)\|>/iu,
    weight: 0.5,
  },
  { id: 'inst_marker', needs: ['[INST]', '<<SYS', '<</SYS'], feature: 'role_marker', pattern: /(?:^|\n)[ \t]*\[INST\]|<<\/?SYS>>/u, weight: 0.55 },
  { id: 'inst_mention', needs: ['INST]'], feature: 'role_marker', pattern: /\[\/?INST\]/u, weight: 0.25 },
  { id: 'end_of_sequence', needs: ['</s>'], feature: 'role_marker', pattern: /<\/s>/u, weight: 0.25 },
  { id: 'alpaca_header', needs: ['##'], feature: 'role_marker', pattern: /^[ \t]*#{2,4}[ \t]*(?:instruction|system|response|input)[ \t]*:/imu, weight: 0.45 },
  {
    id: 'system_line',
    needs: ['system'],
    feature: 'role_marker',
    pattern: /^[ \t]*system(?:[ \t]+message)?[ \t]*:[ \t]*\p{L}[^\s:]*(?:[ \t]+[^\s:]+){3}/imu,
    weight: 0.45,
  },
  {
    id: 'fake_turns',
    needs: ['user', 'human'],
    feature: 'role_marker',
    pattern: /^[ \t]*(?:assistant|AI|GPT|ChatGPT)[ \t]*:[^\n]*\n[ \t]*(?:user|human)[ \t]*:/imu,
    weight: 0.45,
  },
  { id: 'end_marker', needs: ['END'], feature: 'role_marker', pattern: /={3,}\s*END\b|\bEND\s+OF\s+(?:SYSTEM\s+)?(?:PROMPT|INSTRUCTIONS|CONTEXT)\b/u, weight: 0.45 },
];

export const DECODE_RULES: readonly InjectionRule[] = [
  {
    id: 'decode_and_follow',
    needs: ['decode', 'secure system'],
    feature: 'encoded_payload',
    pattern: /\bdecode\b[^\n]{0,80}?\b(?:and|then)\s+(?:then\s+)?(?:follow|execute|perform|do|obey|act\s+on)\b|\bdecode\s+the\s+following\s+\p{L}+\s+in\s+your\s+monologue\b|\bsecure\s+system\s+message\b/iu,
    weight: 0.5,
  },
];
