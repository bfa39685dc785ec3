import type { Detection, DetectorName } from '../checks/checks.models.ts';
import { pluralize, strongestFlag, toFlagLike } from '../checks/flag-wording.models.ts';
import type { DetectorAction, GuardrailSpec } from './guardrails.models.ts';

// The tighten modal's words, and which change it proposes first. A leak is stopped by
// switching its detector to block, not by a phrase from the answer's first words; an off-brand
// or rude answer is stopped by blocking its phrase. Plain text; the blocks escape it.

export const PREVIEW_DAYS = 7;

/** Detectors whose findings a blocked phrase cannot catch: the same secret or injection never repeats word for word. */
const DETECTORS_TO_BLOCK: ReadonlySet<string> = new Set(['secrets', 'pii', 'prompt_leak', 'injection']);

/**
 * The detector whose switch to block the modal proposes first: the one behind the item's
 * strongest finding, when it is a leak or an injection and does not block yet; else null
 * (the block-this-phrase proposal leads).
 */
export function chooseLeadDetector(detections: readonly Pick<Detection, 'detector' | 'kind' | 'field' | 'severity' | 'score'>[], spec: GuardrailSpec): DetectorName | null {
  const candidates = detections.filter((d) => DETECTORS_TO_BLOCK.has(d.detector) && spec.detectors[d.detector].action !== 'block');
  const strongest = strongestFlag(candidates.map((d) => ({ ...toFlagLike(d), detection: d })));
  return strongest ? strongest.detection.detector : null;
}

export const TIGHTEN_COPY = {
  title: 'Tighten guardrail',
  blockPattern: 'Block answers with this phrase',
  blockPatternEmpty: 'Type a phrase or regex below',
  choiceLabel: 'What to change',
  patternLabel: 'Phrase or regex to block (case-insensitive)',
  patternPlaceholder: 'e.g. we never give refunds',
  patternHint: `Used by "Block answers with this phrase". Press Enter to preview it on the last ${PREVIEW_DAYS} days.`,
  reasonLabel: 'Why',
  reasonPlaceholder: 'Kept with the new version and in the audit log',
  noRollback: 'No rollback offered: no release other than the live one is known-good yet.',
} as const;

const DETECTOR_SWITCHES: Record<DetectorName, (action: DetectorAction) => string> = {
  secrets: (action) => `Block answers that contain secrets (now ${action})`,
  pii: (action) => `Block answers that contain personal data (now ${action})`,
  prompt_leak: (action) => `Block answers that leak the system prompt (now ${action})`,
  injection: (action) => `Raise prompt injection from ${action} to block`,
  blocklist: (action) => `Block answers with blocklisted words (now ${action})`,
};

/** "Block answers that contain secrets (now redact)" / "Raise prompt injection from flag to block". */
export function describeDetectorSwitch(detector: DetectorName, action: DetectorAction, recentCount: number): { label: string; description: string } {
  const label = DETECTOR_SWITCHES[detector](action);
  return { label, description: `Fired on ${pluralize(recentCount, 'event')} in the last ${PREVIEW_DAYS} days` };
}

export function describeThresholdChange(grader: string, proposed: number, current: number, extraPerDay: number): { label: string; description: string } {
  const rate = extraPerDay >= 10 ? extraPerDay.toFixed(0) : extraPerDay.toFixed(1);
  return {
    label: `Lower ${grader} threshold to ${proposed.toFixed(2)}`,
    description: `About ${rate} more flagged ${rate === '1.0' ? 'event' : 'events'} a day (now ${current.toFixed(2)})`,
  };
}

export function describePatternCount(preview: { matched: number; scanned: number; partial: boolean }): string {
  const of = preview.partial ? `the ${pluralize(preview.scanned, 'most recent event', 'most recent events')}` : pluralize(preview.scanned, 'event');
  return `Matches ${preview.matched} of ${of} in ${PREVIEW_DAYS} days`;
}
