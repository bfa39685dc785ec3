// Finds credentials in event text: secretlint's recommended preset plus the patterns it lacks
// (secrets-patterns.models.ts), on every view of every field. Only views that pass the cheap
// prefilter reach the scanners, because secretlint is too slow to run on every event.

import type { Detection, FieldViews, TextView } from '../checks.models.ts';
import { maskSecret } from '../evidence.models.ts';
import { findExtraSecrets, type SecretHit } from './secrets-patterns.models.ts';
import { isSecretCandidate } from './secrets-prefilter.models.ts';
import { findWithSecretlint } from './secrets-secretlint.models.ts';
import { findCredentials } from './secrets-credentials.models.ts';
import { classifyPlaceholder, findPlaceholderAssignments } from './secrets-placeholder.models.ts';

export { isSecretCandidate } from './secrets-prefilter.models.ts';

export interface SecretsDetector {
  detect(fields: FieldViews[]): Promise<Detection[]>;
}

/** A hit mapped to the original text, with the matched text of the view it was found in. */
interface MappedHit extends SecretHit {
  match: string;
}

/** What a placeholder credential is reported as: lowest priority, so any real secret over it wins. */
const PLACEHOLDER = { kind: 'placeholder_credential', score: 0.3, severity: 'info', priority: 0 } as const;

export function createSecretsDetector(): SecretsDetector {
  return {
    async detect(fields) {
      const detections: Detection[] = [];
      for (const fieldViews of fields) {
        // Most fields have no candidate view: they cost no await and no allocation.
        const candidates = fieldViews.views.filter((view) => isSecretCandidate(view.text));
        if (candidates.length === 0) continue;
        for (const found of keepStrongest(await findInViews(candidates))) {
          detections.push({
            detector: 'secrets',
            kind: found.kind,
            field: fieldViews.field,
            score: found.score,
            severity: found.severity,
            start: found.start,
            end: found.end,
            // Masked from the view's match: a decoded or de-obfuscated key is what a reviewer recognises.
            evidence: maskSecret(found.match),
          });
        }
      }
      return detections;
    },
  };
}

async function findInViews(views: readonly TextView[]): Promise<MappedHit[]> {
  const mapped: MappedHit[] = [];
  for (const view of views) {
    const hits = [...(await findWithSecretlint(view.text)), ...findExtraSecrets(view.text), ...findCredentials(view.text)];
    for (const span of findPlaceholderAssignments(view.text)) hits.push({ ...span, ...PLACEHOLDER });
    for (const found of hits) {
      const { start, end } = view.toOriginal(found.start, found.end);
      const match = view.text.slice(found.start, found.end);
      // A template or a demo database URL grants nothing: recorded at info, never critical.
      const placeholder = found.severity === 'critical' && classifyPlaceholder(match);
      mapped.push({ ...found, ...(placeholder ? PLACEHOLDER : {}), start, end, match });
    }
  }
  return mapped;
}

/**
 * The same secret is often found twice: in several views, in two scan windows, or by a specific
 * rule and a generic one (`api_key=ghp_…` is a GitHub token and an assignment). Of overlapping
 * hits the most specific one (highest priority, then longest) is kept; hits of equal priority
 * but different kinds are both kept, since they name different things. Hits are compared only
 * within a cluster of overlapping spans, so thousands of secrets in one text stay cheap.
 */
function keepStrongest(hits: MappedHit[]): MappedHit[] {
  const byStart = [...hits].sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: MappedHit[] = [];
  let cluster: MappedHit[] = [];
  let clusterEnd = -1;
  for (const found of byStart) {
    if (found.start >= clusterEnd && cluster.length > 0) {
      kept.push(...keepStrongestInCluster(cluster));
      cluster = [];
    }
    cluster.push(found);
    clusterEnd = Math.max(clusterEnd, found.end);
  }
  kept.push(...keepStrongestInCluster(cluster));
  return kept.sort((a, b) => a.start - b.start || a.end - b.end);
}

function keepStrongestInCluster(cluster: MappedHit[]): MappedHit[] {
  const ranked = [...cluster].sort((a, b) => b.priority - a.priority || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: MappedHit[] = [];
  for (const candidate of ranked) {
    const shadowed = kept.some(
      (other) =>
        other.start < candidate.end && candidate.start < other.end && (other.priority > candidate.priority || other.kind === candidate.kind),
    );
    if (!shadowed) kept.push(candidate);
  }
  return kept;
}
