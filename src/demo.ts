import { createLogger } from './platform/logger.ts';
import { startDemo } from './app/demo.ts';

// `npm run demo`: Vigil and a local Slack sandbox on this machine, no credentials. Reads
// PORT (Vigil, default 3000) and VIGIL_SANDBOX_PORT (the page, default PORT + 1; any free
// port when PORT is 0).

function readPort(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) > 65535) {
    process.stderr.write(`vigil demo: ${name} must be a port number between 0 and 65535 (got ${JSON.stringify(raw)})\n`);
    process.exit(78); // EX_CONFIG, as npm start
  }
  return Number(raw);
}

const port = readPort('PORT', 3000);
const sandboxPort = readPort('VIGIL_SANDBOX_PORT', port === 0 ? 0 : port + 1);
const logLevel = process.env.LOG_LEVEL ?? 'warn';
const logger = createLogger({ level: logLevel as 'warn' });

async function main() {
  const demo = await startDemo({ logger, port, sandboxPort, trafficIntervalMs: 6_000, logLevel });
  process.stdout.write(
    `\nVigil demo is running — nothing leaves this machine.\n\n  Open the Slack sandbox:  ${demo.sandboxUrl}\n                           (or ${demo.vigilUrl}/sandbox)\n  Vigil's API:             ${demo.vigilUrl}\n\nCards arrive within seconds. Ctrl-C stops everything and deletes the demo's data.\n\n`,
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the demo…\n`);
    const timer = setTimeout(() => process.exit(1), 10_000);
    timer.unref();
    await demo.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  // `npm run` starts this under a shell; a SIGTERM sent to npm ends npm and the shell but
  // not this process, which would keep the ports and the temp data. Reparented = orphaned.
  const parent = process.ppid;
  const watchdog = setInterval(() => {
    if (process.ppid !== parent) void stop('parent exited');
  }, 250);
  watchdog.unref();
}

main().catch((error: unknown) => {
  process.stderr.write(`vigil demo: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
