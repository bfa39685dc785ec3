import { z } from 'zod';
import { createErrorFactory, type ErrorDetail } from '../../platform/errors.ts';
import { formatIssuePath } from '../../shared/validation.ts';

// Every interactive id of the review card and its modals, next to the schema of the value
// it carries. Values are short and self-describing (`kind|itemId` or `kind|itemId|score`,
// ≤ 75 characters, the safe option-value limit): a value alone says what was clicked, and
// nothing of the item's content ever travels in a payload.

export const REVIEW_ACTIONS = {
  approve: 'review.approve',
  reject: 'review.reject',
  tone: 'review.rate_tone',
  brand: 'review.rate_brand',
  edgeCase: 'review.edge_case',
  overflow: 'review.more',
  viewFull: 'review.view_full',
  adjudicateApprove: 'review.adjudicate_approve',
  adjudicateReject: 'review.adjudicate_reject',
} as const;

export const REVIEW_VIEWS = { reject: 'review.reject_modal', full: 'review.full_modal' } as const;

/** The overflow menu's options; each option's value is `<option>|<itemId>`. */
export const REVIEW_OVERFLOW_OPTIONS = { viewFull: 'view_full', tighten: 'tighten', escalate: 'escalate' } as const;

export const ITEM_ACTION_KINDS = ['approve', 'reject', 'edge_case', 'view_full', 'tighten', 'escalate', 'adj_approve', 'adj_reject'] as const;
export const RATING_ACTION_KINDS = ['tone', 'brand'] as const;
export type ItemActionKind = (typeof ITEM_ACTION_KINDS)[number];
export type RatingActionKind = (typeof RATING_ACTION_KINDS)[number];
export type ReviewActionKind = ItemActionKind | RatingActionKind;

export type ReviewActionValue =
  | { kind: ItemActionKind; itemId: string }
  | { kind: RatingActionKind; itemId: string; score: number };

export const RATING_SCORES = [1, 2, 3, 4, 5] as const;
const MAX_VALUE_LENGTH = 75;

/** Item ids are prefixed ULIDs in practice; 60 characters leaves room for the longest kind and a score. */
export const reviewItemIdSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,60}$/, 'must be 1 to 60 letters, digits, "_", ".", ":" or "-"');

const itemActionValueSchema = z.object({
  kind: z.enum(ITEM_ACTION_KINDS),
  itemId: reviewItemIdSchema,
});

const ratingActionValueSchema = z.object({
  kind: z.enum(RATING_ACTION_KINDS),
  itemId: reviewItemIdSchema,
  score: z.enum(['1', '2', '3', '4', '5'], { error: 'must be 1 to 5' }).transform(Number),
});

export const createInvalidReviewPayloadError = createErrorFactory({
  code: 'review.invalid_payload',
  statusCode: 400,
  message: (what: string, details: ErrorDetail[]) => `Invalid ${what}: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
  details: (_what: string, details: ErrorDetail[]) => details,
});

export function toDetails(issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  return issues.map((issue) => ({ path: formatIssuePath(issue.path) || '(value)', message: issue.message }));
}

/** The `value` of a review button or option. Throws if the result is longer than Slack-safe. */
export function encodeReviewActionValue(value: ReviewActionValue): string {
  const itemId = reviewItemIdSchema.safeParse(value.itemId);
  if (!itemId.success) throw createInvalidReviewPayloadError(`item id ${JSON.stringify(value.itemId)}`, toDetails(itemId.error.issues));
  const encoded = 'score' in value ? `${value.kind}|${value.itemId}|${value.score}` : `${value.kind}|${value.itemId}`;
  parseReviewActionValue(encoded);
  return encoded;
}

/**
 * Parses a button or option `value`; with `expected`, also checks it is that kind of action
 * (a listener for `review.rate_tone` passes `'tone'`). Throws `review.invalid_payload`.
 */
export function parseReviewActionValue<K extends ReviewActionKind = ReviewActionKind>(
  value: unknown,
  expected?: K,
): Extract<ReviewActionValue, { kind: K }> {
  const what = `review action value ${JSON.stringify(value)?.slice(0, 100)}`;
  if (typeof value !== 'string' || value.length > MAX_VALUE_LENGTH) {
    throw createInvalidReviewPayloadError(what, [{ path: '(value)', message: `must be a string of at most ${MAX_VALUE_LENGTH} characters` }]);
  }
  const [kind = '', itemId, score, ...extra] = value.split('|');
  const isRating = (RATING_ACTION_KINDS as readonly string[]).includes(kind);
  const result = isRating ? ratingActionValueSchema.safeParse({ kind, itemId, score }) : itemActionValueSchema.safeParse({ kind, itemId });
  const details = result.success ? [] : toDetails(result.error.issues);
  if (!isRating && score !== undefined) details.push({ path: 'score', message: `"${kind}" takes no score` });
  if (extra.length > 0) details.push({ path: '(value)', message: `has ${extra.length} extra "|"-separated parts` });
  if (!result.success || details.length > 0) throw createInvalidReviewPayloadError(what, details);
  if (expected !== undefined && result.data.kind !== expected) {
    throw createInvalidReviewPayloadError(what, [{ path: 'kind', message: `expected "${expected}", got "${result.data.kind}"` }]);
  }
  return result.data as Extract<ReviewActionValue, { kind: K }>;
}

/** Block and action ids of the reject modal's inputs: where its answers sit in `view.state.values`. */
export const REJECT_MODAL_INPUTS = {
  reason: { blockId: 'reject_reason', actionId: 'reason_select' },
  dimension: { blockId: 'reject_dimension', actionId: 'dimension_select' },
  note: { blockId: 'reject_note', actionId: 'note_input' },
} as const;

export const REJECT_NOTE_MAX_LENGTH = 1_000;

/** Where the card lives, carried through the modal so the submission can update it. */
export const rejectMetadataSchema = z.strictObject({
  itemId: reviewItemIdSchema,
  channel: z.string().regex(/^[CDG][A-Z0-9]{2,30}$/, 'must be a Slack channel id'),
  ts: z.string().regex(/^\d{1,12}\.\d{1,8}$/, 'must be a Slack message ts'),
});
export type RejectMetadata = z.infer<typeof rejectMetadataSchema>;

export function encodeRejectMetadata(metadata: RejectMetadata): string {
  return JSON.stringify(rejectMetadataSchema.parse(metadata));
}

const inputs = REJECT_MODAL_INPUTS;
const optionValueSchema = z.string().min(1).max(MAX_VALUE_LENGTH);

const rejectValuesSchema = z.object({
  [inputs.reason.blockId]: z.object({
    [inputs.reason.actionId]: z.object({ selected_option: z.object({ value: optionValueSchema }, { error: 'choose a reason' }) }),
  }),
  [inputs.dimension.blockId]: z
    .object({ [inputs.dimension.actionId]: z.object({ selected_option: z.object({ value: optionValueSchema }).nullish() }) })
    .optional(),
  [inputs.note.blockId]: z
    .object({
      [inputs.note.actionId]: z.object({
        value: z.string().max(REJECT_NOTE_MAX_LENGTH, `must be at most ${REJECT_NOTE_MAX_LENGTH} characters`).nullish(),
      }),
    })
    .optional(),
});

const jsonSchema = z.string().transform((text, ctx): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    ctx.issues.push({ code: 'custom', message: 'is not valid JSON', input: text });
    return z.NEVER;
  }
});

const rejectViewSchema = z.object({
  callback_id: z.literal(REVIEW_VIEWS.reject, { error: `must be "${REVIEW_VIEWS.reject}"` }),
  private_metadata: z.string().max(3_000).pipe(jsonSchema).pipe(rejectMetadataSchema),
  state: z.object({ values: rejectValuesSchema }),
});

export interface RejectSubmission extends RejectMetadata {
  reasonCategory: string;
  dimension: string | null;
  note: string | null;
}

/** Parses a reject modal's `view_submission` view into typed data. Throws `review.invalid_payload`. */
export function parseRejectSubmission(view: unknown): RejectSubmission {
  const result = rejectViewSchema.safeParse(view);
  if (!result.success) throw createInvalidReviewPayloadError('reject modal submission', toDetails(result.error.issues));
  const { private_metadata: metadata, state } = result.data;
  const note = state.values[inputs.note.blockId]?.[inputs.note.actionId].value?.trim();
  return {
    ...metadata,
    reasonCategory: state.values[inputs.reason.blockId][inputs.reason.actionId].selected_option.value,
    dimension: state.values[inputs.dimension.blockId]?.[inputs.dimension.actionId].selected_option?.value ?? null,
    note: note ? note : null,
  };
}
