import { existsSync, readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError, DEFAULT_CONFIG_PATH, formatIssues, parseEnv, type Env } from '../platform/config.ts';
import { sourcesFileSchema, type SourcesFile } from '../modules/sources/sources.config.ts';

// The whole configuration: the process settings (platform) and the sources file, whose schema
// is made of every module's fragment, so it is composed here, at the top floor.

export { DEFAULT_CONFIG_PATH };

export interface VigilConfig {
  env: Env;
  configPath: string;
  sources: SourcesFile;
}

export function parseSourcesFile(text: string, path: string): SourcesFile {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, lineCounter });
  if (document.errors.length > 0) {
    const first = document.errors[0]!;
    const { line, col } = lineCounter.linePos(first.pos[0]);
    throw new ConfigError(`Invalid configuration file ${path}: YAML syntax at line ${line}, column ${col}: ${first.message.split('\n')[0]}`);
  }
  const result = sourcesFileSchema.safeParse(document.toJS() ?? {});
  if (!result.success) throw new ConfigError(`Invalid configuration file ${path}: ${formatIssues(result.error.issues)}`);
  return result.data;
}

/** Reads the sources file. The default path may be absent (Vigil then runs with no sources); an explicit one must exist. */
export function loadSourcesFile(env: Env): { configPath: string; sources: SourcesFile; missing: boolean } {
  const configPath = env.VIGIL_CONFIG ?? DEFAULT_CONFIG_PATH;
  if (!existsSync(configPath)) {
    if (env.VIGIL_CONFIG) throw new ConfigError(`Invalid environment: VIGIL_CONFIG: file not found: ${configPath}`);
    return { configPath, sources: sourcesFileSchema.parse({}), missing: true };
  }
  return { configPath, sources: parseSourcesFile(readFileSync(configPath, 'utf8'), configPath), missing: false };
}

export function parseConfig(raw: NodeJS.ProcessEnv): VigilConfig & { configMissing: boolean } {
  const env = parseEnv(raw);
  const { configPath, sources, missing } = loadSourcesFile(env);
  return { env, configPath, sources, configMissing: missing };
}
