import type { ChecksConfig } from './checks.config.ts';
import type { Detection, FieldViews, TextField } from './checks.models.ts';
import { compileBlocklist } from './detectors/blocklist.detector.ts';
import { createInjectionDetector } from './detectors/injection.detector.ts';
import { createPiiDetector } from './detectors/pii.detector.ts';
import { createPromptLeakDetector } from './detectors/prompt-leak.detector.ts';
import { createSecretsDetector } from './detectors/secrets.detector.ts';
import { buildFieldViews } from './views.models.ts';

/** The texts of one event that detectors look at. `context` is `metadata.context` (retrieved text). */
export interface EventTexts {
  source: string;
  input: string | null;
  output: string;
  context: string | null;
}

export interface CompiledChecks {
  detect(texts: EventTexts): Promise<Detection[]>;
}

type SyncDetector = { detect(fields: FieldViews[]): Detection[] };

/** Detectors are built once per source configuration: regexes, n-gram sets and word lists compile here, not per event. */
export function compileChecks(config: ChecksConfig): CompiledChecks {
  const secrets = config.secrets.enabled ? createSecretsDetector() : null;
  const pii = config.pii.enabled && config.pii.kinds.length > 0 ? createPiiDetector({ kinds: config.pii.kinds, defaultRegion: config.pii.region as never }) : null;
  const injection = config.injection.enabled ? createInjectionDetector() : null;
  const hasLeakSettings = config.prompt_leak.canaries.length > 0 || config.prompt_leak.system_prompt !== undefined;
  const promptLeak = hasLeakSettings
    ? createPromptLeakDetector({
        canaries: config.prompt_leak.canaries,
        systemPrompt: config.prompt_leak.system_prompt,
        minLeakChars: config.prompt_leak.min_leak_chars,
      })
    : null;
  const hasBlocklist = config.blocklist.words.length > 0 || config.blocklist.patterns.length > 0;
  const blocklist = hasBlocklist ? compileBlocklist({ words: config.blocklist.words, patterns: config.blocklist.patterns }) : null;
  const leakScanned: TextField[] = config.scan_inputs ? ['output', 'input', 'context'] : ['output'];

  return {
    async detect(texts) {
      const views = new Map<TextField, FieldViews>();
      const viewsOf = (fields: TextField[]) =>
        fields.flatMap((field) => {
          const text = field === 'output' ? texts.output : field === 'input' ? texts.input : texts.context;
          if (!text) return [];
          let built = views.get(field);
          if (!built) views.set(field, (built = buildFieldViews(field, text)));
          return [built];
        });
      const run = (detector: SyncDetector | null, fields: TextField[]) => (detector ? detector.detect(viewsOf(fields)) : []);
      const found = [
        ...run(pii, leakScanned),
        ...run(injection, ['input', 'context']),
        ...run(promptLeak, ['output']),
        ...run(blocklist, ['output']),
      ];
      if (secrets) found.push(...(await secrets.detect(viewsOf(leakScanned))));
      return found;
    },
  };
}

/** `metadata.context` as one text: retrieved documents may come as a string or a list of strings. */
export function readContext(metadata: Record<string, unknown> | null | undefined): string | null {
  const context = metadata?.context;
  if (typeof context === 'string') return context;
  if (Array.isArray(context)) {
    const parts = context.filter((part): part is string => typeof part === 'string');
    return parts.length > 0 ? parts.join('\n\n') : null;
  }
  return null;
}
