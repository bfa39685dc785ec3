// Gold items and overlap, as pure rules. A gold item is a past item whose answer is settled
// (an approver adjudicated it, or two or more reviewers agreed), shown again as a new, blind
// card; a reviewer's verdict on it measures the reviewer. Overlap asks a second reviewer on a
// share of items, so reviewers can be compared with each other. Randomness is injected.

export interface GoldCandidate {
  itemId: string;
  outcome: 'approved' | 'rejected';
  decisionMode: 'consensus' | 'adjudication';
  /** Reviewers whose decision matches the outcome. */
  agreeingVerdicts: number;
  /** How often the item already served as gold: reuse the least used first. */
  timesUsed: number;
}

/** An answer counts as known when an approver settled it or at least two reviewers agreed on it. */
export function isSettledAnswer(candidate: Pick<GoldCandidate, 'decisionMode' | 'agreeingVerdicts'>): boolean {
  return candidate.decisionMode === 'adjudication' || candidate.agreeingVerdicts >= 2;
}

/**
 * How many gold items to add next to `realItems` new items so that gold makes up `share` of
 * all items: n·s/(1 − s) on average, the fraction drawn at random so small batches still get
 * their share over time.
 */
export function countGoldToAdd(realItems: number, share: number, rng: () => number): number {
  if (realItems <= 0 || share <= 0) return 0;
  const expected = share >= 1 ? realItems : (realItems * share) / (1 - share);
  const whole = Math.floor(expected);
  return whole + (rng() < expected - whole ? 1 : 0);
}

function shuffle<T>(values: T[], rng: () => number): T[] {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [values[i], values[j]] = [values[j]!, values[i]!];
  }
  return values;
}

/**
 * Up to `count` settled candidates: least used first, alternating rejected and approved
 * answers (a gold set of only approvals would reward approving everything), random within.
 */
export function selectGoldItems<T extends GoldCandidate>(candidates: readonly T[], count: number, rng: () => number): T[] {
  const settled = candidates.filter(isSettledAnswer);
  const byOutcome = (outcome: GoldCandidate['outcome']): T[] =>
    shuffle(settled.filter((candidate) => candidate.outcome === outcome), rng).sort((a, b) => a.timesUsed - b.timesUsed);
  const queues = [byOutcome('rejected'), byOutcome('approved')];
  if (rng() < 0.5) queues.reverse();
  const picked: T[] = [];
  for (let turn = 0; picked.length < count && (queues[0]!.length > 0 || queues[1]!.length > 0); turn++) {
    const next = queues[turn % 2]!.shift() ?? queues[(turn + 1) % 2]!.shift();
    if (next) picked.push(next);
  }
  return picked;
}

/**
 * Reviewers an item needs: the sampler's number, raised to two on `overlapShare` of the items
 * so agreement can be measured. The review sampler calls this where it sets `requiredVerdicts`.
 */
export function resolveRequiredVerdicts(base: number, overlapShare: number, rng: () => number): number {
  return base < 2 && overlapShare > 0 && rng() < overlapShare ? 2 : base;
}
