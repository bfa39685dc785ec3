import { z } from 'zod';
import { createErrorFactory, type ErrorDetail } from '../../platform/errors.ts';
import { formatIssuePath } from '../../shared/validation.ts';
import { DETECTOR_NAMES, type DetectorName } from '../checks/checks.models.ts';
import { graderNameSchema } from './guardrails.models.ts';

// Every interactive id of the guardrail modals and messages, next to the schema of what it
// carries. Values and metadata hold ids and choices only: the pattern an approver types is
// read from the view state, never from a value Vigil wrote earlier.

export const GUARDRAIL_ACTIONS = {
  /** The pattern input dispatches on Enter: the preview is computed again for the edited pattern. */
  patternPreview: 'guardrails.pattern_preview',
  revert: 'guardrails.revert',
  confirmRollback: 'guardrails.confirm_rollback',
  cancelRollback: 'guardrails.cancel_rollback',
} as const;

export const GUARDRAIL_VIEWS = { tighten: 'guardrails.tighten_modal', confirm: 'guardrails.confirm_modal' } as const;

export const TIGHTEN_INPUTS = {
  choice: { blockId: 'guardrails_choice', actionId: 'choice' },
  pattern: { blockId: 'guardrails_pattern', actionId: GUARDRAIL_ACTIONS.patternPreview },
  reason: { blockId: 'guardrails_reason', actionId: 'reason' },
} as const;

export const TIGHTEN_REASON_MAX_LENGTH = 500;

export type TightenChoice =
  | { kind: 'block_pattern' }
  | { kind: 'threshold'; grader: string }
  | { kind: 'detector'; detector: DetectorName }
  | { kind: 'kill_switch'; on: boolean }
  | { kind: 'rollback' };

export const createInvalidGuardrailPayloadError = createErrorFactory({
  code: 'guardrail.invalid_payload',
  statusCode: 400,
  message: (what: string, details: ErrorDetail[]) => `Invalid ${what}: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
  details: (_what: string, details: ErrorDetail[]) => details,
});

const toDetails = (issues: readonly z.core.$ZodIssue[]): ErrorDetail[] =>
  issues.map((issue) => ({ path: formatIssuePath(issue.path) || '(value)', message: issue.message }));

function parseWith<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw createInvalidGuardrailPayloadError(what, toDetails(result.error.issues));
  return result.data;
}

export function encodeTightenChoice(choice: TightenChoice): string {
  switch (choice.kind) {
    case 'threshold':
      return `threshold|${choice.grader}`;
    case 'detector':
      return `detector|${choice.detector}`;
    case 'kill_switch':
      return `kill_switch|${choice.on ? 'on' : 'off'}`;
    default:
      return choice.kind;
  }
}

const choiceSchema = z.string().max(75).transform((value, ctx): TightenChoice => {
  const [kind, arg, ...extra] = value.split('|');
  if (extra.length === 0) {
    if (kind === 'block_pattern' && arg === undefined) return { kind };
    if (kind === 'rollback' && arg === undefined) return { kind };
    if (kind === 'kill_switch' && (arg === 'on' || arg === 'off')) return { kind, on: arg === 'on' };
    if (kind === 'detector' && (DETECTOR_NAMES as readonly string[]).includes(arg ?? '')) return { kind, detector: arg as DetectorName };
    if (kind === 'threshold' && graderNameSchema.safeParse(arg).success) return { kind, grader: arg! };
  }
  ctx.issues.push({ code: 'custom', message: 'is not a guardrail choice', input: value });
  return z.NEVER;
});

const slackChannel = z.string().regex(/^[CDG][A-Z0-9]{2,30}$/, 'must be a Slack channel id');
const itemId = z.string().regex(/^[A-Za-z0-9_.:-]{1,60}$/, 'must be a review item id');

/** Where the tighten modal came from: the item, and the card's channel for ephemeral answers. */
export const tightenMetadataSchema = z.strictObject({ itemId, channel: slackChannel.optional() });
export type TightenMetadata = z.infer<typeof tightenMetadataSchema>;

/** What the confirmation modal confirms; the target is re-checked when it is submitted. */
export const confirmMetadataSchema = z.strictObject({
  kind: z.enum(['rollback', 'kill_switch']),
  on: z.boolean().optional(),
  itemId,
  channel: slackChannel.optional(),
  target: z.string().max(256).optional(),
  reason: z.string().max(TIGHTEN_REASON_MAX_LENGTH + 200),
});
export type ConfirmMetadata = z.infer<typeof confirmMetadataSchema>;

const jsonText = z.string().max(3_000).transform((text, ctx): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    ctx.issues.push({ code: 'custom', message: 'is not valid JSON', input: text });
    return z.NEVER;
  }
});

const optionalText = z.object({ value: z.string().nullish() }).optional();

const tightenViewSchema = z.object({
  callback_id: z.literal(GUARDRAIL_VIEWS.tighten),
  private_metadata: jsonText.pipe(tightenMetadataSchema),
  state: z.object({
    values: z.object({
      [TIGHTEN_INPUTS.choice.blockId]: z.object({
        [TIGHTEN_INPUTS.choice.actionId]: z.object({ selected_option: z.object({ value: choiceSchema }, { error: 'choose what to change' }) }),
      }),
      [TIGHTEN_INPUTS.pattern.blockId]: z.object({ [TIGHTEN_INPUTS.pattern.actionId]: optionalText }).optional(),
      [TIGHTEN_INPUTS.reason.blockId]: z.object({ [TIGHTEN_INPUTS.reason.actionId]: optionalText }).optional(),
    }),
  }),
});

export interface TightenSubmission extends TightenMetadata {
  choice: TightenChoice;
  pattern: string | null;
  reason: string | null;
}

const trimmed = (value: string | null | undefined): string | null => (value?.trim() ? value.trim() : null);

/** Parses the tighten modal's `view_submission`. Throws `guardrail.invalid_payload`. */
export function parseTightenSubmission(view: unknown): TightenSubmission {
  const { private_metadata: metadata, state } = parseWith(tightenViewSchema, view, 'tighten modal submission');
  const values = state.values;
  const reason = trimmed(values[TIGHTEN_INPUTS.reason.blockId]?.[TIGHTEN_INPUTS.reason.actionId]?.value);
  return {
    ...metadata,
    choice: values[TIGHTEN_INPUTS.choice.blockId][TIGHTEN_INPUTS.choice.actionId].selected_option.value,
    pattern: trimmed(values[TIGHTEN_INPUTS.pattern.blockId]?.[TIGHTEN_INPUTS.pattern.actionId]?.value),
    reason: reason === null ? null : reason.slice(0, TIGHTEN_REASON_MAX_LENGTH),
  };
}

/** The pattern typed so far and the modal's metadata, from a `block_actions` inside the tighten modal. */
export function parsePatternPreviewAction(view: unknown): { metadata: TightenMetadata; pattern: string | null; viewId: string; hash: string } {
  const schema = z.object({
    id: z.string(),
    hash: z.string(),
    private_metadata: jsonText.pipe(tightenMetadataSchema),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), z.object({ value: z.string().nullish() }).loose())) }),
  });
  const parsed = parseWith(schema, view, 'tighten modal');
  const pattern = trimmed(parsed.state.values[TIGHTEN_INPUTS.pattern.blockId]?.[TIGHTEN_INPUTS.pattern.actionId]?.value);
  return { metadata: parsed.private_metadata, pattern, viewId: parsed.id, hash: parsed.hash };
}

const confirmViewSchema = z.object({ callback_id: z.literal(GUARDRAIL_VIEWS.confirm), private_metadata: jsonText.pipe(confirmMetadataSchema) });

export function parseConfirmSubmission(view: unknown): ConfirmMetadata {
  return parseWith(confirmViewSchema, view, 'confirmation modal submission').private_metadata;
}

/** `support-bot|11`: the source and the version the Revert button restores. */
export function encodeRevertValue(source: string, version: number): string {
  return `${source}|${version}`;
}

const revertSchema = z
  .string()
  .max(75)
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}\|\d{1,9}$/, 'must be "<source>|<version>"')
  .transform((value) => {
    const [source, version] = value.split('|');
    return { source: source!, version: Number(version) };
  });

export function parseRevertValue(value: unknown): { source: string; version: number } {
  return parseWith(revertSchema, value, 'revert button value');
}

const requestIdSchema = z.string().regex(/^rbr_[0-9A-Z]{26}$/, 'must be a rollback request id');

export function parseRollbackRequestValue(value: unknown): string {
  return parseWith(requestIdSchema, value, 'rollback request button value');
}
