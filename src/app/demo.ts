import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiKeysRepository } from '../modules/api-keys/api-keys.repository.ts';
import { createApiKey } from '../modules/api-keys/api-keys.usecases.ts';
import { buildDemoSourcesYaml, DEMO_BOT, DEMO_SOURCE, DEMO_WORKSPACE } from '../modules/sandbox/sandbox-demo.config.ts';
import { buildDriftedEvents, buildHistory } from '../modules/sandbox/sandbox-traffic.models.ts';
import { postDemoEvents, startTraffic } from '../modules/sandbox/sandbox-traffic.usecases.ts';
import { startSandbox } from '../modules/sandbox/sandbox.module.ts';
import { openDatabase } from '../platform/db.ts';
import type { Logger } from '../platform/logger.ts';
import { systemClock } from '../shared/clock.ts';
import { parseConfig } from './config.ts';
import { createVigilApp, type VigilApp } from './vigil-app.ts';

// `npm run demo`: the local Slack sandbox first (so its URL is known), then Vigil on a
// temporary SQLite file pointed at it through SLACK_API_URL, then the demo's production
// app sending events through the public API. Nothing needs a credential or the network.

export interface DemoOptions {
  logger: Logger;
  /** Vigil's port (0: any free one). */
  port: number;
  /** The sandbox page's port (0: any free one). */
  sandboxPort: number;
  /** Milliseconds between live events after the opening batch; 0: the opening batch only. */
  trafficIntervalMs: number;
  /** Three weeks of past traffic for the digest and drift (a second or two at start). */
  history?: boolean;
  logLevel?: string;
}

export interface Demo {
  vigilUrl: string;
  /** The page: `${sandboxUrl}` opens the review channel. */
  sandboxUrl: string;
  app: VigilApp;
  /** Resolves once the opening events are accepted. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export async function startDemo(options: DemoOptions): Promise<Demo> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-demo-'));
  const configPath = join(dir, 'vigil.config.yaml');
  writeFileSync(configPath, buildDemoSourcesYaml());
  const signingSecret = randomBytes(16).toString('hex');
  const sandbox = await startSandbox({ seed: DEMO_WORKSPACE, signingSecret, logger: options.logger, port: options.sandboxPort }).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  let app: VigilApp | undefined;
  try {
    const config = parseConfig({
      PORT: String(options.port),
      HOST: '127.0.0.1',
      DATABASE_URL: join(dir, 'vigil.db'),
      DATABASE_SYNCHRONOUS: 'normal',
      VIGIL_CONFIG: configPath,
      LOG_LEVEL: options.logLevel ?? 'warn',
      SLACK_BOT_TOKEN: 'xoxb-sandbox-demo',
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: sandbox.apiUrl,
    });
    // Known bot ids skip auth.test; schedules stay off so the digest and drift run when the page asks.
    app = await createVigilApp(config, { logger: options.logger, slack: { botIdentity: { botId: DEMO_BOT.id, botUserId: DEMO_BOT.userId } }, schedules: false, detectorWorkers: 0 });
    const apiKey = await createDemoKey(config.env.DATABASE_URL);
    const sandboxUrl = `${sandbox.origin}/sandbox#${DEMO_WORKSPACE.channels[0]!.id}`;
    // Only in the demo: Vigil's own port sends a browser on to the sandbox page.
    app.http.get('/sandbox', (_request, reply) => reply.redirect(sandboxUrl));
    const vigilUrl = await app.listen();
    sandbox.connect(vigilUrl);
    const traffic = startTraffic({ vigilUrl, apiKey, logger: options.logger, intervalMs: options.trafficIntervalMs });
    const running = app;
    const history = options.history === false ? Promise.resolve() : traffic.opening.then(() => postDemoEvents({ vigilUrl, apiKey }, buildHistory(Date.now(), 420)));
    sandbox.setDemoActions({
      digest: async () => {
        await history;
        const outcome = await running.runTask(`digest:${DEMO_SOURCE}`);
        return outcome === 'ok' ? "Last week's digest is in #ai-weekly and in Dana's DMs (sent once per week)." : 'The digest failed; see the log.';
      },
      drift: async () => {
        await history;
        await postDemoEvents({ vigilUrl, apiKey }, buildDriftedEvents(Date.now(), 120));
        const outcome = await running.runTask('monitoring.drift');
        return outcome === 'ok' ? 'Sent 120 longer answers on prompt v13 and ran the drift check: see #ai-review.' : 'The drift check failed; see the log.';
      },
      burst: async () => {
        await traffic.burst(6);
        return 'Sent 6 more events.';
      },
    });
    let stopped = false;
    return {
      vigilUrl,
      sandboxUrl,
      app: running,
      ready: traffic.opening,
      async stop() {
        if (stopped) return;
        stopped = true;
        traffic.stop();
        await history.catch(() => {});
        await running.stop();
        await sandbox.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await app?.stop();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

async function createDemoKey(databaseUrl: string): Promise<string> {
  const database = openDatabase({ url: databaseUrl });
  try {
    const repository = createApiKeysRepository({ db: database.db });
    const { secret } = await createApiKey({ apiKeysRepository: repository, clock: systemClock }, { name: 'demo traffic', sources: [DEMO_SOURCE], scopes: ['ingest'], actor: 'demo', knownSources: [DEMO_SOURCE] });
    return secret;
  } finally {
    await database.close();
  }
}
