import type { CountryCode } from 'libphonenumber-js/max';
import type { ChecksConfig } from './checks.config.ts';
import type { Detection, FieldViews, TextField } from './checks.models.ts';
import { compileBlocklist } from './detectors/blocklist.detector.ts';
import { loadInjectionModel } from './detectors/injection-model-file.models.ts';
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
  /**
   * `also` is a detector of the caller's (a guardrail's blocklist) run on the output's views,
   * which are then built once for every detector; its detections come last.
   */
  detect(texts: EventTexts, also?: SyncDetector | null): Promise<Detection[]>;
}

export type SyncDetector = { detect(fields: FieldViews[]): Detection[] };

const INJECTION_FIELDS: readonly TextField[] = ['input', 'context'];
const INJECTION_FIELDS_AND_OUTPUT: readonly TextField[] = ['input', 'context', 'output'];
const OUTPUT_FIELD: readonly TextField[] = ['output'];
const ALL_FIELDS: readonly TextField[] = ['output', 'input', 'context'];

/** The views of one event's fields, built on first use: undefined until then, null for an empty field. */
interface EventViews {
  output: FieldViews | null | undefined;
  input: FieldViews | null | undefined;
  context: FieldViews | null | undefined;
}

/** `leakFields`: the fields the leak detectors scan, which alone need the joined view. */
function listViews(texts: EventTexts, built: EventViews, fields: readonly TextField[], leakFields: readonly TextField[]): FieldViews[] {
  const list: FieldViews[] = [];
  for (const field of fields) {
    let views = built[field];
    if (views === undefined) {
      const text = field === 'output' ? texts.output : field === 'input' ? texts.input : texts.context;
      views = built[field] = text ? buildFieldViews(field, text, { leaks: leakFields.includes(field) }) : null;
    }
    if (views) list.push(views);
  }
  return list;
}

function pushAll(target: Detection[], found: readonly Detection[]): void {
  for (const detection of found) target.push(detection);
}

/** Detectors are built once per source configuration: regexes, n-gram sets and word lists compile here, not per event. */
export function compileChecks(config: ChecksConfig): CompiledChecks {
  const secrets = config.secrets.enabled ? createSecretsDetector() : null;
  const pii = config.pii.enabled && config.pii.kinds.length > 0 ? createPiiDetector({ kinds: config.pii.kinds, phoneRegions: config.pii.phone_regions as CountryCode[] }) : null;
  const injection = config.injection.enabled ? createInjectionDetector(loadInjectionModel()) : null;
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
  const leakScanned = config.scan_inputs ? ALL_FIELDS : OUTPUT_FIELD;
  const scanOutput = config.injection.scan_output;

  // Plain statements, no closure per call: under tsx's keepNames each named closure costs an
  // Object.defineProperty, on every check.
  return {
    async detect(texts, also) {
      const built: EventViews = { output: undefined, input: undefined, context: undefined };
      const found: Detection[] = [];
      if (pii) pushAll(found, pii.detect(listViews(texts, built, leakScanned, leakScanned)));
      if (injection) {
        const withOutput = scanOutput === 'always' || (scanOutput === 'with_context' && texts.context);
        pushAll(found, injection.detect(listViews(texts, built, withOutput ? INJECTION_FIELDS_AND_OUTPUT : INJECTION_FIELDS, leakScanned)));
      }
      if (promptLeak) pushAll(found, promptLeak.detect(listViews(texts, built, OUTPUT_FIELD, leakScanned)));
      if (blocklist) pushAll(found, blocklist.detect(listViews(texts, built, OUTPUT_FIELD, leakScanned)));
      if (secrets) pushAll(found, await secrets.detect(listViews(texts, built, leakScanned, leakScanned)));
      // The caller's detector sees the output even when it is empty, as it would on its own.
      if (also) pushAll(found, also.detect([built.output ?? buildFieldViews('output', texts.output)]));
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
