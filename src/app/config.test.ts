import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTempDir } from '../../test/helpers/temp-dir.ts';
import { killVigilProcesses, runVigilCommand } from '../../test/helpers/vigil-process.ts';
import { ConfigError, DEFAULT_POOL_SIZE, parseEnv } from '../platform/config.ts';
import { parseConfig, parseSourcesFile } from './config.ts';

function configErrorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('expected a ConfigError, but the config was accepted');
}

describe('parseEnv', () => {
  it('gives every process setting its default and leaves integrations off', () => {
    expect(parseEnv({})).toEqual({
      PORT: 3000,
      HOST: '0.0.0.0',
      DATABASE_URL: './data/vigil.db',
      DATABASE_SYNCHRONOUS: 'full',
      DATABASE_POOL_SIZE: DEFAULT_POOL_SIZE,
      DATABASE_STATEMENT_TIMEOUT_MS: 30_000,
      DETECTOR_QUEUE_MB: 32,
      DETECTOR_WORKER_HEAP_MB: 128,
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: 25_000,
      REQUEST_TIMEOUT_MS: 30_000,
      VIGIL_TIMEZONE: 'UTC',
    });
  });

  it('reads valid values', () => {
    const env = parseEnv({ PORT: '8080', LOG_LEVEL: 'debug', VIGIL_TIMEZONE: 'Europe/Paris', SLACK_BOT_TOKEN: 'xoxb-1-2', SLACK_APP_TOKEN: 'xapp-1' });
    expect(env).toMatchObject({ PORT: 8080, LOG_LEVEL: 'debug', VIGIL_TIMEZONE: 'Europe/Paris', SLACK_BOT_TOKEN: 'xoxb-1-2', SLACK_APP_TOKEN: 'xapp-1' });
  });

  it('treats empty values as unset, so `SLACK_BOT_TOKEN=` in a .env file means off', () => {
    const env = parseEnv({ PORT: '', LOG_LEVEL: '', VIGIL_TIMEZONE: '', SLACK_BOT_TOKEN: '', OPENAI_API_KEY: '', VIGIL_CONFIG: '' });
    expect(env).toMatchObject({ PORT: 3000, LOG_LEVEL: 'info', VIGIL_TIMEZONE: 'UTC' });
    expect(env.SLACK_BOT_TOKEN).toBeUndefined();
    expect(env.OPENAI_API_KEY).toBeUndefined();
    expect(env.VIGIL_CONFIG).toBeUndefined();
  });

  it.each([
    [{ PORT: 'abc' }, 'Invalid environment: PORT: must be a whole number (got "abc")'],
    [{ PORT: '70000' }, 'Invalid environment: PORT: must be between 0 and 65535 (got "70000")'],
    [{ PORT: '80.5' }, 'Invalid environment: PORT: must be a whole number (got "80.5")'],
    [{ PORT: ' ' }, 'Invalid environment: PORT: must be a whole number (got " ")'],
    [{ PORT: '0x50' }, 'Invalid environment: PORT: must be a whole number (got "0x50")'],
    [{ LOG_LEVEL: 'verbose' }, 'Invalid environment: LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "verbose")'],
    [{ VIGIL_TIMEZONE: 'Mars/Olympus_Mons' }, 'Invalid environment: VIGIL_TIMEZONE: must be an IANA time zone such as "Europe/Paris" or "UTC" (got "Mars/Olympus_Mons")'],
    [{ DATABASE_SYNCHRONOUS: 'off' }, 'Invalid environment: DATABASE_SYNCHRONOUS: must be "full" or "normal" (got "off")'],
    [{ SHUTDOWN_TIMEOUT_MS: 'soon' }, 'Invalid environment: SHUTDOWN_TIMEOUT_MS: must be a whole number (got "soon")'],
    [{ SLACK_API_URL: 'slack.test' }, 'Invalid environment: SLACK_API_URL: must be a URL (got "slack.test")'],
    [{ SLACK_BOT_TOKEN: 'xoxp-user-token' }, 'Invalid environment: SLACK_BOT_TOKEN: must start with "xoxb-"'],
    [{ SLACK_APP_TOKEN: 'xoxb-not-an-app-token' }, 'Invalid environment: SLACK_APP_TOKEN: must start with "xapp-"'],
  ])('refuses %o with one line naming the variable', (raw, message) => {
    expect(configErrorOf(() => parseEnv(raw))).toBe(message);
  });

  it('lists every bad variable on one line and never echoes a secret value', () => {
    const secrets = { SLACK_BOT_TOKEN: 'xoxp-1234-SUPERSECRET', SLACK_APP_TOKEN: 'APPSECRET-5678' };
    const message = configErrorOf(() => parseEnv({ ...secrets, PORT: 'abc', LOG_LEVEL: 'loud\nlevel' }));
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toContain('PORT: must be a whole number');
    expect(message).toContain('LOG_LEVEL:');
    expect(message).toContain('SLACK_BOT_TOKEN: must start with "xoxb-"');
    expect(message).toContain('SLACK_APP_TOKEN: must start with "xapp-"');
    expect(message).not.toContain('SUPERSECRET');
    expect(message).not.toContain('APPSECRET');
  });
});

describe('parseSourcesFile', () => {
  it('reads sources, giving a source with nothing under it every default', () => {
    const text = 'sources:\n  support-bot:\n    description: Help centre assistant\n  billing-bot:\n';
    const { sources } = parseSourcesFile(text, 'vigil.config.yaml');
    expect(Object.keys(sources)).toEqual(['support-bot', 'billing-bot']);
    expect(sources['support-bot']!.description).toBe('Help centre assistant');
    expect(sources['billing-bot']).toEqual(parseSourcesFile('sources:\n  billing-bot: {}\n', 'vigil.config.yaml').sources['billing-bot']);
    expect(parseSourcesFile('', 'vigil.config.yaml').sources).toEqual({});
  });

  it.each([
    ['sources:\n  Bad Name: {}\n', 'sources.Bad Name: invalid name: must be 1–64 lowercase letters, digits, "-" or "_", starting with a letter or digit'],
    ['sources:\n  support-bot:\n    descripton: typo\n', 'sources.support-bot: Unrecognized key: "descripton"'],
    ['sources:\n  support-bot:\n    description: 42\n', 'sources.support-bot.description: Invalid input: expected string, received number'],
    ['source:\n  support-bot: {}\n', '(root): Unrecognized key: "source"'],
    ['- support-bot\n', '(root): Invalid input: expected object, received array'],
  ])('names the YAML path and what is wrong in %j', (text, problem) => {
    expect(configErrorOf(() => parseSourcesFile(text, 'conf/vigil.yaml'))).toBe(`Invalid configuration file conf/vigil.yaml: ${problem}`);
  });

  it('reports a YAML syntax error with its line and column, on one line', () => {
    const message = configErrorOf(() => parseSourcesFile('sources:\n  support-bot: {}\n\tbilling-bot: {}\n', 'vigil.config.yaml'));
    expect(message).toBe('Invalid configuration file vigil.config.yaml: YAML syntax at line 3, column 1: Tabs are not allowed as indentation');
    const duplicate = configErrorOf(() => parseSourcesFile('sources:\n  a: {}\n  a: {}\n', 'vigil.config.yaml'));
    expect(duplicate).toMatch(/^Invalid configuration file vigil\.config\.yaml: YAML syntax at line 3, column 3: Map keys must be unique$/);
  });
});

describe('parseConfig', () => {
  const dir = createTempDir('vigil-config-');
  afterAll(() => {
    killVigilProcesses();
    dir.remove();
  });

  it('reads the file named by VIGIL_CONFIG', () => {
    const path = join(dir.path, 'vigil.config.yaml');
    writeFileSync(path, 'sources:\n  support-bot: {}\n');
    const config = parseConfig({ VIGIL_CONFIG: path, PORT: '0' });
    expect(config).toMatchObject({ configPath: path, configMissing: false, sources: { sources: { 'support-bot': {} } } });
    expect(config.env.PORT).toBe(0);
  });

  it('refuses an explicit VIGIL_CONFIG that does not exist', () => {
    const path = join(dir.path, 'missing.yaml');
    expect(configErrorOf(() => parseConfig({ VIGIL_CONFIG: path }))).toBe(`Invalid environment: VIGIL_CONFIG: file not found: ${path}`);
  });

  it('stops `src/main.ts` with exactly one stderr line naming PORT and a non-zero exit', async () => {
    const path = join(dir.path, 'vigil.config.yaml');
    const result = await runVigilCommand('src/main.ts', [], {
      env: { PORT: 'abc', VIGIL_CONFIG: path, DATABASE_URL: join(dir.path, 'never-created.db') },
      timeoutMs: 120_000, // loading the app through tsx takes 30 s on a shared, busy machine
    });
    expect(result.code).toBe(78);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('vigil: Invalid environment: PORT: must be a whole number (got "abc")\n');
  }, 150_000);

  it('refuses a start whose routes name a detector that does not exist, in one line', async () => {
    const path = join(dir.path, 'typo.yaml');
    writeFileSync(path, 'sources:\n  support-bot:\n    review:\n      sampling:\n        routes:\n          - { channel: C0TRUST, detectors: [secret, pii] }\n');
    const result = await runVigilCommand('src/main.ts', [], {
      env: { PORT: '0', VIGIL_CONFIG: path, DATABASE_URL: join(dir.path, 'never-created.db') },
      timeoutMs: 120_000,
    });
    expect(result).toMatchObject({ code: 78, stdout: '' });
    expect(result.stderr).toBe(
      `vigil: Invalid configuration file ${path}: sources.support-bot.review.sampling.routes[0].detectors[0]: must be one of secrets, pii, prompt_leak, injection, blocklist (the app's own flags go under flags)\n`,
    );
  }, 150_000);
});
