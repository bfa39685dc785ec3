// Which review channels see an item: leaks and injections go to the trust team, tone and
// brand to the brand team, and so on. An item can go to several channels; one that matches
// no route goes to the default channel, so no sampled item is left without reviewers.
import type { RouteConfig } from './sampling.config.ts';
import type { CandidateFlag, Reason } from './sampling.models.ts';

export interface RoutableItem {
  reasons: Pick<Reason, 'code' | 'check'>[];
  /** All flags of the event, below `min_severity` too: a low-severity PII hit still concerns the trust team. */
  flags: Pick<CandidateFlag, 'check'>[];
}

/**
 * Channels for an item, in route order, without repeats. Within a route, each listed criterion
 * (reasons, detectors, graders, flags) must match, and a criterion matches when any of its values does.
 * Detectors, graders and the app's flags are matched by check name against the flags and the reasons' checks
 * (an uncertainty reason carries its grader), so `graders: [tone]` also catches tone scores near the threshold.
 */
export function routeItem(item: RoutableItem, routes: RouteConfig[], defaultChannel: string): string[] {
  const codes = new Set(item.reasons.map((reason) => reason.code));
  const checks = new Set<string>([
    ...item.flags.map((flag) => flag.check),
    ...item.reasons.flatMap((reason) => (reason.check === undefined ? [] : [reason.check])),
  ]);
  const channels = new Set<string>();
  for (const route of routes) {
    if (isRouteMatching(route, codes, checks)) channels.add(route.channel);
  }
  return channels.size > 0 ? [...channels] : [defaultChannel];
}

function isRouteMatching(route: RouteConfig, codes: Set<string>, checks: Set<string>): boolean {
  const criteria = [
    matchAny(route.reasons, codes),
    matchAny(route.detectors, checks),
    matchAny(route.graders, checks),
    matchAny(route.flags, checks),
  ].filter((result) => result !== undefined);
  // The config schema refuses routes without criteria; a route built in code without any matches nothing.
  return criteria.length > 0 && criteria.every(Boolean);
}

/** undefined when the route does not use this criterion (absent or empty list). */
function matchAny(wanted: readonly string[] | undefined, present: Set<string>): boolean | undefined {
  if (!wanted || wanted.length === 0) return undefined;
  return wanted.some((value) => present.has(value));
}
