// secretlint's recommended preset, run programmatically on one view's text. Its findings become
// SecretHits with a stable snake_case kind per message id.

import { lintSource } from '@secretlint/core';
import { secretLintProfiler } from '@secretlint/profiler';
import { rules as recommendedRules } from '@secretlint/secretlint-rule-preset-recommend';
import { isProviderPlaceholder, type SecretHit } from './secrets-patterns.models.ts';

type SecretlintConfig = Parameters<typeof lintSource>[0]['options']['config'];
type SecretlintMessage = Awaited<ReturnType<typeof lintSource>>['messages'][number];

// secretlint marks every rule of every lint on the global performance timeline and its
// profiler keeps every entry: in a long-running server that is unbounded memory and about
// a quarter of the detector thread's CPU. Vigil never reads the profile.
secretLintProfiler.mark = () => undefined;

const AWS_RULE_ID = '@secretlint/secretlint-rule-aws';
// The comment filter honours `secretlint-disable` comments. Event text is attacker-controlled,
// so a comment in it must not switch detection off.
const FILTER_COMMENTS_RULE_ID = '@secretlint/secretlint-rule-filter-comments';

const CONFIG: SecretlintConfig = {
  rules: recommendedRules
    .filter((rule) => rule.meta.id !== FILTER_COMMENTS_RULE_ID)
    // Access key ids (AKIA…) are off by default because repositories hold many harmless ones;
    // in a chat transcript an access key id next to its secret is the leak itself.
    .map((rule) => ({ id: rule.meta.id, rule, options: rule.meta.id === AWS_RULE_ID ? { enableIDScanRule: true } : {} })),
};

// A plain-text name keeps the file-type rules quiet: the npm rule's `_authToken=` and
// `x-oauth-basic` checks only run for .npmrc / package.json, the GCP rule only for .json / .p12
// (the generic assignment and URL patterns cover those cases in chat text). Their message ids
// are therefore not in the table below; an unknown id still gets a snake_case kind.
const SOURCE_NAME = 'event.txt';

const WINDOW_STRIDE = 8192;
const WINDOW_OVERLAP = 1536;
const PEM_BEGIN = '-----BEGIN';
const PEM_END = '-----END';
/** Room for the rest of an END line, e.g. `-----END OPENSSH PRIVATE KEY-----`. */
const PEM_END_LINE = 64;
/** The preset's PEM rule accepts up to 10,000 characters of key body. */
const MAX_PEM_LENGTH = 10_200;

const KIND_BY_MESSAGE_ID: Readonly<Record<string, string>> = {
  AWSAccessKeyID: 'aws_access_key_id',
  AWSSecretAccessKey: 'aws_secret_access_key',
  AWSAccountID: 'aws_account_id',
  PrivateKey: 'private_key',
  NPM_ACCESS_TOKEN: 'npm_access_token',
  BasicAuth: 'basic_auth_url',
  SLACK_TOKEN: 'slack_token',
  IncomingWebhook: 'slack_webhook_url',
  SENDGRID_KEY: 'sendgrid_api_key',
  SHOPIFY_KEY: 'shopify_token',
  GITHUB_TOKEN: 'github_token',
  GITLAB_PERSONAL_ACCESS_TOKEN: 'gitlab_token',
  GRAFANA_CLOUD_API_TOKEN: 'grafana_token',
  GRAFANA_SERVICE_ACCOUNT_TOKEN: 'grafana_token',
  OPENAI_TOKEN: 'openai_api_key',
  ANTHROPIC_API_KEY: 'anthropic_api_key',
  GROQ_API_KEY: 'groq_api_key',
  HUGGINGFACE_USER_ACCESS_TOKEN: 'huggingface_token',
  LINEAR_API_TOKEN: 'linear_api_key',
  NOTION_INTEGRATION_TOKEN: 'notion_token',
  OPS_TOKEN: 'onepassword_service_account_token',
  MongoDBConnection: 'mongodb_connection_string',
  MySQLConnection: 'mysql_connection_string',
  PostgreSQLConnection: 'postgresql_connection_string',
  HASHICORP_VAULT_SERVICE_TOKEN: 'vault_token',
  HASHICORP_VAULT_BATCH_TOKEN: 'vault_token',
  HASHICORP_VAULT_RECOVERY_TOKEN: 'vault_token',
  VERCEL_PERSONAL_ACCESS_TOKEN: 'vercel_token',
  VERCEL_INTEGRATION_TOKEN: 'vercel_token',
  VERCEL_APP_ACCESS_TOKEN: 'vercel_token',
  VERCEL_APP_REFRESH_TOKEN: 'vercel_token',
  VERCEL_AI_GATEWAY_API_KEY: 'vercel_token',
  DATABRICKS_PERSONAL_ACCESS_TOKEN: 'databricks_token',
  DOCKER_PERSONAL_ACCESS_TOKEN: 'docker_token',
  FIGMA_PERSONAL_ACCESS_TOKEN: 'figma_token',
};

const CAMEL_BOUNDARY = /([a-z0-9])([A-Z])/g;
const NON_WORD = /[^a-z0-9]+/g;

/** Kinds the preset can report here (each has fixtures). */
export const SECRETLINT_KINDS: readonly string[] = [...new Set(Object.values(KIND_BY_MESSAGE_ID))];

/** The preset's raw messages for `text` (exported so tests can check the prefilter against them). */
export async function runSecretlint(text: string): Promise<SecretlintMessage[]> {
  const result = await lintSource({
    source: { content: text, filePath: SOURCE_NAME, ext: '.txt', contentType: 'text' },
    options: { config: CONFIG, locale: 'en', noPhysicFilePath: true },
  });
  return result.messages;
}

/** Runs the preset on `text` and returns its findings, with spans that cover the secret itself. */
export async function findWithSecretlint(text: string): Promise<SecretHit[]> {
  const hits: SecretHit[] = [];
  for (const [start, end] of listWindows(text)) {
    const window = text.slice(start, end);
    for (const message of await runSecretlint(window)) {
      const found = toHit(window, message);
      // `xoxb-your-token-here`: a template, reported as a placeholder at info.
      const placeholder = isProviderPlaceholder(window.slice(found.start, found.end));
      hits.push({ ...found, ...(placeholder ? { kind: 'placeholder_credential', score: 0.3, severity: 'info' as const, priority: 0 } : {}), start: found.start + start, end: found.end + start });
    }
  }
  return hits;
}

/**
 * secretlint de-duplicates its messages with nested scans, so its cost grows with the square of
 * the findings: a text stuffed with thousands of keys would stall ingest for seconds. Long texts
 * are scanned in windows that overlap by more than the longest one-line secret the preset
 * matches (1Password tokens, ~1.3 KB) and are stretched so no PEM block is cut in two. A secret
 * seen by two windows is reported twice and merged by the detector.
 */
function listWindows(text: string): Array<[number, number]> {
  if (text.length <= WINDOW_STRIDE + WINDOW_OVERLAP) return [[0, text.length]];
  const windows: Array<[number, number]> = [];
  for (let start = 0; start < text.length; start += WINDOW_STRIDE) {
    let end = Math.min(text.length, start + WINDOW_STRIDE + WINDOW_OVERLAP);
    const begin = text.lastIndexOf(PEM_BEGIN, end);
    const close = begin >= start ? text.indexOf(PEM_END, begin) : -1;
    if (close >= end - PEM_END_LINE && close - begin <= MAX_PEM_LENGTH) end = Math.min(text.length, close + PEM_END_LINE);
    windows.push([start, end]);
    if (end === text.length) break;
  }
  return windows;
}

function toHit(text: string, message: SecretlintMessage): SecretHit {
  const kind = KIND_BY_MESSAGE_ID[message.messageId] ?? toSnakeCase(message.messageId);
  const { start, end } = anchorRange(text, message);
  // An AWS account id identifies an account but grants no access on its own.
  if (kind === 'aws_account_id') return { kind, start, end, score: 0.6, severity: 'warn', priority: 3 };
  return { kind, start, end, score: 1, severity: 'critical', priority: 3 };
}

/**
 * Some rules report the start of the whole match with the length of the captured secret
 * (`AWS_SECRET_ACCESS_KEY = "…"` points at the variable name). The message data carries the
 * secret itself, so the range is re-anchored on it when the two disagree.
 */
function anchorRange(text: string, message: SecretlintMessage): { start: number; end: number } {
  const [start, end] = message.range;
  const data: Record<string, unknown> = message.data ?? {};
  const secret = Object.values(data).find((value): value is string => typeof value === 'string' && value.length > 0);
  if (secret === undefined || text.slice(start, end) === secret) return { start, end };
  const at = text.indexOf(secret, start);
  return at === -1 ? { start, end } : { start: at, end: at + secret.length };
}

function toSnakeCase(id: string): string {
  return id.replace(CAMEL_BOUNDARY, '$1_$2').toLowerCase().replace(NON_WORD, '_');
}
