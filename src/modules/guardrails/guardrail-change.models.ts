import { z } from 'zod';
import { DETECTOR_NAMES, type DetectorName } from '../checks/checks.models.ts';
import {
  blocklistPatternSchema,
  blocklistWordSchema,
  detectorRuleSchema,
  GRADER_ACTIONS,
  graderNameSchema,
  pinnedReleaseSchema,
  type GuardrailDiffEntry,
  type GuardrailSpec,
} from './guardrails.models.ts';

// A change is a patch applied to the latest spec inside the write transaction, so two
// approvers who each add a pattern at the same moment both get theirs: add/remove
// operations compose, where "here is the whole new list" would lose one of them.

const wordList = z.array(blocklistWordSchema).max(5000);
const patternList = z.array(blocklistPatternSchema).max(500);

export const guardrailChangeSchema = z
  .object({
    /** A grader rule to set (fields omitted keep their value) or null to remove it. */
    graders: z
      .record(
        graderNameSchema,
        z.object({ threshold: z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1').optional(), action: z.enum(GRADER_ACTIONS).optional() }).strict().nullable(),
      )
      .optional(),
    detectors: z.partialRecord(z.enum(DETECTOR_NAMES), detectorRuleSchema).optional(),
    blocklist: z
      .object({
        words: wordList.optional(),
        patterns: patternList.optional(),
        add_words: wordList.optional(),
        remove_words: wordList.optional(),
        add_patterns: patternList.optional(),
        remove_patterns: z.array(z.string()).max(500).optional(),
      })
      .strict()
      .optional(),
    kill_switch: z.object({ on: z.boolean().optional(), message: z.string().min(1).max(2000).optional() }).strict().optional(),
    pinned_release: pinnedReleaseSchema.nullable().optional(),
  })
  .strict();

export type GuardrailChange = z.infer<typeof guardrailChangeSchema>;

export class GuardrailChangeConflict extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(message);
    this.name = 'GuardrailChangeConflict';
    this.path = path;
  }
}

function applyListChange(current: string[], replace: string[] | undefined, add: string[] | undefined, remove: string[] | undefined): string[] {
  let next = replace ? [...replace] : [...current];
  if (remove?.length) {
    const dropped = new Set(remove);
    next = next.filter((item) => !dropped.has(item));
  }
  for (const item of add ?? []) if (!next.includes(item)) next.push(item);
  return [...new Set(next)];
}

/** The spec after the change. Throws GuardrailChangeConflict when a new grader comes without a threshold. */
export function applyGuardrailChange(spec: GuardrailSpec, change: GuardrailChange): GuardrailSpec {
  const graders = { ...spec.graders };
  for (const [name, rule] of Object.entries(change.graders ?? {})) {
    if (rule === null) {
      delete graders[name];
      continue;
    }
    const existing = graders[name];
    const threshold = rule.threshold ?? existing?.threshold;
    if (threshold === undefined) throw new GuardrailChangeConflict(`graders.${name}.threshold`, `grader "${name}" has no rule yet: give its threshold`);
    graders[name] = { threshold, action: rule.action ?? existing?.action ?? 'flag' };
  }
  const detectors = { ...spec.detectors };
  for (const [name, rule] of Object.entries(change.detectors ?? {}) as [DetectorName, { action: GuardrailSpec['detectors'][DetectorName]['action'] }][]) {
    detectors[name] = { action: rule.action };
  }
  const list = change.blocklist;
  return {
    graders,
    detectors,
    blocklist: {
      words: applyListChange(spec.blocklist.words, list?.words, list?.add_words, list?.remove_words),
      patterns: applyListChange(spec.blocklist.patterns, list?.patterns, list?.add_patterns, list?.remove_patterns),
    },
    kill_switch: { on: change.kill_switch?.on ?? spec.kill_switch.on, message: change.kill_switch?.message ?? spec.kill_switch.message },
    pinned_release: change.pinned_release === undefined ? spec.pinned_release : change.pinned_release,
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function diffList(path: string, before: string[], after: string[]): GuardrailDiffEntry[] {
  const added = after.filter((item) => !before.includes(item));
  const removed = before.filter((item) => !after.includes(item));
  return added.length || removed.length ? [{ path, added, removed }] : [];
}

/** What changed between two specs, leaf by leaf; lists are compared as sets. Empty when they are equal. */
export function diffGuardrailSpecs(before: GuardrailSpec, after: GuardrailSpec): GuardrailDiffEntry[] {
  const diff: GuardrailDiffEntry[] = [];
  const graderNames = [...new Set([...Object.keys(before.graders), ...Object.keys(after.graders)])].sort();
  for (const name of graderNames) {
    const from = before.graders[name];
    const to = after.graders[name];
    if (!from || !to) {
      diff.push({ path: `graders.${name}`, from: from ?? null, to: to ?? null });
      continue;
    }
    if (from.threshold !== to.threshold) diff.push({ path: `graders.${name}.threshold`, from: from.threshold, to: to.threshold });
    if (from.action !== to.action) diff.push({ path: `graders.${name}.action`, from: from.action, to: to.action });
  }
  for (const name of DETECTOR_NAMES) {
    const from = before.detectors[name].action;
    const to = after.detectors[name].action;
    if (from !== to) diff.push({ path: `detectors.${name}.action`, from, to });
  }
  diff.push(...diffList('blocklist.words', before.blocklist.words, after.blocklist.words));
  diff.push(...diffList('blocklist.patterns', before.blocklist.patterns, after.blocklist.patterns));
  if (before.kill_switch.on !== after.kill_switch.on) diff.push({ path: 'kill_switch.on', from: before.kill_switch.on, to: after.kill_switch.on });
  if (before.kill_switch.message !== after.kill_switch.message) {
    diff.push({ path: 'kill_switch.message', from: before.kill_switch.message, to: after.kill_switch.message });
  }
  if (!same(before.pinned_release, after.pinned_release)) diff.push({ path: 'pinned_release', from: before.pinned_release, to: after.pinned_release });
  return diff;
}

/** One line per entry, for the CLI and Slack: `~ graders.brand.threshold: 0.6 → 0.4`, `+ blocklist.patterns: "refund"`. */
export function formatGuardrailDiff(diff: readonly GuardrailDiffEntry[]): string[] {
  const show = (value: unknown) => JSON.stringify(value);
  return diff.flatMap((entry) => {
    if (entry.added || entry.removed) {
      return [...(entry.added ?? []).map((item) => `+ ${entry.path}: ${show(item)}`), ...(entry.removed ?? []).map((item) => `- ${entry.path}: ${show(item)}`)];
    }
    if (entry.from === null) return [`+ ${entry.path}: ${show(entry.to)}`];
    if (entry.to === null) return [`- ${entry.path}: ${show(entry.from)}`];
    return [`~ ${entry.path}: ${show(entry.from)} → ${show(entry.to)}`];
  });
}
