import { readFileSync } from 'node:fs';
import { LogLevel } from '@slack/bolt';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { SLACK_EVENTS_PATH, createBoltLogger, createSlackApp, createSlackHealthCheck, describeSlackStatus } from './slack-app.ts';

const silent = createLogger({ level: 'silent' });

function captureLogger(level = 'debug') {
  const lines: Record<string, any>[] = [];
  const logger = createLogger({ level, destination: { write: (line: string) => lines.push(JSON.parse(line)) } });
  return { logger, lines };
}

describe('describeSlackStatus', () => {
  it('names every missing variable when Slack is not configured', () => {
    expect(describeSlackStatus({})).toEqual({
      enabled: false,
      reason: 'SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are not set (see docs/slack-setup.md)',
    });
    expect(describeSlackStatus({ SLACK_BOT_TOKEN: 'xoxb-1' })).toEqual({
      enabled: false,
      reason: 'SLACK_SIGNING_SECRET is not set (see docs/slack-setup.md)',
    });
  });

  it('picks HTTP mode with a token and a signing secret, and Socket Mode when an app token is set', () => {
    expect(describeSlackStatus({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' })).toEqual({ enabled: true, mode: 'http' });
    expect(describeSlackStatus({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' })).toEqual({ enabled: true, mode: 'socket' });
    expect(describeSlackStatus({ SLACK_APP_TOKEN: 'xapp-1' })).toMatchObject({ enabled: false, reason: expect.stringMatching(/^SLACK_BOT_TOKEN is not set/) });
  });
});

describe('createSlackApp', () => {
  it('returns null without credentials, and the health check reports off with the reason', () => {
    const env = parseEnv({ SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '' });
    expect(createSlackApp({ env, logger: silent })).toBeNull();
    expect(createSlackHealthCheck(null, env)()).toEqual({
      status: 'off',
      reason: 'SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are not set (see docs/slack-setup.md)',
    });
  });

  it('builds an HTTP-mode app with a receiver to mount, without calling Slack', () => {
    const env = parseEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret', SLACK_API_URL: 'http://127.0.0.1:9/api/' });
    const slack = createSlackApp({ env, logger: silent });
    expect(slack?.mode).toBe('http');
    expect(slack?.mode === 'http' && typeof slack.receiver.requestListener).toBe('function');
    expect(slack?.app.client.slackApiUrl).toBe('http://127.0.0.1:9/api/');
    expect(createSlackHealthCheck(slack, env)()).toEqual({ status: 'ok', mode: 'http', lifecycle: 'created' });
  });

  it('builds a Socket Mode app without a signing secret and without connecting', () => {
    const env = parseEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' });
    const slack = createSlackApp({ env, logger: silent, botIdentity: { botId: 'B1', botUserId: 'U1' } });
    expect(slack?.mode).toBe('socket');
    expect(slack && 'receiver' in slack).toBe(false);
    expect(slack?.health()).toEqual({ status: 'ok', mode: 'socket', lifecycle: 'created' });
  });
});

describe('createBoltLogger', () => {
  it('writes Bolt messages to pino under the slack namespace, with errors as err', () => {
    const { logger, lines } = captureLogger();
    const bolt = createBoltLogger(logger.child({ ns: 'slack' }));
    bolt.warn('Failed to verify', { reason: 'stale' });
    bolt.error('Slack API error: channel_not_found', new Error('boom'));
    expect(lines).toEqual([
      expect.objectContaining({ ns: 'slack', level: 40, msg: 'Failed to verify {"reason":"stale"}' }),
      expect.objectContaining({ ns: 'slack', level: 50, msg: 'Slack API error: channel_not_found', err: expect.objectContaining({ message: 'boom' }) }),
    ]);
  });

  it('drops the WebClient debug dumps of request and response bodies', () => {
    const { logger, lines } = captureLogger();
    const bolt = createBoltLogger(logger);
    bolt.debug('http request body: {"text":"customer words"}');
    bolt.debug('http request result: {"ok":true}');
    bolt.debug("apiCall('chat.postMessage') start");
    expect(lines.map((line) => line.msg)).toEqual(["apiCall('chat.postMessage') start"]);
  });

  it('keeps LOG_LEVEL in charge when Bolt calls setLevel', () => {
    const { logger, lines } = captureLogger('warn');
    const bolt = createBoltLogger(logger);
    bolt.setLevel(LogLevel.DEBUG);
    bolt.info('hidden');
    expect(lines).toEqual([]);
    expect(bolt.getLevel()).toBe(LogLevel.WARN);
  });
});

describe('slack-app-manifest.yaml', () => {
  const manifest = parse(readFileSync(new URL('../../slack-app-manifest.yaml', import.meta.url), 'utf8'));

  it('sends the command, interactivity and events to the one path Bolt serves', () => {
    const urls = [
      manifest.features.slash_commands[0].url,
      manifest.settings.interactivity.request_url,
      manifest.settings.event_subscriptions.request_url,
    ];
    expect(urls.map((url: string) => new URL(url).pathname)).toEqual([SLACK_EVENTS_PATH, SLACK_EVENTS_PATH, SLACK_EVENTS_PATH]);
    expect(manifest.features.slash_commands[0].command).toBe('/vigil');
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(['app_home_opened']);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
  });

  it('asks for every bot scope Vigil uses, and stays within the manifest limits of Slack', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(
      ['channels:manage', 'channels:read', 'chat:write', 'chat:write.public', 'commands', 'files:write', 'groups:read', 'groups:write', 'im:write', 'usergroups:read', 'users:read'].sort(),
    );
    const info = manifest.display_information;
    expect(info.name.length).toBeLessThanOrEqual(35);
    expect(info.description.length).toBeLessThanOrEqual(140);
    expect(info.long_description.length).toBeGreaterThanOrEqual(175);
    expect(info.background_color).toMatch(/^#[0-9a-fA-F]{6}$/);
  });
});

describe('docs/slack-setup.md', () => {
  it('tells to replace every placeholder Slack id of the committed vigil.config.yaml, and where to find the real one', () => {
    const config = readFileSync(new URL('../../vigil.config.yaml', import.meta.url), 'utf8');
    const guide = readFileSync(new URL('../../docs/slack-setup.md', import.meta.url), 'utf8');
    const placeholders = [...new Set(config.match(/\b[CUS]0[A-Z0-9]{6,}\b/g))];
    expect(placeholders.length).toBeGreaterThan(0);
    const section = guide.slice(guide.indexOf('## 5. Put your channels and people in `vigil.config.yaml`'));
    for (const id of placeholders) expect(section).toContain(`\`${id}\``);
    expect(section).toMatch(/Channel ID/);
    expect(section).toMatch(/Copy member ID/);
  });
});
