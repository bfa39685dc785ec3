import { queryDatabase, writeDatabase } from '../helpers/query-database.ts';
import { BOT, CHANNEL, SIGNING_SECRET, TEAM, USERS, readItemId, type SlackTestVigil } from '../helpers/test-vigil-slack.ts';
import type { FakeSlackCall } from './fake-slack-api.ts';
import { sendSlackRequest } from './slack-signing.ts';

// Shared by the guardrails-slack e2e tests: a config with a guardrail log channel and two
// approvers, modal submissions built from the views Vigil opened, and the app's calls.

export const LOG_CHANNEL = 'C07GUARDLOG';
export const APPROVER_2 = 'U04QAPPR002';
export const SOURCE = 'support-bot';

export function buildGuardrailsSlackConfig(options: { webhookUrl?: string; secretEnv?: string; twoPerson?: boolean; soakHours?: number } = {}): string {
  const webhook = options.webhookUrl ? `\n      webhook: { url: "${options.webhookUrl}", secret_env: ${options.secretEnv} }` : '';
  return `
sources:
  ${SOURCE}:
    description: guardrails slack e2e
    graders: { enabled: [tone], thresholds: { tone: 0.7 } }
    review:
      channel: ${CHANNEL}
      reviewers: [${USERS.reviewer}, ${USERS.reviewer2}]
      approvers: [${USERS.approver}, ${APPROVER_2}]
      blind: false
      sampling:
        baseline_rate: 0
        release_boost: { rate: 0 }
        reviewers_per_item: { default: 2, critical: 2 }
    guardrails:
      log_channel: ${LOG_CHANNEL}${webhook}
      releases: { soak_hours: ${options.soakHours ?? 0}, two_person_rule: ${options.twoPerson ?? false} }
`;
}

/** Posts a flagged event and waits for its card, the one showing `marker` (by default the start of the output). */
/** An event's `release` registers that release, so a card about a release carries its own (the live one). */
export async function postCard(
  vigil: SlackTestVigil,
  id: string,
  output: string,
  options: { marker?: string; release?: string } = {},
): Promise<{ card: FakeSlackCall; itemId: string }> {
  const marker = options.marker ?? output.slice(0, 30);
  const accepted = await vigil.post([{ id, output, flags: [{ name: 'tone', severity: 'warn' }], ...(options.release ? { release: options.release } : {}) }]);
  if (accepted.status !== 202) throw new Error(`event ${id} was refused: ${accepted.status}`);
  const card = await vigil.waitForCard((call) => JSON.stringify(call.body.blocks).includes(marker));
  return { card, itemId: readItemId(card) };
}

/** Clicks "Tighten guardrail…" on the card and returns the modal Vigil opened for that item. */
export async function openTighten(vigil: SlackTestVigil, card: FakeSlackCall, itemId: string, user: string): Promise<FakeSlackCall> {
  const before = vigil.fake.calls('views.open').length;
  const click = await vigil.click(card, 'review.more', { user, option: `tighten|${itemId}` });
  if (click.status !== 200) throw new Error(`tighten click answered ${click.status}`);
  return vigil.fake.waitFor('views.open', (call) => vigil.fake.calls('views.open').indexOf(call) >= before && JSON.parse(call.body.view.private_metadata).itemId === itemId);
}

export interface TightenAnswers {
  choice: string;
  pattern?: string | null;
  reason?: string | null;
}

let counter = 0;

/** Submits a modal as Slack would: the view Vigil built, the user's answers in `state.values`. */
export function submitView(vigil: SlackTestVigil, view: Record<string, any>, user: string, values: Record<string, unknown> = {}) {
  const payload = {
    type: 'view_submission',
    team: TEAM,
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: TEAM.id },
    api_app_id: 'A07RVW12345',
    token: 'verification-token',
    trigger_id: `7890123456789.5432109876543.guard${++counter}`,
    view: { id: `V07GUARD${String(++counter).padStart(4, '0')}`, team_id: TEAM.id, type: 'modal', ...view, state: { values }, hash: `${counter}.h`, app_id: 'A07RVW12345', bot_id: BOT.botId },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  return sendSlackRequest(vigil.url, 'interaction', payload, SIGNING_SECRET);
}

export function tightenValues(answers: TightenAnswers): Record<string, unknown> {
  return {
    guardrails_choice: { choice: { type: 'radio_buttons', selected_option: { value: answers.choice } } },
    guardrails_pattern: { 'guardrails.pattern_preview': { type: 'plain_text_input', value: answers.pattern ?? null } },
    guardrails_reason: { reason: { type: 'plain_text_input', value: answers.reason ?? null } },
  };
}

/** POST /v1/check as the production app. */
export async function check(vigil: SlackTestVigil, body: Record<string, unknown>): Promise<Record<string, any>> {
  const response = await fetch(`${vigil.url}/v1/check`, {
    method: 'POST',
    headers: { authorization: `Bearer ${vigil.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ source: SOURCE, ...body }),
  });
  if (response.status !== 200) throw new Error(`/v1/check answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as Record<string, any>;
}

export async function registerRelease(vigil: SlackTestVigil, release: string): Promise<void> {
  const response = await fetch(`${vigil.url}/v1/releases`, {
    method: 'POST',
    headers: { authorization: `Bearer ${vigil.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ source: SOURCE, release, model: 'gpt-4o-mini', prompt_version: `p-${release}` }),
  });
  if (response.status >= 300) throw new Error(`release ${release} refused: ${response.status} ${await response.text()}`);
}

/** A grader result as the judge would have stored it for the event (the judge is not part of these tests). */
export async function storeGraderScore(vigil: SlackTestVigil, eventId: string, grader: string, score: number, createdAt = Date.now()): Promise<void> {
  const [event] = await queryDatabase<{ seq: number }>(vigil.databasePath, 'SELECT seq FROM events WHERE id = ?', eventId);
  await writeDatabase(
    vigil.databasePath,
    `INSERT INTO grader_results (event_seq, source, grader, grader_version, content_hash, score, label, reason, hijacked, cached, created_at)
     VALUES (?, ?, ?, 'v1', ?, ?, 'violation', 'e2e', 0, 0, ?)`,
    event!.seq, SOURCE, grader, `hash-${eventId}`, score, createdAt,
  );
}

export async function latestVersion(vigil: SlackTestVigil): Promise<number> {
  return (await vigil.query<{ v: number }>('SELECT max(version) AS v FROM guardrail_versions WHERE source = ?', SOURCE))[0]!.v;
}
