import type { BatchChecks } from '../ingestion/ingestion-batch.usecases.ts';
import type { ChecksConfig } from './checks.config.ts';
import type { Detection } from './checks.models.ts';
import { compileChecks, type EventTexts } from './checks.usecases.ts';

// Every source's compiled detectors, as a detector worker (or, with no workers, the main
// thread) holds them: what a batch of texts or a raw /v1/events body is checked with.

export interface SourceChecks extends BatchChecks {
  detectEach(batch: EventTexts[]): Promise<Detection[][]>;
}

export function compileSourceChecks(configs: Record<string, ChecksConfig>): SourceChecks {
  const compiled = new Map(Object.entries(configs).map(([source, config]) => [source, compileChecks(config)]));
  const detect = async (texts: EventTexts) => (await compiled.get(texts.source)?.detect(texts)) ?? [];
  return {
    isKnownSource: (name) => compiled.has(name),
    flagMinSeverity: (source) => configs[source]?.flag_min_severity ?? 'warn',
    detect,
    async detectEach(batch) {
      const results: Detection[][] = [];
      for (const texts of batch) results.push(await detect(texts));
      return results;
    },
  };
}
