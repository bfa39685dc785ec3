import { InvalidArgumentError, type Command } from 'commander';
import { withContext, withDatabaseContext } from '../../cli/cli.context.ts';
import { API_KEY_SCOPES, type ApiKeyScope } from './api-keys.models.ts';
import { createApiKey, revokeApiKey } from './api-keys.usecases.ts';

function parseScopes(value: string): ApiKeyScope[] {
  const scopes = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = scopes.filter((s) => !(API_KEY_SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0 || scopes.length === 0) {
    throw new InvalidArgumentError(`scopes must be a comma-separated list of ${API_KEY_SCOPES.join(', ')}`);
  }
  return scopes as ApiKeyScope[];
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerApiKeyCommands(program: Command) {
  const keys = program.command('keys').description('manage API keys for production apps');

  keys
    .command('create')
    .description('create a key; it is printed once and only its hash is stored')
    .requiredOption('--source <name>', 'source the key may use (repeat for several, "*" for all)', collect)
    .option('--scopes <list>', `comma-separated: ${API_KEY_SCOPES.join(', ')}`, parseScopes, ['ingest'] as ApiKeyScope[])
    .option('--name <name>', 'a label to recognise the key by')
    .action(
      withContext(async (context, options: { source: string[]; scopes: ApiKeyScope[]; name?: string }) => {
        const { key, secret } = await createApiKey(context, {
          sources: options.source,
          scopes: options.scopes,
          name: options.name,
          actor: context.actor,
          knownSources: context.knownSources,
        });
        console.log(secret);
        process.stderr.write(
          `Created ${key.id} (${key.scopes.join(',')} on ${key.sources.join(',')}). Store the key now: it is not shown again.\n`,
        );
      }),
    );

  keys
    .command('list')
    .description('list keys (never the keys themselves)')
    .option('--json', 'one JSON object per line')
    .action(
      withDatabaseContext(async ({ apiKeysRepository }, options: { json?: boolean }) => {
        const all = await apiKeysRepository.list();
        for (const key of all) {
          const status = key.revokedAt ? `revoked ${new Date(key.revokedAt).toISOString()}` : 'active';
          console.log(
            options.json
              ? JSON.stringify(key)
              : [key.id, key.prefix + '…', key.name, key.scopes.join(','), key.sources.join(','), status].join('\t'),
          );
        }
        if (!options.json && all.length === 0) process.stderr.write('No API keys yet: vigil keys create --source <name>\n');
      }),
    );

  keys
    .command('revoke <id>')
    .description('revoke a key; requests with it are refused within seconds')
    .action(
      withDatabaseContext(async (context, id: string) => {
        const { key, alreadyRevoked } = await revokeApiKey(context, { id, actor: context.actor });
        console.log(alreadyRevoked ? `${key.id} was already revoked` : `Revoked ${key.id} (${key.name})`);
      }),
    );
}
