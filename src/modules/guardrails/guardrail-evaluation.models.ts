import { SEVERITY_RANK, type Detection, type DetectorName, type Severity, type TextField } from '../checks/checks.models.ts';
import { redactText, type RedactionSpan } from '../review/redaction.models.ts';
import type { DetectorAction, GuardrailSpec } from './guardrails.models.ts';

// What POST /v1/check answers, from detections already computed and the scores the app
// passed in. Pure: the same detections, scores and spec always give the same answer.

export const CHECK_ACTIONS = ['allow', 'redact', 'block'] as const;
export type CheckAction = (typeof CHECK_ACTIONS)[number];

export interface CheckFlag {
  check: string;
  origin: 'detector' | 'grader' | 'kill_switch';
  action: DetectorAction;
  kind?: string;
  field?: TextField;
  severity?: Severity;
  score?: number;
  threshold?: number;
  /** How many detections of this check, kind and field were merged into the flag. */
  count?: number;
}

export interface CheckOutcome {
  action: CheckAction;
  flags: CheckFlag[];
  redacted_output?: string;
  /** The fallback text to show instead of the output (kill switch). */
  message?: string;
  guardrail_version: number;
}

/** The parts of a spec that evaluation reads, plus the source's minimum severity for detections. */
export interface GuardrailPolicy {
  version: number;
  spec: Pick<GuardrailSpec, 'graders' | 'detectors' | 'kill_switch'>;
  minSeverity: Severity;
}

const ACTION_RANK: Record<DetectorAction, number> = { flag: 0, redact: 1, block: 2 };

/**
 * A detector's action for one detection. Redaction only applies to the output (the app
 * shows that, not the input); a blocklist pattern that ran out of time could have
 * matched, so a blocking blocklist fails closed instead of letting the output through.
 */
function actionOf(detection: Detection, configured: DetectorAction): DetectorAction {
  if (detection.kind === 'pattern_timeout') return configured === 'block' ? 'block' : 'flag';
  if (configured === 'redact' && detection.field !== 'output') return 'flag';
  return configured;
}

export function evaluateGuardrail(
  policy: GuardrailPolicy,
  detections: readonly Detection[],
  scores: Readonly<Record<string, number>> | undefined,
  output: string,
): CheckOutcome {
  const { spec, version } = policy;
  if (spec.kill_switch.on) {
    return { action: 'block', flags: [{ check: 'kill_switch', origin: 'kill_switch', action: 'block' }], message: spec.kill_switch.message, guardrail_version: version };
  }
  const flags: CheckFlag[] = [];
  const byKey = new Map<string, CheckFlag>();
  const spans: RedactionSpan[] = [];
  let worst: DetectorAction | undefined;
  const minRank = SEVERITY_RANK[policy.minSeverity];
  for (const detection of detections) {
    if (SEVERITY_RANK[detection.severity] < minRank) continue;
    const action = actionOf(detection, spec.detectors[detection.detector as DetectorName].action);
    if (action === 'redact' && detection.end > detection.start) spans.push({ start: detection.start, end: detection.end, kind: detection.kind });
    if (worst === undefined || ACTION_RANK[action] > ACTION_RANK[worst]) worst = action;
    const key = `${detection.detector}:${detection.kind}:${detection.field}:${action}`;
    const existing = byKey.get(key);
    if (existing) {
      existing.count = (existing.count ?? 1) + 1;
      if (detection.score > (existing.score ?? 0)) existing.score = detection.score;
      if (SEVERITY_RANK[detection.severity] > SEVERITY_RANK[existing.severity ?? 'info']) existing.severity = detection.severity;
      continue;
    }
    const flag: CheckFlag = { check: detection.detector, origin: 'detector', action, kind: detection.kind, field: detection.field, severity: detection.severity, score: detection.score, count: 1 };
    byKey.set(key, flag);
    flags.push(flag);
  }
  if (scores) {
    for (const grader in scores) {
      const rule = spec.graders[grader];
      const score = scores[grader]!;
      if (!rule || score < rule.threshold) continue;
      flags.push({ check: grader, origin: 'grader', action: rule.action, score, threshold: rule.threshold });
      if (worst === undefined || ACTION_RANK[rule.action] > ACTION_RANK[worst]) worst = rule.action;
    }
  }
  if (worst === 'block') return { action: 'block', flags, guardrail_version: version };
  if (spans.length > 0) return { action: 'redact', flags, redacted_output: redactText(output, spans), guardrail_version: version };
  return { action: 'allow', flags, guardrail_version: version };
}
