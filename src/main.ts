import { existsSync } from 'node:fs';
import { ConfigError } from './platform/config.ts';
import { parseConfig } from './app/config.ts';
import { createLogger } from './platform/logger.ts';
import { createVigilApp } from './app/vigil-app.ts';

// Composition root: the only place that reads process.env.

if (existsSync('.env')) process.loadEnvFile('.env');

async function main() {
  const config = parseConfig(process.env);
  const logger = createLogger({ level: config.env.LOG_LEVEL });
  if (config.configMissing) logger.warn({ configPath: config.configPath }, 'config file not found; starting with no sources');

  const app = await createVigilApp(config, { logger });
  const address = await app.listen();
  logger.info({ address }, 'vigil listening');

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.env.SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    // server.close() only drops connections idle at this moment; a keep-alive client
    // whose batch finishes during the drain would hold the process until the timeout.
    // From now on a connection is closed about a second after its last response.
    app.http.server.keepAliveTimeout = 1;
    await app.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  // A bad setting (found while parsing, or only when used, such as a DATABASE_URL that
  // cannot be opened) is one line naming it, and exit 78 (EX_CONFIG): no restart loop helps.
  if (error instanceof ConfigError) {
    process.stderr.write(`vigil: ${error.message}\n`);
    process.exit(78);
  }
  process.stderr.write(`vigil: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
