import type { ProbeTarget } from './monitoring.config.ts';
import type { ChatMessage, Probe } from './probes.models.ts';

// How a probe becomes an HTTP request to the app's probe target, and where the answer is in
// the response. Placeholders are filled inside the parsed template's strings, never by
// pasting text into JSON, so a probe full of quotes and braces cannot change the request's
// shape. Secrets come from environment variables named in the config.

export interface TargetRequest {
  url: string;
  method: 'POST' | 'PUT';
  headers: Record<string, string>;
  body: string;
  responsePath: string;
}

export const OPENAI_RESPONSE_PATH = 'choices.0.message.content';

export class ProbeSetupError extends Error {
  override name = 'ProbeSetupError';
}

/** The last user turn, with any supplied context placed before it (as a pasted document would be). */
export function composeUserPrompt(probe: Pick<Probe, 'messages' | 'context'>): string {
  const last = probe.messages[probe.messages.length - 1]?.content ?? '';
  return probe.context === undefined ? last : `${probe.context}\n\n${last}`;
}

function withContext(probe: Pick<Probe, 'messages' | 'context'>): ChatMessage[] {
  if (probe.context === undefined) return probe.messages;
  return [...probe.messages.slice(0, -1), { role: 'user', content: composeUserPrompt(probe) }];
}

function readHeaders(headersEnv: Record<string, string>, readSecret: (name: string) => string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [header, env] of Object.entries(headersEnv)) {
    const value = readSecret(env);
    if (!value) throw new ProbeSetupError(`environment variable ${env} (header ${header}) is not set`);
    headers[header] = value;
  }
  return headers;
}

export function buildTargetRequest(target: ProbeTarget, probe: Pick<Probe, 'messages' | 'context'>, readSecret: (name: string) => string | undefined): TargetRequest {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (target.kind === 'openai_chat') {
    if (target.api_key_env) {
      const key = readSecret(target.api_key_env);
      if (!key) throw new ProbeSetupError(`environment variable ${target.api_key_env} (api_key_env) is not set`);
      headers.authorization = `Bearer ${key}`;
    }
    const system: ChatMessage[] = target.system_prompt ? [{ role: 'system', content: target.system_prompt }] : [];
    return {
      url: `${target.base_url.replace(/\/+$/, '')}/chat/completions`,
      method: 'POST',
      headers: { ...headers, ...readHeaders(target.headers_env, readSecret) },
      body: JSON.stringify({ model: target.model, messages: [...system, ...withContext(probe)] }),
      responsePath: OPENAI_RESPONSE_PATH,
    };
  }
  const usesContext = JSON.stringify(target.request_template).includes('{{context}}');
  const values = {
    prompt: usesContext ? (probe.messages[probe.messages.length - 1]?.content ?? '') : composeUserPrompt(probe),
    context: probe.context ?? '',
    messages: withContext(probe),
  };
  return {
    url: target.url,
    method: target.method,
    headers: { ...headers, ...target.headers, ...readHeaders(target.headers_env, readSecret) },
    body: JSON.stringify(fillTemplate(target.request_template, values)),
    responsePath: target.response_path,
  };
}

/** A string that is exactly `{{messages}}` becomes the message list; `{{prompt}}` and `{{context}}` are replaced inside strings. */
export function fillTemplate(template: unknown, values: { prompt: string; context: string; messages: ChatMessage[] }): unknown {
  if (typeof template === 'string') {
    if (template === '{{messages}}') return values.messages;
    return template.replace(/\{\{(prompt|context)\}\}/g, (_, name: 'prompt' | 'context') => values[name]);
  }
  if (Array.isArray(template)) return template.map((item) => fillTemplate(item, values));
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([key, value]) => [key, fillTemplate(value, values)]));
  }
  return template;
}

/** Follows `choices.0.message.content` into a parsed JSON body; the answer must be a string. */
export function readResponsePath(body: unknown, path: string): string {
  let value: unknown = body;
  for (const part of path.split('.')) {
    if (Array.isArray(value) && /^\d+$/.test(part) && Number(part) < value.length) value = value[Number(part)];
    else if (value !== null && typeof value === 'object' && Object.hasOwn(value, part)) value = (value as Record<string, unknown>)[part];
    else throw new ProbeSetupError(`response has nothing at ${path} (stopped at "${part}")`);
  }
  if (typeof value !== 'string') throw new ProbeSetupError(`response value at ${path} is ${value === null ? 'null' : typeof value}, not a string`);
  return value;
}
