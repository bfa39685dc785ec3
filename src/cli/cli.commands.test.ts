import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { CLI_COMMANDS } from './cli.commands.ts';

// `vigil --help` lists the commands from this table without loading their modules, so the
// table must say what the modules say: the same names, the same descriptions, none missing.

describe('the CLI command table', () => {
  it('names each top-level command once', () => {
    const names = CLI_COMMANDS.map((command) => command.name);
    expect(new Set(names).size).toBe(names.length);
  });

  // Loading every command module compiles most of the code base: slow on a busy machine.
  it('lists every command its modules register, with the description they give it', { timeout: 120_000 }, async () => {
    const registered = new Map<string, string>();
    for (const entry of CLI_COMMANDS) {
      const program = new Command('vigil');
      await entry.register(program);
      for (const command of program.commands) registered.set(command.name(), command.description());
      // The module loaded for a name must register that name.
      expect(program.commands.map((command) => command.name())).toContain(entry.name);
    }
    expect(Object.fromEntries(registered)).toEqual(Object.fromEntries(CLI_COMMANDS.map((entry) => [entry.name, entry.description])));
  });
});
