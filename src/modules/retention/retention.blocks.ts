import type { KnownBlock } from '@slack/types';
import { section } from '../../shared/slack-blocks.ts';

// The card that replaces a review card whose event was erased by `vigil erase`, where the
// review module is not running to re-render it. (Erasures through the API re-render the
// full card instead, with its verdicts and this same statement in its notes.)

export function buildErasedCardMessage(erasedAt: number): { text: string; blocks: KnownBlock[] } {
  const day = new Date(erasedAt).toISOString().slice(0, 10);
  const text = `:wastebasket: This review item's content was erased on ${day} (data erasure request). Its verdicts are kept.`;
  return { text, blocks: [section('retention.erased', text)] };
}
