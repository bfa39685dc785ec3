import type { App } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { isVigilError } from '../../platform/errors.ts';
import type { SlackClient } from '../../shared/slack-client.ts';
import { buildHelpText, COMMAND_NAME, parseVigilCommand, type CommandKind, type VigilCommand } from './commands.models.ts';

// One `/vigil` listener: ack, parse, dispatch to the handler a module plugged in, answer
// ephemerally. Help and usage go back in the ack itself (no round trip); a handler's
// answer goes by response_url after the ack, so a slow one never misses Slack's 3 s.
// A refused request (a VigilError) shows its message; anything else shows a short
// apology to the user and is rethrown to Bolt's error handler, which logs it.

export interface CommandReply {
  text: string;
  blocks?: KnownBlock[];
}

export interface CommandInvocation {
  userId: string;
  channelId: string;
  teamId: string;
  /** Valid for 3 s and once: `/vigil incident` opens its modal with it. */
  triggerId: string;
  client: SlackClient;
}

export type HandledKind = Exclude<CommandKind, 'help' | 'usage'>;

/** Each returns the ephemeral reply, or null when it answered another way (a modal). */
export type CommandHandlers = {
  [K in HandledKind]?: (command: Extract<VigilCommand, { kind: K }>, invocation: CommandInvocation) => Promise<CommandReply | null>;
};

const ephemeral = (reply: CommandReply) => ({ response_type: 'ephemeral' as const, replace_original: false, ...reply });

/** The reply that needs no handler (help, usage, a command nobody plugged in), or null when a handler answers. */
export function answerWithoutHandler(command: VigilCommand, handlers: CommandHandlers): CommandReply | null {
  if (command.kind === 'help') return { text: buildHelpText() };
  if (command.kind === 'usage') return { text: command.message };
  if (!handlers[command.kind]) return { text: `\`${COMMAND_NAME} ${command.kind}\` is not available on this Vigil yet.\n\n${buildHelpText()}` };
  return null;
}

export async function dispatchVigilCommand(handlers: CommandHandlers, command: VigilCommand, invocation: CommandInvocation): Promise<CommandReply | null> {
  if (command.kind === 'help' || command.kind === 'usage') return answerWithoutHandler(command, handlers);
  // The union of handler types cannot be called with the union of commands; `kind` pairs them.
  const handler = handlers[command.kind] as ((command: VigilCommand, invocation: CommandInvocation) => Promise<CommandReply | null>) | undefined;
  if (!handler) return answerWithoutHandler(command, handlers);
  return handler(command, invocation);
}

export function registerCommandHandlers(app: App, handlers: CommandHandlers): void {
  app.command(COMMAND_NAME, async ({ ack, command, respond, client }) => {
    const parsed = parseVigilCommand(command.text);
    const immediate = answerWithoutHandler(parsed, handlers);
    if (immediate) return ack(ephemeral(immediate));
    await ack();
    const invocation = { userId: command.user_id, channelId: command.channel_id, teamId: command.team_id, triggerId: command.trigger_id, client };
    try {
      const reply = await dispatchVigilCommand(handlers, parsed, invocation);
      if (reply) await respond(ephemeral(reply));
    } catch (error) {
      if (isVigilError(error)) return void (await respond(ephemeral({ text: `:warning: ${error.message}` })));
      await respond(ephemeral({ text: `:warning: Vigil could not answer \`${COMMAND_NAME} ${parsed.kind}\`; the error is logged.` }));
      throw error;
    }
  });
}
