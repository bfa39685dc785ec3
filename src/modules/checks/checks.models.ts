// The vocabulary every check speaks. Detectors are deterministic and synchronous;
// graders are LLM judges. Both produce results in [0, 1]; flags are results at or
// over a source's threshold.

export const SEVERITIES = ['info', 'warn', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warn: 1, critical: 2 };

export const DETECTOR_NAMES = ['secrets', 'pii', 'prompt_leak', 'injection', 'blocklist'] as const;
export type DetectorName = (typeof DETECTOR_NAMES)[number];

/** Which part of the event a detection was found in. `context` is `metadata.context` (retrieved text). */
export type TextField = 'input' | 'output' | 'context';

/**
 * One view of a text that a detector scans. The normalised view (NFKC, zero-width and bidi
 * characters removed) and the decoded view (base64 / hex / URL-encoded runs decoded) differ
 * from the original, so every view maps its offsets back to the original text.
 */
export interface TextView {
  name: 'original' | 'normalized' | 'decoded' | 'joined' | ReadingName;
  text: string;
  /** Maps a [start, end) range of this view to the [start, end) range of the original text it came from. */
  toOriginal(start: number, end: number): { start: number; end: number };
}

/** Re-readings of a text for the injection rules: look-alike letters, leetspeak, ROT13, mirrored text. */
export type ReadingName = 'skeleton' | 'leet' | 'rot13' | 'reversed' | 'reversed_words';

/** All views of one field of an event, computed once and shared by every detector. */
export interface FieldViews {
  field: TextField;
  original: string;
  views: TextView[];
  /** Readings (views-readings.models.ts), built only when a cheap gate says the text may need them; scanned by the injection rules only. */
  readings?: TextView[];
}

export interface Detection {
  detector: DetectorName;
  /** What was found, e.g. `aws_access_key`, `email`, `credit_card`, `canary`, `instruction_override`. */
  kind: string;
  field: TextField;
  /** Confidence in [0, 1]. */
  score: number;
  severity: Severity;
  /** Offsets in the original text of `field` (UTF-16 code units, end exclusive). */
  start: number;
  end: number;
  /** The match with most of it masked, safe to show in Slack and logs. */
  evidence: string;
  /** The version of a learned model that took part (the injection model's weights), like a grader's version. */
  version?: string;
}

export const FLAG_ORIGINS = ['detector', 'grader', 'app', 'system'] as const;
export type FlagOrigin = (typeof FLAG_ORIGINS)[number];

/** A check result over its threshold, or a flag the app sent; what sampling and cards look at. */
export interface Flag {
  /** Detector or grader name, the app's flag name, or `grader_unavailable`. */
  check: string;
  origin: FlagOrigin;
  kind?: string;
  severity: Severity;
  score?: number;
  reason?: string;
}

export const GRADER_UNAVAILABLE = 'grader_unavailable';

/** One flag per (detector, kind) at or above the source's minimum severity, keeping the worst. */
export function deriveDetectorFlags(detections: readonly Detection[], minSeverity: Severity): Flag[] {
  const byKey = new Map<string, Flag>();
  for (const detection of detections) {
    if (SEVERITY_RANK[detection.severity] < SEVERITY_RANK[minSeverity]) continue;
    const key = `${detection.detector}:${detection.kind}`;
    const existing = byKey.get(key);
    if (!existing || SEVERITY_RANK[detection.severity] > SEVERITY_RANK[existing.severity] || detection.score > (existing.score ?? 0)) {
      byKey.set(key, { check: detection.detector, origin: 'detector', kind: detection.kind, severity: detection.severity, score: detection.score });
    }
  }
  return [...byKey.values()];
}

export function maxSeverity(flags: readonly Pick<Flag, 'severity'>[]): Severity | null {
  let worst: Severity | null = null;
  for (const flag of flags) if (worst === null || SEVERITY_RANK[flag.severity] > SEVERITY_RANK[worst]) worst = flag.severity;
  return worst;
}
