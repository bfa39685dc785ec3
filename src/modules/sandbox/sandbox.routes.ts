import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { resolveEmojiIn } from './sandbox-emoji.models.ts';
import { performAct, respondTo, type InteractionsDeps } from './sandbox-interactions.usecases.ts';
import { callWebApi } from './sandbox-web-api.usecases.ts';
import { describeWorkspaceFor } from './sandbox-workspace.models.ts';
import { pageActSchema } from './sandbox.schemas.ts';

// The sandbox's HTTP surface: the Slack Web API Vigil calls (`/api/<method>`, what
// SLACK_API_URL points at), the upload and response_url endpoints Slack hands out, and
// the page with its state feed and its "act as" endpoint.

const PAGE_FILES: Record<string, { file: string; type: string }> = {
  '/sandbox': { file: 'sandbox.html', type: 'text/html; charset=utf-8' },
  '/sandbox/app.js': { file: 'sandbox-page.js', type: 'text/javascript; charset=utf-8' },
  '/sandbox/render.js': { file: 'sandbox-render.js', type: 'text/javascript; charset=utf-8' },
  '/sandbox/app.css': { file: 'sandbox.css', type: 'text/css; charset=utf-8' },
};

/** Hooks the page's demo buttons call (send the digest, raise a drift alert…); each answers one line. */
export type DemoActions = Record<string, () => Promise<string>>;

export interface SandboxRoutesDeps extends InteractionsDeps {
  demoActions: DemoActions;
  /** Resolves the page's long poll early when the workspace changes. */
  waitForChange(since: number, timeoutMs: number): Promise<void>;
}

export function registerSandboxRoutes(http: FastifyInstance, deps: SandboxRoutesDeps): void {
  const { workspace } = deps;

  http.post<{ Params: { method: string } }>('/api/:method', async (request) => {
    // The WebClient sends the bot token as a bearer header; Slack answers not_authed without one.
    if (!/^Bearer xoxb-/.test(request.headers.authorization ?? '') && !(request.body as Record<string, unknown> | undefined)?.token) {
      return { ok: false, error: 'not_authed' };
    }
    return callWebApi(deps, request.params.method, (request.body ?? {}) as Record<string, any>);
  });

  http.post<{ Params: { id: string } }>('/sandbox/upload/:id', async (request, reply) => {
    const upload = workspace.uploads[request.params.id];
    if (!upload) return reply.code(404).send('file not found');
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.from(String(request.body ?? ''));
    const contentType = request.headers['content-type'] ?? '';
    // The WebClient posts the bytes as a multipart form (one file field); Slack takes either.
    if (contentType.startsWith('multipart/form-data')) {
      const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
      const file = [...form.values()].find((value) => typeof value !== 'string');
      if (!file || typeof file === 'string') return reply.code(400).send('no file in the form');
      upload.bytes = Buffer.from(await file.arrayBuffer());
    } else {
      upload.bytes = raw;
      upload.mimetype = contentType;
    }
    return reply.type('text/plain').send(`OK - ${upload.bytes.length}`);
  });

  http.get<{ Params: { id: string } }>('/sandbox/files/:id', async (request, reply) => {
    const file = workspace.fileBytes[request.params.id];
    if (!file) return reply.code(404).send('file not found');
    return reply.type(file.mimetype).send(file.bytes);
  });

  http.post<{ Params: { id: string } }>('/sandbox/respond/:id', async (request, reply) => {
    const target = deps.responseUrls.get(request.params.id);
    if (!target) return reply.code(404).send({ ok: false, error: 'expired_url' });
    const body = typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, any>) : {};
    return respondTo(deps, target, body);
  });

  for (const [path, page] of Object.entries(PAGE_FILES)) {
    const content = readFileSync(new URL(`./page/${page.file}`, import.meta.url), 'utf8');
    http.get(path, async (_request, reply) => reply.type(page.type).header('cache-control', 'no-store').send(content));
  }

  http.get<{ Querystring: { as?: string; since?: string } }>('/sandbox/state', async (request, reply) => {
    const user = request.query.as ?? workspace.users[0]?.id ?? '';
    const since = Number(request.query.since ?? -1);
    if (Number.isFinite(since) && since >= workspace.version) await deps.waitForChange(since, 20_000);
    const state = describeWorkspaceFor(workspace, user);
    const json = JSON.stringify({ ...state, demoActions: Object.keys(deps.demoActions) });
    const emoji = resolveEmojiIn(json);
    return reply.type('application/json; charset=utf-8').header('cache-control', 'no-store').send(`${json.slice(0, -1)},"emoji":${JSON.stringify(emoji)}}`);
  });

  http.post('/sandbox/act', async (request, reply) => {
    const parsed = pageActSchema.safeParse(request.body);
    if (!parsed.success) return reply.code(400).send({ ok: false, error: 'invalid_request', detail: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') });
    const outcome = await performAct(deps, parsed.data);
    return reply.code(outcome.ok ? 200 : 422).send(outcome);
  });

  http.post<{ Params: { name: string } }>('/sandbox/demo/:name', async (request, reply) => {
    const action = Object.hasOwn(deps.demoActions, request.params.name) ? deps.demoActions[request.params.name] : undefined;
    if (!action) return reply.code(404).send({ ok: false, error: 'unknown_demo_action' });
    return { ok: true, message: await action() };
  });
}
