import { z } from 'zod';
import { createErrorFactory } from '../../platform/errors.ts';

// Every interactive id of the proposal card and its Dismiss modal, next to the schema of the
// value it carries. A value is `kind|proposalId`: the proposal row holds everything else, so
// nothing a click sends can change what is applied.

export const CALIBRATION_ACTIONS = { apply: 'calibration.apply', dismiss: 'calibration.dismiss' } as const;
export const CALIBRATION_VIEWS = { dismiss: 'calibration.dismiss_modal' } as const;
export const DISMISS_MODAL_INPUT = { blockId: 'calibration_dismiss_reason', actionId: 'reason_input' } as const;

export const proposalIdSchema = z.string().regex(/^cal_[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a proposal id such as cal_01J…');

const actionValueSchema = z.templateLiteral([z.enum(['apply', 'dismiss']), '|', z.string()]).transform((value, context) => {
  const [kind, id] = value.split('|') as ['apply' | 'dismiss', string];
  const parsed = proposalIdSchema.safeParse(id);
  if (!parsed.success) {
    context.addIssue({ code: 'custom', message: parsed.error.issues[0]?.message ?? 'invalid proposal id' });
    return z.NEVER;
  }
  return { kind, proposalId: parsed.data };
});

export const createInvalidCalibrationPayloadError = createErrorFactory({
  code: 'calibration.invalid_payload',
  statusCode: 400,
  message: (what: string) => `Invalid ${what}.`,
});

export function encodeProposalActionValue(kind: 'apply' | 'dismiss', proposalId: string): string {
  return `${kind}|${proposalIdSchema.parse(proposalId)}`;
}

export function parseProposalActionValue(value: unknown, expected: 'apply' | 'dismiss'): { proposalId: string } {
  const parsed = actionValueSchema.safeParse(value);
  if (!parsed.success || parsed.data.kind !== expected) throw createInvalidCalibrationPayloadError(`${expected} button value`);
  return { proposalId: parsed.data.proposalId };
}

/** The modal remembers which proposal and where it was clicked, for the ephemeral answers. */
const dismissMetadataSchema = z.object({ proposalId: proposalIdSchema, channel: z.string().max(30).nullable() });
export type DismissMetadata = z.infer<typeof dismissMetadataSchema>;

export function encodeDismissMetadata(metadata: DismissMetadata): string {
  return JSON.stringify(dismissMetadataSchema.parse(metadata));
}

const reasonSchema = z.string().trim().min(1, 'Give a reason.').max(500, 'At most 500 characters.');

export function parseDismissSubmission(view: { private_metadata?: string; state: { values: Record<string, Record<string, { value?: string | null }>> } }):
  | { ok: true; metadata: DismissMetadata; reason: string }
  | { ok: false; errors: Record<string, string> } {
  let metadata: DismissMetadata;
  try {
    metadata = dismissMetadataSchema.parse(JSON.parse(view.private_metadata ?? ''));
  } catch {
    throw createInvalidCalibrationPayloadError('dismiss modal metadata');
  }
  const reason = reasonSchema.safeParse(view.state.values[DISMISS_MODAL_INPUT.blockId]?.[DISMISS_MODAL_INPUT.actionId]?.value ?? '');
  if (!reason.success) return { ok: false, errors: { [DISMISS_MODAL_INPUT.blockId]: reason.error.issues[0]?.message ?? 'Give a reason.' } };
  return { ok: true, metadata, reason: reason.data };
}
