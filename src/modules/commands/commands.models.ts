import { escapeMrkdwn } from '../../shared/mrkdwn.ts';
import { truncateText } from '../../shared/slack-limits.ts';
import { SOURCE_NAME_PATTERN } from '../sources/sources.config.ts';

// `/vigil …` as data: the text Slack sends after the command, parsed into one of the
// commands below, or `usage` with a message that says what was wrong and what works.
// Whatever is typed, the answer is help, never an error trace. Verbs and names are
// read case-insensitively (source and grader names are lowercase by definition).

export type VigilCommand =
  | { kind: 'help' }
  | { kind: 'status'; source: string | null }
  | { kind: 'queue' }
  | { kind: 'guardrail'; source: string }
  | { kind: 'digest'; source: string }
  | { kind: 'incident' }
  | { kind: 'calibrate'; source: string; grader: string }
  | { kind: 'agreement'; source: string }
  | { kind: 'usage'; message: string };

export type CommandKind = VigilCommand['kind'];

interface Verb {
  kind: Exclude<CommandKind, 'usage'>;
  args: readonly ('source' | 'grader')[];
  /** Trailing arguments that may be left out. */
  optional: number;
  syntax: string;
  summary: string;
}

const VERBS: readonly Verb[] = [
  { kind: 'status', args: ['source'], optional: 1, syntax: 'status [source]', summary: 'live guardrail version, queue size, open incidents and grader health' },
  { kind: 'queue', args: [], optional: 0, syntax: 'queue', summary: 'the review items waiting for you' },
  { kind: 'guardrail', args: ['source'], optional: 0, syntax: 'guardrail <source>', summary: 'the live guardrail of a source' },
  { kind: 'digest', args: ['source'], optional: 0, syntax: 'digest <source>', summary: "last week's digest of a source, shown only to you" },
  { kind: 'incident', args: [], optional: 0, syntax: 'incident', summary: 'open an incident and page on-call' },
  { kind: 'calibrate', args: ['source', 'grader'], optional: 0, syntax: 'calibrate <source> <grader>', summary: "a grader's threshold proposal from reviewers' verdicts" },
  { kind: 'agreement', args: ['source'], optional: 0, syntax: 'agreement <source>', summary: "reviewers' agreement with each other and on gold items (approvers)" },
  { kind: 'help', args: [], optional: 0, syntax: 'help', summary: 'this help' },
];

/** Other spellings people type. */
const ALIASES: Record<string, Verb['kind']> = { guardrails: 'guardrail', '?': 'help', calibration: 'calibrate' };

/** Grader names follow the same rule as source names (guardrails.models.ts). */
const NAME_PATTERN = SOURCE_NAME_PATTERN;
const MAX_ECHO = 40;

export const COMMAND_NAME = '/vigil';

/** `<source>` is escaped: Slack reads `<…>` as a link or mention even inside code. */
const formatSyntax = (verb: Verb) => `\`${COMMAND_NAME} ${escapeMrkdwn(verb.syntax)}\``;

/** Every subcommand as typed, e.g. `status [source]`: the manifest's usage hint and the README list them too. */
export const COMMAND_SYNTAXES: readonly string[] = VERBS.map((verb) => verb.syntax);

export function buildHelpText(): string {
  const lines = VERBS.map((verb) => `• ${formatSyntax(verb)}: ${verb.summary}`);
  return [`*${COMMAND_NAME}* commands`, ...lines].join('\n');
}

/** The user's words, shown back inert and short. */
const echo = (text: string) => `\`${escapeMrkdwn(truncateText(text, MAX_ECHO)).replace(/`/g, 'ˋ')}\``;

const usage = (problem: string): VigilCommand => ({ kind: 'usage', message: `${problem}\n\n${buildHelpText()}` });

function buildCommand(verb: Verb, values: string[]): VigilCommand {
  const [first, second] = values;
  switch (verb.kind) {
    case 'status':
      return { kind: 'status', source: first ?? null };
    case 'guardrail':
    case 'digest':
    case 'agreement':
      return { kind: verb.kind, source: first! };
    case 'calibrate':
      return { kind: 'calibrate', source: first!, grader: second! };
    default:
      return { kind: verb.kind };
  }
}

export function parseVigilCommand(text: string | undefined): VigilCommand {
  const words = (text ?? '').trim().split(/\s+/u).filter((word) => word.length > 0);
  if (words.length === 0) return { kind: 'help' };
  const typed = words[0]!.toLowerCase();
  const verb = VERBS.find((candidate) => candidate.kind === (ALIASES[typed] ?? typed));
  if (!verb) return usage(`${echo(words[0]!)} is not a ${COMMAND_NAME} command.`);
  if (verb.kind === 'help') return { kind: 'help' };
  const values = words.slice(1).map((word) => word.toLowerCase());
  const syntax = formatSyntax(verb);
  if (values.length < verb.args.length - verb.optional) {
    const missing = verb.args.slice(values.length).join(' and ');
    return usage(`${syntax} needs a ${missing}.`);
  }
  if (values.length > verb.args.length) {
    return usage(verb.args.length === 0 ? `${syntax} takes no arguments.` : `Too many arguments: ${syntax}.`);
  }
  for (const [index, value] of values.entries()) {
    if (!NAME_PATTERN.test(value)) {
      return usage(`${echo(words[index + 1]!)} is not a ${verb.args[index]} name: names are lowercase letters, digits, "-" and "_".`);
    }
  }
  return buildCommand(verb, values);
}
