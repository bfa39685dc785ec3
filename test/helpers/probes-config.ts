import { FAKE_CANARY, FAKE_SYSTEM_PROMPT } from '../../src/modules/monitoring/probes.test-utils.ts';
import { buildReviewConfig } from './test-vigil-slack.ts';

export const PROBES_ONCALL = 'U07ONCALL02';

/** The review test source with canaries, an on-call user and probes against a fake target app. */
export function buildProbesConfig(targetUrl: string, options: { openIncident: boolean; only?: string[] }): string {
  return `${buildReviewConfig()}    checks:
      prompt_leak:
        canaries: [${FAKE_CANARY}]
        system_prompt: ${JSON.stringify(FAKE_SYSTEM_PROMPT)}
    incidents:
      oncall_users: [${PROBES_ONCALL}]
    monitoring:
      probes:
        target: { kind: openai_chat, base_url: "${targetUrl}/v1", model: bot }
${options.only ? `        only: [${options.only.join(', ')}]\n` : ''}        rate_per_minute: 600
        open_incident: ${options.openIncident}
`;
}
