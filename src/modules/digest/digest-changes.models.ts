import { z } from 'zod';
import type { ChangeFigures, ThresholdChange } from './digest-data.models.ts';

// "What was changed" is read from the audit log, where the guardrails module records
// every version it writes (guardrails.usecases.ts): the action names below, with
// `details.version`, `details.kind`, `details.reason`, `details.diff` (paths such as
// `graders.tone.threshold`) and, for a rollback, `details.rollback`. The seed version
// from the config file is not a change anyone made, so it is left out.

export const GUARDRAIL_CHANGE_ACTIONS = [
  'guardrail.version_created',
  'guardrail.reverted',
  'guardrail.imported',
  'release.rolled_back',
  'guardrail.kill_switch_on',
  'guardrail.kill_switch_off',
  // The generic name the digest was specified against; the guardrails module writes _on/_off.
  'guardrail.kill_switch',
] as const;

export interface ChangeAuditEntry {
  at: number;
  actor: string;
  action: string;
  details: Record<string, unknown>;
}

const diffEntrySchema = z.object({ path: z.string(), from: z.unknown().optional(), to: z.unknown().optional() });
const versionDetailsSchema = z.object({
  version: z.number().int(),
  kind: z.string().optional(),
  reason: z.string().default(''),
  diff: z.array(diffEntrySchema).default([]),
  rollback: z.object({ from_release: z.string().nullable(), to_release: z.string() }).optional(),
});

type DiffEntry = z.infer<typeof diffEntrySchema>;

const GRADER_PATH = /^graders\.([^.]+)(\.threshold)?$/;

/** A grader rule (`{ threshold, action }`) or a bare threshold, as diffs hold them. */
function readThreshold(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { threshold?: unknown }).threshold === 'number') {
    return (value as { threshold: number }).threshold;
  }
  return null;
}

function readThresholdChanges(diff: readonly DiffEntry[], base: Pick<ThresholdChange, 'version' | 'actor' | 'at'>): ThresholdChange[] {
  return diff.flatMap((entry) => {
    const match = GRADER_PATH.exec(entry.path);
    if (!match) return [];
    const from = readThreshold(entry.from);
    const to = readThreshold(entry.to);
    return from === to ? [] : [{ grader: match[1]!, from, to, ...base }];
  });
}

function readKillSwitch(action: string, diff: readonly DiffEntry[]): boolean | null {
  if (action === 'guardrail.kill_switch_on') return true;
  if (action === 'guardrail.kill_switch_off') return false;
  const entry = diff.find((item) => item.path === 'kill_switch.on');
  return typeof entry?.to === 'boolean' ? entry.to : null;
}

/**
 * The week's changes from its audit entries (in log order). An entry whose details do not
 * have the recorded shape (a version number at least) is not a guardrail version and is skipped.
 */
export function readChangesFromAudit(entries: readonly ChangeAuditEntry[]): ChangeFigures {
  const changes: ChangeFigures = { versions: [], thresholds: [], rollbacks: [], killSwitches: [] };
  for (const entry of entries) {
    if (!(GUARDRAIL_CHANGE_ACTIONS as readonly string[]).includes(entry.action)) continue;
    const parsed = versionDetailsSchema.safeParse(entry.details);
    if (!parsed.success) continue;
    const { version, reason, diff, rollback } = parsed.data;
    const base = { version, actor: entry.actor, at: entry.at };
    changes.versions.push({ ...base, kind: parsed.data.kind ?? entry.action, reason });
    changes.thresholds.push(...readThresholdChanges(diff, base));
    if (entry.action === 'release.rolled_back' && rollback) {
      changes.rollbacks.push({ ...base, fromRelease: rollback.from_release, toRelease: rollback.to_release, reason });
    }
    const on = entry.action.startsWith('guardrail.kill_switch') ? readKillSwitch(entry.action, diff) : null;
    if (on !== null) changes.killSwitches.push({ ...base, on, reason });
  }
  return changes;
}
