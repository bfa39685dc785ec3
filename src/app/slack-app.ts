import { App, HTTPReceiver, LogLevel, SocketModeReceiver, type Logger as BoltLogger } from '@slack/bolt';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import { OUTBOX_WEB_CLIENT_OPTIONS } from '../modules/outbox/outbox-senders.worker.ts';
import type { FastifyInstance } from 'fastify';
import type { Env } from '../platform/config.ts';
import type { HealthCheck } from '../platform/health.routes.ts';
import type { Logger } from '../platform/logger.ts';

// Builds the Bolt App from config (no module singleton: features receive `app` and
// register their listeners). HTTP mode hands Bolt's own HTTPReceiver to the Fastify
// server, so signature verification stays Bolt's; Socket Mode (SLACK_APP_TOKEN) needs
// no public URL and no route.

export const SLACK_EVENTS_PATH = '/slack/events';

export type SlackMode = 'http' | 'socket';
export type SlackStatus = { enabled: true; mode: SlackMode } | { enabled: false; reason: string };

type SlackEnv = Pick<Env, 'SLACK_BOT_TOKEN' | 'SLACK_SIGNING_SECRET' | 'SLACK_APP_TOKEN' | 'SLACK_API_URL'>;

/** Says whether Slack can run and in which mode, or which variables are missing. */
export function describeSlackStatus(env: SlackEnv): SlackStatus {
  const socket = env.SLACK_APP_TOKEN !== undefined;
  // Socket Mode messages are not signed, so the signing secret is only needed over HTTP.
  const missing = [
    env.SLACK_BOT_TOKEN ? undefined : 'SLACK_BOT_TOKEN',
    socket || env.SLACK_SIGNING_SECRET ? undefined : 'SLACK_SIGNING_SECRET',
  ].filter((name) => name !== undefined);
  if (missing.length === 0) return { enabled: true, mode: socket ? 'socket' : 'http' };
  const verb = missing.length === 1 ? 'is' : 'are';
  return { enabled: false, reason: `${missing.join(' and ')} ${verb} not set (see docs/slack-setup.md)` };
}

export interface SlackAppOptions {
  env: SlackEnv;
  logger: Logger;
  /** Known bot ids skip the `auth.test` call; without them `start()` makes it once. */
  botIdentity?: { botId: string; botUserId: string };
  /** Hold the HTTP reply until listeners finish (tests, FaaS). Listeners then race the 3 s deadline. */
  processBeforeResponse?: boolean;
  /** How long an un-acked request waits before Bolt answers 404 (default 3001 ms). */
  unhandledRequestTimeoutMillis?: number;
  clientOptions?: Pick<WebClientOptions, 'retryConfig' | 'rejectRateLimitedCalls' | 'timeout'>;
  /** How long `start()` waits for Slack before Vigil serves without it (default 10 s); Slack keeps connecting. */
  startTimeoutMs?: number;
}

interface SlackAppBase {
  app: App;
  /**
   * Checks the token (auth.test, unless the bot ids were given) and, in Socket Mode, connects.
   * Rejects if that fails within `startTimeoutMs` (e.g. invalid_auth); past it, resolves and
   * lets Slack finish in the background, because the WebClient retries an unreachable Slack
   * for about 30 minutes and the API must not wait for it. Calling it again awaits the same start.
   */
  start(): Promise<void>;
  stop(): Promise<void>;
  health: HealthCheck;
}
export type SlackAppHandle = (SlackAppBase & { mode: 'http'; receiver: HTTPReceiver }) | (SlackAppBase & { mode: 'socket' });

/** The part of Bolt's ExtendedErrorHandlerArgs (not exported by the package) that is logged. */
interface ListenerErrorArgs {
  error: Error;
  body: unknown;
  context: { userId?: string; teamId?: string };
}

type Lifecycle = 'created' | 'starting' | 'ready' | 'failed' | 'stopped';

/** Returns null when Slack is not configured; `describeSlackStatus(env)` says why. */
export function createSlackApp(options: SlackAppOptions): SlackAppHandle | null {
  const { env } = options;
  const status = describeSlackStatus(env);
  if (!status.enabled) return null;
  const logger = options.logger.child({ ns: 'slack' });
  const boltLogger = createBoltLogger(logger);
  const clientOptions: WebClientOptions = {
    ...options.clientOptions,
    ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
  };

  const receiver =
    status.mode === 'socket'
      ? new SocketModeReceiver({ appToken: env.SLACK_APP_TOKEN!, logger: boltLogger, installerOptions: { clientOptions } })
      : new HTTPReceiver({
          signingSecret: env.SLACK_SIGNING_SECRET!,
          endpoints: SLACK_EVENTS_PATH,
          processBeforeResponse: options.processBeforeResponse ?? false,
          // Bolt builds a console logger for a receiver given none, even when the App has one.
          logger: boltLogger,
          ...(options.unhandledRequestTimeoutMillis ? { unhandledRequestTimeoutMillis: options.unhandledRequestTimeoutMillis } : {}),
        });
  const deferred = options.botIdentity === undefined;
  const app = new App({
    token: env.SLACK_BOT_TOKEN!,
    receiver,
    logger: boltLogger,
    clientOptions,
    extendedErrorHandler: true,
    // Without known bot ids Bolt would call auth.test inside the constructor, unawaited.
    deferInitialization: deferred,
    ...options.botIdentity,
  });
  const logListenerError = async ({ error, body, context }: ListenerErrorArgs) => {
    logger.error({ err: error, slack: summarizeSlackRequest(body, context) }, 'slack listener failed');
    // Rethrown, the receiver answers an un-acked request with 500 at once instead of a 404 after 3 s.
    throw error;
  };
  app.error(logListenerError);

  let lifecycle: Lifecycle = 'created';
  let failure: string | undefined;
  let connection = 'connecting';
  if (receiver instanceof SocketModeReceiver) {
    for (const state of ['connecting', 'connected', 'reconnecting', 'disconnecting', 'disconnected']) {
      receiver.client.on(state, () => (connection = state));
    }
  }

  let starting: Promise<void> | undefined;
  const connect = async () => {
    lifecycle = 'starting';
    try {
      if (deferred) await app.init();
      if (status.mode === 'socket') await app.start();
      if (lifecycle === 'starting') lifecycle = 'ready';
      logger.info({ mode: status.mode }, 'slack ready');
    } catch (error) {
      lifecycle = 'failed';
      failure = error instanceof Error ? error.message : String(error);
      logger.error({ err: error }, 'slack failed to start');
      throw error;
    }
  };
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;

  const base: SlackAppBase = {
    app,
    async start() {
      if (!starting) {
        starting = connect();
        // A failure after start() gave up waiting is logged and shown in /healthz, not unhandled.
        starting.catch(() => {});
      }
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), startTimeoutMs)));
      const outcome = await Promise.race([starting, timedOut]).finally(() => clearTimeout(timer));
      if (outcome === 'timeout') logger.warn({ waitedMs: startTimeoutMs }, 'slack is not ready yet; serving without it while it keeps trying');
    },
    async stop() {
      if (lifecycle === 'stopped') return;
      const wasStarted = lifecycle !== 'created';
      lifecycle = 'stopped';
      // In HTTP mode the Fastify server owns the port; only the socket (even a half-open one) needs closing.
      if (status.mode === 'socket' && wasStarted) await app.stop();
    },
    health: () => {
      if (lifecycle === 'failed') return { status: 'down', mode: status.mode, error: failure };
      if (lifecycle === 'starting') return { status: 'degraded', mode: status.mode, lifecycle };
      if (status.mode === 'socket' && lifecycle === 'ready' && connection !== 'connected') {
        return { status: 'degraded', mode: status.mode, connection };
      }
      return { status: 'ok', mode: status.mode, ...(lifecycle === 'ready' ? {} : { lifecycle }) };
    },
  };
  return receiver instanceof HTTPReceiver ? { ...base, mode: 'http', receiver } : { ...base, mode: 'socket' };
}

/** /healthz component for Slack: `off` with the reason, or the handle's own state. */
export function createSlackHealthCheck(handle: SlackAppHandle | null, env: SlackEnv): HealthCheck {
  if (handle) return handle.health;
  const status = describeSlackStatus(env);
  const reason = status.enabled ? 'not started' : status.reason;
  return () => ({ status: 'off', reason });
}

/**
 * Mounts Bolt's receiver at POST /slack/events on the shared Fastify server. The plugin is
 * encapsulated: its catch-all content-type parser leaves the body stream unread, because
 * Bolt must read the raw bytes itself to verify the signature and parse form or JSON.
 * Must be called before the server starts listening.
 */
export async function mountSlackReceiver(http: FastifyInstance, receiver: HTTPReceiver): Promise<void> {
  await http.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    scope.post(SLACK_EVENTS_PATH, (request, reply) => {
      // Fastify's onSend hooks do not run for a hijacked reply; keep the id header anyway.
      reply.raw.setHeader('x-request-id', request.id);
      reply.hijack();
      try {
        receiver.requestListener(request.raw, reply.raw);
      } catch (error) {
        // Only thrown for a path Bolt does not own, which the route above rules out.
        request.log.error({ err: error }, 'slack receiver refused the request');
        if (!reply.raw.headersSent) reply.raw.writeHead(500);
        reply.raw.end();
      }
    });
  });
}

const BOLT_LEVELS: Record<string, LogLevel> = {
  trace: LogLevel.DEBUG,
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
  fatal: LogLevel.ERROR,
  silent: LogLevel.ERROR,
};

// At debug level the WebClient dumps whole Web API bodies, which carry reviewed model output.
const BODY_DUMPS = ['http request body:', 'http request result:', 'http request headers:'];

function stringifyLogPart(part: unknown): string {
  if (typeof part === 'string') return part;
  try {
    return JSON.stringify(part) ?? String(part);
  } catch {
    return String(part);
  }
}

/** Bolt's Logger interface onto pino, so Bolt, the WebClient and Socket Mode never write to the console. */
export function createBoltLogger(logger: Logger): BoltLogger {
  const write = (level: 'debug' | 'info' | 'warn' | 'error', parts: unknown[]) => {
    const err = parts.find((part) => part instanceof Error);
    const text = parts
      .filter((part) => part !== err)
      .map(stringifyLogPart)
      .join(' ');
    if (level === 'debug' && BODY_DUMPS.some((prefix) => text.startsWith(prefix))) return;
    if (err) logger[level]({ err }, text || err.message);
    else logger[level](text);
  };
  return {
    debug: (...parts: unknown[]) => write('debug', parts),
    info: (...parts: unknown[]) => write('info', parts),
    warn: (...parts: unknown[]) => write('warn', parts),
    error: (...parts: unknown[]) => write('error', parts),
    // Bolt and every WebClient call setLevel(INFO) on the logger they share; LOG_LEVEL stays in charge.
    setLevel: () => {},
    getLevel: () => BOLT_LEVELS[logger.level] ?? LogLevel.INFO,
    // Each WebClient renames the shared logger; the pino namespace already says "slack".
    setName: () => {},
  };
}

/** Ids only: bodies carry reviewed model output, which never goes to the logs. */
function summarizeSlackRequest(body: unknown, context: { userId?: string; teamId?: string }): Record<string, unknown> {
  const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const pick = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {});
  const action = pick(Array.isArray(record.actions) ? record.actions[0] : undefined);
  return {
    type: record.type ?? (record.command ? 'slash_command' : undefined),
    command: record.command,
    actionId: action.action_id,
    callbackId: pick(record.view).callback_id,
    eventType: pick(record.event).type,
    userId: context.userId,
    teamId: context.teamId,
  };
}

/**
 * The outbox sends with its own client: a 429 rejects at once with its Retry-After (Bolt's
 * client would stall its whole queue), and the outbox owns the retries.
 */
export function createOutboxSlackClient(env: Pick<Env, 'SLACK_BOT_TOKEN' | 'SLACK_API_URL'>, logger: Logger): WebClient {
  return new WebClient(env.SLACK_BOT_TOKEN, {
    ...OUTBOX_WEB_CLIENT_OPTIONS,
    logger: createBoltLogger(logger.child({ ns: 'outbox' })),
    ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
  });
}
