import { z } from 'zod';

// Interactive ids of the monitoring cards, next to the schema of the value each carries.
// A value names the record it acts on (`stop_boost|42`), never content.

export const MONITORING_ACTIONS = {
  stopBoost: 'monitoring.stop_boost',
} as const;

export interface StopBoostActionValue {
  kind: 'stop_boost';
  boostId: number;
}

export const stopBoostActionValueSchema = z
  .string()
  .max(75)
  .regex(/^stop_boost\|[1-9]\d{0,15}$/, 'must be "stop_boost|<boost id>"')
  .transform((value): StopBoostActionValue => ({ kind: 'stop_boost', boostId: Number(value.split('|')[1]) }));

export function encodeStopBoostValue(boostId: number): string {
  return `stop_boost|${boostId}`;
}

/** Parses a Stop button's value; throws a ZodError naming what is wrong. */
export function parseStopBoostValue(value: unknown): StopBoostActionValue {
  return stopBoostActionValueSchema.parse(value);
}
