import type { Logger } from '../../platform/logger.ts';
import type { Clock } from '../../shared/clock.ts';
import type { SlackClient } from '../../shared/slack-client.ts';
import type { ReviewConfig } from './review.config.ts';
import { isListedPrincipal, isUserGroupId, type ReviewRole } from './review-roles.models.ts';

// User-group members come from `usergroups.users.list` (Tier 2, about 20 calls a minute),
// so they are cached for `group_cache_minutes`. If Slack cannot answer, a stale list is
// used; with no list at all the user is treated as not a member (fail closed).

export interface ReviewRolesDeps {
  sources: Readonly<Record<string, ReviewConfig>>;
  client: Pick<SlackClient, 'usergroups'> | null;
  clock: Clock;
  logger: Logger;
}

interface CachedGroup {
  users: ReadonlySet<string>;
  fetchedAt: number;
}

const NOBODY: ReadonlySet<string> = new Set();

export function createReviewRoles(deps: ReviewRolesDeps) {
  const cache = new Map<string, CachedGroup>();
  const fetching = new Map<string, Promise<ReadonlySet<string>>>();

  async function fetchGroup(group: string): Promise<ReadonlySet<string>> {
    try {
      const answer = await deps.client!.usergroups.users.list({ usergroup: group });
      const users = new Set(answer.users ?? []);
      cache.set(group, { users, fetchedAt: deps.clock.now() });
      return users;
    } catch (error) {
      deps.logger.warn({ err: error, usergroup: group }, 'could not read user-group members; using the last known list, if any');
      return cache.get(group)?.users ?? NOBODY;
    } finally {
      fetching.delete(group);
    }
  }

  async function loadMembers(groups: string[], ttlMs: number): Promise<Map<string, ReadonlySet<string>>> {
    const now = deps.clock.now();
    const entries = await Promise.all(
      groups.map(async (group): Promise<[string, ReadonlySet<string>]> => {
        const cached = cache.get(group);
        if (cached && now - cached.fetchedAt < ttlMs) return [group, cached.users];
        if (!deps.client) return [group, NOBODY];
        let pending = fetching.get(group);
        if (!pending) fetching.set(group, (pending = fetchGroup(group)));
        return [group, await pending];
      }),
    );
    return new Map(entries);
  }

  async function isListed(config: ReviewConfig, principals: string[], userId: string): Promise<boolean> {
    if (principals.includes(userId)) return true;
    const groups = principals.filter(isUserGroupId);
    if (groups.length === 0) return false;
    const members = await loadMembers(groups, config.group_cache_minutes * 60_000);
    return isListedPrincipal(principals, userId, (group) => members.get(group) ?? NOBODY);
  }

  async function resolveRole(source: string, userId: string): Promise<ReviewRole | null> {
    const config = deps.sources[source];
    if (!config) return null;
    if (await isListed(config, config.approvers, userId)) return 'approver';
    if (await isListed(config, config.reviewers, userId)) return 'reviewer';
    return null;
  }

  return {
    resolveRole,
    /** Fills the group cache ahead of the first click, so a Reject click never waits on Slack before its modal. */
    async warm(): Promise<void> {
      for (const config of Object.values(deps.sources)) {
        const groups = [...config.approvers, ...config.reviewers].filter(isUserGroupId);
        if (groups.length > 0 && deps.client) await loadMembers(groups, config.group_cache_minutes * 60_000);
      }
    },
    /** The sources a user may review, with their role on each (App Home). */
    async listRoles(userId: string): Promise<{ source: string; role: ReviewRole }[]> {
      const roles = await Promise.all(Object.keys(deps.sources).map(async (source) => ({ source, role: await resolveRole(source, userId) })));
      return roles.filter((entry): entry is { source: string; role: ReviewRole } => entry.role !== null);
    },
  };
}

export type ReviewRoles = ReturnType<typeof createReviewRoles>;
