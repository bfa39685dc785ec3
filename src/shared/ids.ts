import { monotonicFactory } from 'ulid';

// Prefixed, time-sortable ids (`evt_01J…`): readable in logs and sortable by creation time.
const nextUlid = monotonicFactory();

export const ID_PREFIXES = {
  event: 'evt',
  apiKey: 'key',
  audit: 'aud',
  outbox: 'obx',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

export function generateId(kind: IdKind, now = Date.now()): string {
  return `${ID_PREFIXES[kind]}_${nextUlid(now)}`;
}
