import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildHelpText, COMMAND_SYNTAXES, parseVigilCommand, type VigilCommand } from './commands.models.ts';

function usageMessage(command: VigilCommand): string {
  if (command.kind !== 'usage') throw new Error(`expected usage, got ${command.kind}`);
  return command.message;
}

describe('parseVigilCommand', () => {
  it('parses every command with its arguments', () => {
    expect(parseVigilCommand('help')).toEqual({ kind: 'help' });
    expect(parseVigilCommand('status')).toEqual({ kind: 'status', source: null });
    expect(parseVigilCommand('status support-bot')).toEqual({ kind: 'status', source: 'support-bot' });
    expect(parseVigilCommand('queue')).toEqual({ kind: 'queue' });
    expect(parseVigilCommand('guardrail support-bot')).toEqual({ kind: 'guardrail', source: 'support-bot' });
    expect(parseVigilCommand('digest support-bot')).toEqual({ kind: 'digest', source: 'support-bot' });
    expect(parseVigilCommand('incident')).toEqual({ kind: 'incident' });
    expect(parseVigilCommand('calibrate support-bot tone')).toEqual({ kind: 'calibrate', source: 'support-bot', grader: 'tone' });
    expect(parseVigilCommand('agreement support-bot')).toEqual({ kind: 'agreement', source: 'support-bot' });
  });

  it('answers empty input with help', () => {
    for (const text of ['', '   ', '\t\n', undefined]) expect(parseVigilCommand(text)).toEqual({ kind: 'help' });
  });

  it('ignores extra spaces and case', () => {
    expect(parseVigilCommand('  STATUS   Support-Bot  ')).toEqual({ kind: 'status', source: 'support-bot' });
    expect(parseVigilCommand('Calibrate\u00a0support-bot\tTONE')).toEqual({ kind: 'calibrate', source: 'support-bot', grader: 'tone' });
    expect(parseVigilCommand('GUARDRAILS support-bot')).toEqual({ kind: 'guardrail', source: 'support-bot' });
    expect(parseVigilCommand('help me please')).toEqual({ kind: 'help' });
  });

  it('answers an unknown verb with usage help that names it, escaped', () => {
    const message = usageMessage(parseVigilCommand('deploy <!channel> now'));
    expect(message.startsWith('`deploy` is not a /vigil command.\n\n*/vigil* commands')).toBe(true);
    expect(usageMessage(parseVigilCommand('<!here>'))).toMatch(/^`&lt;!here&gt;` is not a \/vigil command\./);
  });

  it('says which argument is missing', () => {
    expect(usageMessage(parseVigilCommand('guardrail'))).toMatch(/^`\/vigil guardrail &lt;source&gt;` needs a source\./);
    expect(usageMessage(parseVigilCommand('digest'))).toMatch(/^`\/vigil digest &lt;source&gt;` needs a source\./);
    expect(usageMessage(parseVigilCommand('calibrate support-bot'))).toMatch(/^`\/vigil calibrate &lt;source&gt; &lt;grader&gt;` needs a grader\./);
    expect(usageMessage(parseVigilCommand('calibrate'))).toMatch(/needs a source and grader\./);
  });

  it('refuses extra arguments and names that cannot be sources or graders', () => {
    expect(usageMessage(parseVigilCommand('queue support-bot'))).toMatch(/^`\/vigil queue` takes no arguments\./);
    expect(usageMessage(parseVigilCommand('status a b'))).toMatch(/^Too many arguments: `\/vigil status \[source\]`\./);
    expect(usageMessage(parseVigilCommand('digest support.bot'))).toMatch(/^`support\.bot` is not a source name/);
    expect(usageMessage(parseVigilCommand('calibrate support-bot `tone`'))).toMatch(/^`ˋtoneˋ` is not a grader name/);
  });

  it('cuts a long unknown word short in the reply', () => {
    const message = usageMessage(parseVigilCommand('x'.repeat(5000)));
    expect(message.split('\n')[0]).toBe(`\`${'x'.repeat(39)}…\` is not a /vigil command.`);
  });
});

describe('buildHelpText', () => {
  it('lists every command with its syntax', () => {
    expect(buildHelpText()).toBe(
      [
        '*/vigil* commands',
        '• `/vigil status [source]`: live guardrail version, queue size, open incidents and grader health',
        '• `/vigil queue`: the review items waiting for you',
        '• `/vigil guardrail &lt;source&gt;`: the live guardrail of a source',
        "• `/vigil digest &lt;source&gt;`: last week's digest of a source, shown only to you",
        '• `/vigil incident`: open an incident and page on-call',
        "• `/vigil calibrate &lt;source&gt; &lt;grader&gt;`: a grader's threshold proposal from reviewers' verdicts",
        "• `/vigil agreement &lt;source&gt;`: reviewers' agreement with each other and on gold items (approvers)",
        '• `/vigil help`: this help',
      ].join('\n'),
    );
  });
});

describe('where the /vigil subcommands are listed', () => {
  const repoFile = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

  it('the Slack manifest usage hint names every subcommand with its arguments', () => {
    const manifest = parse(repoFile('slack-app-manifest.yaml')) as { features: { slash_commands: { command: string; usage_hint: string }[] } };
    const hint = manifest.features.slash_commands.find((command) => command.command === '/vigil')!.usage_hint;
    expect(hint.replace(/^\[|\]$/g, '').split(' | ')).toEqual([...COMMAND_SYNTAXES]);
  });

  it('the README names every subcommand with its arguments', () => {
    const readme = repoFile('README.md');
    for (const syntax of COMMAND_SYNTAXES) expect(readme).toContain(`\`${syntax}\``);
  });
});
