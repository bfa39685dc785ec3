import { z } from 'zod';
import { toErrorDetails } from '../../shared/validation.ts';
import { createInvalidIncidentPayloadError } from './incidents.errors.ts';
import { INCIDENT_SEVERITIES, type IncidentSeverity } from './incidents.models.ts';

// Every interactive id of the incident message and its modals, next to the schema of what it
// carries. A button's value is the incident id alone; modals carry their context in
// private_metadata as JSON. Nothing of an item's content travels in a payload.

export const INCIDENT_ACTIONS = {
  acknowledge: 'incident.acknowledge',
  postUpdate: 'incident.post_update',
  rollback: 'incident.rollback',
  resolve: 'incident.resolve',
} as const;

export const INCIDENT_VIEWS = {
  escalate: 'incident.escalate_modal',
  update: 'incident.update_modal',
  resolve: 'incident.resolve_modal',
} as const;

/** Block and action ids of the modals' inputs: where the answers sit in `view.state.values`. */
export const INCIDENT_INPUTS = {
  source: { blockId: 'incident_source', actionId: 'source_select' },
  severity: { blockId: 'incident_severity', actionId: 'severity_select' },
  title: { blockId: 'incident_title', actionId: 'title_input' },
  summary: { blockId: 'incident_summary', actionId: 'summary_input' },
  update: { blockId: 'incident_update', actionId: 'update_input' },
  resolution: { blockId: 'incident_resolution', actionId: 'resolution_input' },
} as const;

export const TITLE_MAX_LENGTH = 150;
export const SUMMARY_MAX_LENGTH = 3_000;
export const UPDATE_MAX_LENGTH = 3_000;

export const incidentIdSchema = z.string().regex(/^inc_[0-9A-HJKMNP-TV-Z]{26}$/, 'must be an incident id (inc_…)');
const sourceSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a source name');
const itemIdSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,60}$/, 'must be a review item id');
const channelSchema = z.string().regex(/^[CDG][A-Z0-9]{2,30}$/, 'must be a Slack channel id');

export function parseIncidentActionValue(value: unknown): string {
  const result = incidentIdSchema.safeParse(value);
  if (!result.success) throw createInvalidIncidentPayloadError(`incident action value ${JSON.stringify(value)?.slice(0, 80)}`, toErrorDetails(result.error.issues));
  return result.data;
}

const jsonSchema = z.string().max(3_000).transform((text, ctx): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    ctx.issues.push({ code: 'custom', message: 'is not valid JSON', input: text });
    return z.NEVER;
  }
});

/** What the escalate modal remembers: the source and item it was opened for, and where the click came from. */
export const escalateMetadataSchema = z.strictObject({
  source: sourceSchema.optional(),
  itemId: itemIdSchema.optional(),
  channel: channelSchema.optional(),
});
export type EscalateMetadata = z.infer<typeof escalateMetadataSchema>;

export const incidentMetadataSchema = z.strictObject({ incidentId: incidentIdSchema });

const inputs = INCIDENT_INPUTS;
const selected = (message: string) => z.object({ selected_option: z.object({ value: z.string().min(1).max(75) }, { error: message }) });
const textValue = (max: number, message: string) =>
  z.object({ value: z.string({ error: message }).trim().min(1, message).max(max, `must be at most ${max} characters`) });
const optionalText = (max: number) => z.object({ value: z.string().max(max, `must be at most ${max} characters`).nullish() });

const escalateViewSchema = z.object({
  callback_id: z.literal(INCIDENT_VIEWS.escalate),
  private_metadata: jsonSchema.pipe(escalateMetadataSchema),
  state: z.object({
    values: z.object({
      [inputs.source.blockId]: z.object({ [inputs.source.actionId]: selected('choose a source') }).optional(),
      [inputs.severity.blockId]: z.object({ [inputs.severity.actionId]: selected('choose a severity') }),
      [inputs.title.blockId]: z.object({ [inputs.title.actionId]: textValue(TITLE_MAX_LENGTH, 'give the incident a title') }),
      [inputs.summary.blockId]: z.object({ [inputs.summary.actionId]: optionalText(SUMMARY_MAX_LENGTH) }).optional(),
    }),
  }),
});

export interface EscalateSubmission {
  source: string;
  itemId: string | null;
  channel: string | null;
  severity: IncidentSeverity;
  title: string;
  summary: string;
}

/** Issues keyed by block id, as `response_action: 'errors'` wants them. */
export type ModalErrors = Record<string, string>;

export type ParsedSubmission<T> = { ok: true; value: T } | { ok: false; errors: ModalErrors };

function toModalErrors(issues: readonly z.core.$ZodIssue[], fallbackBlock: string): ModalErrors {
  const errors: ModalErrors = {};
  for (const issue of issues) {
    // state.values.<block_id>.<action_id>…: the block id is what Slack shows the error under.
    const block = issue.path[0] === 'state' && typeof issue.path[2] === 'string' ? issue.path[2] : fallbackBlock;
    errors[block] ??= issue.message;
  }
  return errors;
}

/** Parses the escalate modal; bad input comes back as per-field errors for the modal. */
export function parseEscalateSubmission(view: unknown): ParsedSubmission<EscalateSubmission> {
  const result = escalateViewSchema.safeParse(view);
  if (!result.success) return { ok: false, errors: toModalErrors(result.error.issues, inputs.title.blockId) };
  const { private_metadata: metadata, state } = result.data;
  const values = state.values;
  const source = metadata.source ?? values[inputs.source.blockId]?.[inputs.source.actionId].selected_option.value;
  if (!source || !sourceSchema.safeParse(source).success) return { ok: false, errors: { [inputs.source.blockId]: 'choose a source' } };
  const severity = z.enum(INCIDENT_SEVERITIES).safeParse(values[inputs.severity.blockId][inputs.severity.actionId].selected_option.value);
  if (!severity.success) return { ok: false, errors: { [inputs.severity.blockId]: 'choose SEV1, SEV2, SEV3 or SEV4' } };
  return {
    ok: true,
    value: {
      source,
      itemId: metadata.itemId ?? null,
      channel: metadata.channel ?? null,
      severity: severity.data,
      title: values[inputs.title.blockId][inputs.title.actionId].value,
      summary: values[inputs.summary.blockId]?.[inputs.summary.actionId].value?.trim() ?? '',
    },
  };
}

function buildTextModalSchema(callbackId: string, input: { blockId: string; actionId: string }, message: string) {
  return z.object({
    callback_id: z.literal(callbackId),
    private_metadata: jsonSchema.pipe(incidentMetadataSchema),
    state: z.object({ values: z.object({ [input.blockId]: z.object({ [input.actionId]: textValue(UPDATE_MAX_LENGTH, message) }) }) }),
  });
}

const updateViewSchema = buildTextModalSchema(INCIDENT_VIEWS.update, inputs.update, 'write the update');
const resolveViewSchema = buildTextModalSchema(INCIDENT_VIEWS.resolve, inputs.resolution, 'summarise the cause and the fix');

/** The update modal: `{ incidentId, text }`. */
export function parseUpdateSubmission(view: unknown): ParsedSubmission<{ incidentId: string; text: string }> {
  const result = updateViewSchema.safeParse(view);
  if (!result.success) return { ok: false, errors: toModalErrors(result.error.issues, inputs.update.blockId) };
  const { private_metadata: metadata, state } = result.data;
  return { ok: true, value: { incidentId: metadata.incidentId, text: state.values[inputs.update.blockId]![inputs.update.actionId]!.value } };
}

/** The resolve modal: `{ incidentId, summary }`. */
export function parseResolveSubmission(view: unknown): ParsedSubmission<{ incidentId: string; summary: string }> {
  const result = resolveViewSchema.safeParse(view);
  if (!result.success) return { ok: false, errors: toModalErrors(result.error.issues, inputs.resolution.blockId) };
  const { private_metadata: metadata, state } = result.data;
  return { ok: true, value: { incidentId: metadata.incidentId, summary: state.values[inputs.resolution.blockId]![inputs.resolution.actionId]!.value } };
}
