import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

/*
 * Signed requests into Bolt's real receiver, exactly as Slack sends them.
 *
 * - Signature: `v0=` + HMAC-SHA256(secret, `v0:${timestampSec}:${rawBody}`) over the raw
 *   body bytes; Bolt rejects (401) a bad signature or a timestamp older than 5 minutes.
 * - Slash commands are flat form fields; interactions (block_actions, view_submission…) are
 *   one form field `payload=<JSON>`; the Events API (and url_verification) is a JSON body.
 * - Trap: Bolt parses a form only when content-type is exactly
 *   `application/x-www-form-urlencoded`. With `; charset=utf-8` appended it falls back to
 *   JSON.parse and answers 400, so never add a charset here.
 *
 * Typical use, with the server built by createSlackApp + mountSlackReceiver:
 *   const { status, body } = await sendSlackRequest(url, 'interaction', payload, SECRET);
 */

export type SlackRequestKind = 'command' | 'interaction' | 'event';

export const SLACK_FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';
export const SLACK_JSON_CONTENT_TYPE = 'application/json';

export const SLACK_FIXTURES_DIR = new URL('../fixtures/slack/', import.meta.url);

/** Reads a JSON fixture from test/fixtures/slack (provenance in its README). */
export function readSlackFixture<T = Record<string, any>>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, SLACK_FIXTURES_DIR), 'utf8')) as T;
}

/** Reads a slash-command form fixture into its fields, so a test can override some. */
export function readSlashCommandFixture(name: string, overrides: Record<string, string> = {}): Record<string, string> {
  const text = readFileSync(new URL(name, SLACK_FIXTURES_DIR), 'utf8').trim();
  return { ...Object.fromEntries(new URLSearchParams(text)), ...overrides };
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * Headers Slack would send with `rawBody`. The content type follows the body: a JSON object
 * is the Events API, anything else is a form. Pass `contentType` only to test a trap.
 */
export function signSlackRequest(
  rawBody: string,
  secret: string,
  timestampSec: number = nowSeconds(),
  contentType: string = rawBody.trimStart().startsWith('{') ? SLACK_JSON_CONTENT_TYPE : SLACK_FORM_CONTENT_TYPE,
): Record<string, string> {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestampSec}:${rawBody}`).digest('hex')}`;
  return {
    'content-type': contentType,
    'x-slack-request-timestamp': String(timestampSec),
    'x-slack-signature': signature,
  };
}

/** `payload=<urlencoded JSON>`, the form body of every interaction. */
export function buildInteractionBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** Flat form fields, spaces as `+`, as Slack encodes slash commands. */
export function buildSlashCommandBody(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

export function buildSlackBody(kind: SlackRequestKind, payload: unknown): string {
  if (kind === 'event') return JSON.stringify(payload);
  if (kind === 'interaction') return buildInteractionBody(payload);
  return buildSlashCommandBody(payload as Record<string, string>);
}

export interface SendSlackRequestOptions {
  timestampSec?: number;
  contentType?: string;
  /** Overrides the computed signature (e.g. to send a forged one). */
  signature?: string;
  headers?: Record<string, string>;
  path?: string;
}

/** POSTs a signed request to `${baseUrl}/slack/events`; `body` is parsed JSON, the text, or '' when empty. */
export async function sendSlackRequest(
  baseUrl: string,
  kind: SlackRequestKind,
  payload: unknown,
  secret: string,
  options: SendSlackRequestOptions = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const rawBody = buildSlackBody(kind, payload);
  const headers = signSlackRequest(rawBody, secret, options.timestampSec, options.contentType);
  if (options.signature !== undefined) headers['x-slack-signature'] = options.signature;
  const response = await fetch(`${baseUrl.replace(/\/$/, '')}${options.path ?? '/slack/events'}`, {
    method: 'POST',
    headers: { ...headers, ...options.headers },
    body: rawBody,
  });
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.includes('application/json') && text !== '';
  return { status: response.status, body: isJson ? JSON.parse(text) : text, headers: response.headers };
}
