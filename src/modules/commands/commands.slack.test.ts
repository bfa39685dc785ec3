import type { App } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { createErrorFactory } from '../../platform/errors.ts';
import type { SlackClient } from '../../shared/slack-client.ts';
import { buildHelpText } from './commands.models.ts';
import { registerCommandHandlers, type CommandHandlers } from './commands.slack.ts';

type Listener = (args: Record<string, unknown>) => Promise<void>;

/** Captures the one listener registered, and calls it the way Bolt does for `/vigil <text>`. */
function createFakeApp() {
  const listeners = new Map<string, Listener>();
  const app = { command: (name: string, listener: Listener) => listeners.set(name, listener) } as unknown as App;
  async function invoke(text: string) {
    const acks: unknown[] = [];
    const responses: unknown[] = [];
    const command = { text, user_id: 'U0ASKER', channel_id: 'C0HERE', team_id: 'T0TEAM', trigger_id: 'trig.1' };
    const listener = listeners.get('/vigil');
    if (!listener) throw new Error('no /vigil listener');
    const run = listener({
      command,
      client: { marker: 'client' } as unknown as SlackClient,
      ack: async (response?: unknown) => void acks.push(response ?? null),
      respond: async (message: unknown) => void responses.push(message),
    });
    return { run, acks, responses };
  }
  return { app, listeners, invoke };
}

describe('registerCommandHandlers', () => {
  it('registers one /vigil listener', () => {
    const { app, listeners } = createFakeApp();
    registerCommandHandlers(app, {});
    expect([...listeners.keys()]).toEqual(['/vigil']);
  });

  it('answers help and usage in the ack itself, ephemerally', async () => {
    const { app, invoke } = createFakeApp();
    registerCommandHandlers(app, {});
    const help = await invoke('');
    await help.run;
    expect(help.acks).toEqual([{ response_type: 'ephemeral', replace_original: false, text: buildHelpText() }]);
    const wrong = await invoke('frobnicate');
    await wrong.run;
    expect(wrong.acks).toEqual([{ response_type: 'ephemeral', replace_original: false, text: expect.stringMatching(/^`frobnicate` is not a \/vigil command\./) }]);
    expect(wrong.responses).toEqual([]);
  });

  it('says a command is not available when no module plugged a handler in', async () => {
    const { app, invoke } = createFakeApp();
    registerCommandHandlers(app, {});
    const call = await invoke('queue');
    await call.run;
    expect(call.acks).toEqual([{ response_type: 'ephemeral', replace_original: false, text: expect.stringMatching(/^`\/vigil queue` is not available on this Vigil yet\./) }]);
  });

  it('acks first, then dispatches the parsed command with who asked, and replies with what the handler returns', async () => {
    const { app, invoke } = createFakeApp();
    const seen: unknown[] = [];
    const handlers: CommandHandlers = {
      digest: async (command, invocation) => {
        seen.push({ command, invocation: { ...invocation, client: 'client' } });
        return { text: `digest of ${command.source}`, blocks: [] };
      },
      incident: async () => null,
    };
    registerCommandHandlers(app, handlers);
    const call = await invoke('DIGEST  support-bot');
    await call.run;
    expect(call.acks).toEqual([null]);
    expect(seen).toEqual([
      { command: { kind: 'digest', source: 'support-bot' }, invocation: { userId: 'U0ASKER', channelId: 'C0HERE', teamId: 'T0TEAM', triggerId: 'trig.1', client: 'client' } },
    ]);
    expect(call.responses).toEqual([{ response_type: 'ephemeral', replace_original: false, text: 'digest of support-bot', blocks: [] }]);
    const modal = await invoke('incident');
    await modal.run;
    expect(modal.responses).toEqual([]);
  });

  it("shows a refused request's message, and only an apology for an unexpected error, which is rethrown to be logged", async () => {
    const { app, invoke } = createFakeApp();
    const createNotFound = createErrorFactory({ code: 'source.not_found', statusCode: 404, message: (name: string) => `No source named ${name}.` });
    registerCommandHandlers(app, {
      guardrail: async (command) => {
        throw createNotFound(command.source);
      },
      status: async () => {
        throw new Error('database is locked at /var/lib/vigil.db');
      },
    });
    const refused = await invoke('guardrail nope');
    await refused.run;
    expect(refused.responses).toEqual([{ response_type: 'ephemeral', replace_original: false, text: ':warning: No source named nope.' }]);
    const failed = await invoke('status');
    await expect(failed.run).rejects.toThrow('database is locked');
    expect(failed.responses).toEqual([{ response_type: 'ephemeral', replace_original: false, text: ':warning: Vigil could not answer `/vigil status`; the error is logged.' }]);
  });
});
