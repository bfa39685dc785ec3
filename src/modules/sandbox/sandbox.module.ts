import Fastify from 'fastify';
import type { Logger } from '../../platform/logger.ts';
import type { ResponseTarget } from './sandbox-interactions.usecases.ts';
import { registerSandboxRoutes, type DemoActions } from './sandbox.routes.ts';
import { createWorkspace, type SandboxWorkspace, type WorkspaceSeed } from './sandbox-workspace.models.ts';

// A local Slack for `npm run demo` and the browser tests: the Web API Vigil calls, and a
// page that renders what Vigil posted and sends Vigil signed clicks. It listens on
// loopback only and is started only by the demo (or VIGIL_SANDBOX=1); production Vigil
// never mounts it.

export interface SandboxOptions {
  seed: WorkspaceSeed;
  /** The signing secret Vigil verifies requests with (SLACK_SIGNING_SECRET). */
  signingSecret: string;
  logger: Logger;
  /** Default 0: any free port. */
  port?: number;
  demoActions?: DemoActions;
  now?: () => number;
}

export interface Sandbox {
  /** Base URL of the sandbox server; the page is `${origin}/sandbox`. */
  origin: string;
  /** What SLACK_API_URL must be for Vigil to talk to this sandbox. */
  apiUrl: string;
  workspace: SandboxWorkspace;
  /** Where signed requests go once Vigil listens. */
  connect(vigilUrl: string): void;
  setDemoActions(actions: DemoActions): void;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const logger = options.logger.child({ ns: 'sandbox' });
  const workspace = createWorkspace(options.seed);
  const http = Fastify({ logger: false, bodyLimit: 20 * 1024 * 1024, forceCloseConnections: true });
  // Form bodies (the WebClient's default) and raw uploads; JSON is Fastify's own parser.
  http.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    const fields: Record<string, unknown> = Object.fromEntries(new URLSearchParams(String(body)));
    for (const name of ['blocks', 'view', 'attachments', 'files', 'metadata']) {
      if (typeof fields[name] === 'string') {
        try {
          fields[name] = JSON.parse(fields[name]);
        } catch {
          // Left as sent: Slack would answer invalid_blocks; the method sees the string.
        }
      }
    }
    done(null, fields);
  });
  http.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  // Loopback only, even if someone binds it wider: the page acts as any user.
  http.addHook('onRequest', async (request, reply) => {
    if (!LOOPBACK.has(request.socket.remoteAddress ?? '')) return reply.code(403).send('The Vigil sandbox answers on loopback only.');
  });
  http.setErrorHandler((error, _request, reply) => {
    logger.error({ err: error }, 'sandbox request failed');
    void reply.code(500).send({ ok: false, error: 'internal_error' });
  });

  let vigilUrl: string | null = null;
  let demoActions: DemoActions = options.demoActions ?? {};
  let waiters: (() => void)[] = [];
  let lastVersion = workspace.version;
  // The page long-polls; one timer wakes it whenever the workspace changed.
  const ticker = setInterval(() => {
    if (workspace.version === lastVersion) return;
    lastVersion = workspace.version;
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  }, 50);
  ticker.unref();

  const origin = await (async () => {
    registerSandboxRoutes(http, {
      workspace,
      now: options.now ?? Date.now,
      get origin() {
        return origin;
      },
      triggers: new Map<string, string>(),
      signingSecret: options.signingSecret,
      vigilUrl: () => vigilUrl,
      responseUrls: new Map<string, ResponseTarget>(),
      get demoActions() {
        return demoActions;
      },
      waitForChange: (since, timeoutMs) =>
        new Promise<void>((resolve) => {
          if (workspace.version > since) return resolve();
          const timer = setTimeout(done, timeoutMs);
          function done() {
            clearTimeout(timer);
            waiters = waiters.filter((waiter) => waiter !== done);
            resolve();
          }
          waiters.push(done);
        }),
    });
    const address = await http.listen({ host: '127.0.0.1', port: options.port ?? 0 });
    return address.replace('[::1]', '127.0.0.1');
  })();
  logger.info({ url: `${origin}/sandbox` }, 'slack sandbox listening');

  return {
    origin,
    apiUrl: `${origin}/api/`,
    workspace,
    connect: (url) => void (vigilUrl = url),
    setDemoActions: (actions) => void (demoActions = actions),
    async close() {
      clearInterval(ticker);
      for (const wake of waiters) wake();
      await http.close();
    },
  };
}
