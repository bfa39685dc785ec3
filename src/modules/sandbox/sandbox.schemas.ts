import { z } from 'zod';

// What the sandbox page may ask for: act as a user on something Vigil showed them. The page
// names the element (block id, action id) and the option or text; the server finds the
// element in Vigil's own blocks and builds the Slack request from that.

const id = z.string().min(1).max(255);

const inputValueSchema = z.strictObject({
  type: z.string().min(1).max(64),
  value: z.string().max(10_000).nullish(),
  selected: z.string().max(2_000).nullish(),
  selectedMany: z.array(z.string().max(2_000)).max(100).optional(),
});

const stateSchema = z.record(id, z.record(id, inputValueSchema));

const messageContainer = z.strictObject({ type: z.literal('message'), channel: id, ts: id });
const viewContainer = z.strictObject({ type: z.literal('view'), viewId: id });

export const pageActSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('block_action'),
    user: id,
    container: z.discriminatedUnion('type', [messageContainer, viewContainer]),
    blockId: id,
    actionId: id,
    selected: z.string().max(2_000).nullish(),
    selectedMany: z.array(z.string().max(2_000)).max(100).optional(),
    value: z.string().max(10_000).nullish(),
    /** Inputs of the view the action is in, as they stand (Slack sends them with the action). */
    state: stateSchema.optional(),
  }),
  z.strictObject({ kind: z.literal('view_submission'), user: id, viewId: id, state: stateSchema }),
  z.strictObject({ kind: z.literal('view_closed'), user: id, viewId: id }),
  z.strictObject({ kind: z.literal('command'), user: id, channel: id, text: z.string().max(4_000) }),
  z.strictObject({ kind: z.literal('home_opened'), user: id }),
]);

export type PageAct = z.infer<typeof pageActSchema>;
