import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readSlackFixture } from './slack-signing.ts';

/*
 * A fake Slack Web API on a real loopback port: point `SLACK_API_URL` (or the WebClient's
 * `slackApiUrl`) at `fake.url`. It works for any HTTP client, no interception library.
 *
 * - `POST /api/<method>` is recorded as `{ method, body, at, status, ok }`; form bodies are
 *   parsed and `blocks`/`view`/`attachments`/`files`/`metadata` JSON-decoded. Every attempt is
 *   recorded, failed ones too (status 429/500, ok false).
 * - Default answers follow test/fixtures/slack/web-api-responses; `respondTo(method, fn)`
 *   replaces one. Unknown methods answer `{ ok: false, error: 'unknown_method' }`.
 * - `failNext(method, failure, times)` makes the next calls fail: 429 + Retry-After, an HTTP
 *   status, or `ok: false` with an error code. `pacePerChannelMs` answers 429 when
 *   chat.postMessage hits one channel faster than that. `holdNext(method)` keeps the next
 *   call unanswered until the returned `release()` runs (slow-Slack and timeout paths).
 * - `files.getUploadURLExternal` returns an `upload_url` on this server (recorded as
 *   `upload`); `responseUrl()` gives a response_url whose posts are recorded as `response_url`.
 * - `waitFor` is event-driven: it resolves on a matching call already recorded or the next
 *   one to arrive. Build clients with `retryConfig: { retries: 0 }`, or a 500 retries for minutes.
 */

export interface FakeSlackCall {
  method: string;
  body: Record<string, any>;
  at: number;
  status: number;
  ok: boolean;
}

export type FakeSlackFailure = { status: 429; retryAfter: number } | { status: 500 | 502 | 503 } | { error: string };
export type FakeSlackResponder = (body: Record<string, any>) => Record<string, unknown>;

export interface FakeSlackApi {
  /** Base URL for `slackApiUrl` / SLACK_API_URL, ending in `/api/`. */
  url: string;
  origin: string;
  calls(method?: string): FakeSlackCall[];
  lastCall(method: string): FakeSlackCall | undefined;
  waitFor(method: string, predicate?: (call: FakeSlackCall) => boolean, timeoutMs?: number): Promise<FakeSlackCall>;
  failNext(method: string, failure: FakeSlackFailure, times?: number): void;
  /** The next `method` call waits for `release()`; it is recorded when answered. */
  holdNext(method: string): () => void;
  respondTo(method: string, responder: FakeSlackResponder): void;
  responseUrl(name?: string): string;
  reset(): void;
  close(): Promise<void>;
}

const JSON_FIELDS = ['blocks', 'view', 'attachments', 'files', 'metadata'];

interface Waiter {
  method: string;
  matches(call: FakeSlackCall): boolean;
  resolve(call: FakeSlackCall): void;
  reject(error: Error): void;
}

export async function startFakeSlackApi(options: { pacePerChannelMs?: number; now?: () => number } = {}): Promise<FakeSlackApi> {
  const now = options.now ?? Date.now;
  let recorded: FakeSlackCall[] = [];
  let waiters: Waiter[] = [];
  let failures = new Map<string, FakeSlackFailure[]>();
  let overrides = new Map<string, FakeSlackResponder>();
  let lastPostAt = new Map<string, number>();
  let holds = new Map<string, Promise<void>[]>();
  let counter = 0;
  const nextId = (prefix: string) => `${prefix}${String(++counter).padStart(10, '0')}`;
  const nextTs = () => `${1730000000 + ++counter}.000100`;
  const dmChannels = new Map<string, string>();

  const server = createServer((req, res) => {
    readBody(req)
      .then(async (raw) => {
        await holds.get(new URL(req.url ?? '/', origin).pathname.slice('/api/'.length))?.shift();
        handle(req, res, raw);
      })
      .catch((error: Error) => reply(res, 400, { ok: false, error: 'invalid_form_data', detail: error.message }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fixtures = {
    authTest: readSlackFixture('web-api-responses/auth.test.ok.adapted.json'),
    postMessage: readSlackFixture('web-api-responses/chat.postMessage.ok.adapted.json'),
    update: readSlackFixture('web-api-responses/chat.update.ok.adapted.json'),
    viewsOpen: readSlackFixture('web-api-responses/views.open.ok.slack-docs-example.json'),
    viewsPublish: readSlackFixture('web-api-responses/views.publish.ok.slack-docs-example.json'),
    completeUpload: readSlackFixture('web-api-responses/files.completeUploadExternal.ok.node-sdk-test.json'),
  };
  const openView: FakeSlackResponder = (b) => ({ ok: true, view: { ...fixtures.viewsOpen.view, ...b.view, id: b.view_id ?? nextId('V') } });
  const defaults: Record<string, FakeSlackResponder> = {
    'auth.test': () => fixtures.authTest,
    'chat.postMessage': (b) => {
      const ts = nextTs();
      return { ...fixtures.postMessage, channel: b.channel, ts, message: { ...fixtures.postMessage.message, ts, text: b.text ?? '', blocks: b.blocks ?? [] } };
    },
    'chat.update': (b) => ({ ...fixtures.update, channel: b.channel, ts: b.ts, text: b.text ?? '', message: { ...fixtures.update.message, text: b.text ?? '', blocks: b.blocks ?? [] } }),
    'chat.postEphemeral': () => ({ ok: true, message_ts: nextTs() }),
    'views.open': openView,
    'views.push': openView,
    'views.update': openView,
    'views.publish': (b) => ({ ok: true, view: { ...fixtures.viewsPublish.view, ...b.view, id: nextId('V') } }),
    'conversations.create': (b) => ({
      ok: true,
      channel: { id: nextId('C'), name: b.name, is_channel: true, is_private: b.is_private === 'true', created: Math.floor(now() / 1000) },
    }),
    'conversations.invite': (b) => ({ ok: true, channel: { id: b.channel } }),
    'conversations.open': (b) => {
      const key = String(b.users ?? b.channel);
      if (!dmChannels.has(key)) dmChannels.set(key, nextId('D'));
      return { ok: true, channel: { id: dmChannels.get(key) } };
    },
    'usergroups.users.list': () => ({ ok: true, users: [] }),
    'users.info': (b) => ({
      ok: true,
      user: { id: b.user, name: `user-${String(b.user).toLowerCase()}`, real_name: `User ${b.user}`, tz: 'UTC', tz_offset: 0, is_bot: false, deleted: false },
    }),
    'files.getUploadURLExternal': () => {
      const fileId = nextId('F');
      return { ok: true, file_id: fileId, upload_url: `${origin}/upload/v1/${fileId}` };
    },
    'files.completeUploadExternal': (b) => ({
      ok: true,
      files: (b.files ?? []).map((file: { id: string; title?: string }) => ({ ...fixtures.completeUpload.files[0], id: file.id, title: file.title ?? '' })),
    }),
  };

  function record(call: FakeSlackCall) {
    recorded.push(call);
    for (const waiter of waiters.filter((w) => w.method === call.method && w.matches(call))) {
      waiters = waiters.filter((w) => w !== waiter);
      waiter.resolve(call);
    }
  }

  function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  }

  function handle(req: IncomingMessage, res: ServerResponse, raw: Buffer) {
    const path = new URL(req.url ?? '/', origin).pathname;
    const at = now();
    if (path.startsWith('/upload/')) {
      record({ method: 'upload', body: { bytes: raw.length, contentType: req.headers['content-type'] }, at, status: 200, ok: true });
      res.writeHead(200).end(`OK - ${raw.length}`);
      return;
    }
    if (path.startsWith('/respond/')) {
      record({ method: 'response_url', body: { ...parseBody(req, raw), path }, at, status: 200, ok: true });
      return reply(res, 200, { ok: true });
    }
    if (!path.startsWith('/api/')) return reply(res, 404, { ok: false, error: 'not_found' });
    const method = path.slice('/api/'.length);
    const body = parseBody(req, raw);
    const failure = takeFailure(method) ?? checkPace(method, body, at);
    if (failure && 'status' in failure) {
      record({ method, body, at, status: failure.status, ok: false });
      const headers: Record<string, string> = 'retryAfter' in failure ? { 'retry-after': String(failure.retryAfter) } : {};
      return reply(res, failure.status, { ok: false, error: failure.status === 429 ? 'ratelimited' : 'internal_error' }, headers);
    }
    if (failure) {
      record({ method, body, at, status: 200, ok: false });
      return reply(res, 200, { ok: false, error: failure.error });
    }
    const responder = overrides.get(method) ?? defaults[method];
    const answer = responder ? responder(body) : { ok: false, error: 'unknown_method' };
    record({ method, body, at, status: 200, ok: answer.ok === true });
    reply(res, 200, answer);
  }

  function takeFailure(method: string): FakeSlackFailure | undefined {
    const queue = failures.get(method);
    return queue?.shift();
  }

  function checkPace(method: string, body: Record<string, any>, at: number): FakeSlackFailure | undefined {
    if (!options.pacePerChannelMs || method !== 'chat.postMessage') return undefined;
    const channel = String(body.channel);
    const last = lastPostAt.get(channel);
    if (last !== undefined && at - last < options.pacePerChannelMs) {
      return { status: 429, retryAfter: Math.max(1, Math.ceil((options.pacePerChannelMs - (at - last)) / 1000)) };
    }
    lastPostAt.set(channel, at);
    return undefined;
  }

  return {
    url: `${origin}/api/`,
    origin,
    calls: (method) => recorded.filter((call) => method === undefined || call.method === method),
    lastCall: (method) => recorded.filter((call) => call.method === method).at(-1),
    waitFor(method, predicate = () => true, timeoutMs = 2000) {
      const seen = recorded.find((call) => call.method === method && predicate(call));
      if (seen) return Promise.resolve(seen);
      return new Promise<FakeSlackCall>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== waiter);
          const got = recorded.map((call) => call.method).join(', ') || 'none';
          reject(new Error(`fake Slack: no matching ${method} call within ${timeoutMs} ms (calls so far: ${got})`));
        }, timeoutMs);
        const waiter: Waiter = {
          method,
          matches: predicate,
          resolve: (call) => (clearTimeout(timer), resolve(call)),
          reject: (error) => (clearTimeout(timer), reject(error)),
        };
        waiters.push(waiter);
      });
    },
    failNext(method, failure, times = 1) {
      failures.set(method, [...(failures.get(method) ?? []), ...Array.from({ length: times }, () => failure)]);
    },
    holdNext(method) {
      let release = () => {};
      const gate = new Promise<void>((resolve) => (release = resolve));
      holds.set(method, [...(holds.get(method) ?? []), gate]);
      return release;
    },
    respondTo(method, responder) {
      overrides.set(method, responder);
    },
    responseUrl: (name = nextId('R')) => `${origin}/respond/${name}`,
    /** Forgets calls, failures, holds, overrides and pacing; ids keep counting so ts stay unique. */
    reset() {
      recorded = [];
      failures = new Map();
      overrides = new Map();
      lastPostAt = new Map();
      holds = new Map();
      dmChannels.clear();
    },
    async close() {
      for (const waiter of waiters) waiter.reject(new Error('fake Slack closed'));
      waiters = [];
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseBody(req: IncomingMessage, raw: Buffer): Record<string, any> {
  const text = raw.toString('utf8');
  if (text === '') return {};
  const type = req.headers['content-type'] ?? '';
  const fields: Record<string, any> = type.includes('application/json') ? JSON.parse(text) : Object.fromEntries(new URLSearchParams(text));
  for (const name of JSON_FIELDS) {
    if (typeof fields[name] === 'string') {
      try {
        fields[name] = JSON.parse(fields[name]);
      } catch {
        // Left as sent: a test may be checking exactly that the client sent bad JSON.
      }
    }
  }
  return fields;
}
