import { describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/logger.ts';
import { createFakeClock } from '../../shared/clock.ts';
import { describeMissingRole, hasRole, isListedPrincipal } from './review-roles.models.ts';
import { createReviewRoles } from './review-roles.usecases.ts';
import { parseReviewConfig } from './review-context.test-utils.ts';

describe('review roles', () => {
  it('matches users listed directly or through a group, and ranks approvers above reviewers', () => {
    const members = (group: string) => new Set(group === 'SGROUP1' ? ['UMEMBER'] : []);
    expect(isListedPrincipal(['U1', 'SGROUP1'], 'U1', members)).toBe(true);
    expect(isListedPrincipal(['U1', 'SGROUP1'], 'UMEMBER', members)).toBe(true);
    expect(isListedPrincipal(['U1', 'SGROUP1'], 'UOTHER', members)).toBe(false);
    expect([hasRole('approver', 'reviewer'), hasRole('reviewer', 'approver'), hasRole(null, 'reviewer')]).toEqual([true, false, false]);
    expect(describeMissingRole('support-bot', 'approver', 'adjudicate disagreements')).toContain('Only approvers of *support-bot* can adjudicate disagreements');
  });

  it('caches user-group members for the configured minutes, then asks Slack again', async () => {
    const clock = createFakeClock(0);
    const calls: string[] = [];
    let members = ['UMEMBER'];
    const client = { usergroups: { users: { list: async ({ usergroup }: { usergroup: string }) => (calls.push(usergroup), { ok: true, users: members }) } } };
    const sources = { 'support-bot': parseReviewConfig({ reviewers: ['SGROUP1'], approvers: [], group_cache_minutes: 5 }) };
    const roles = createReviewRoles({ sources, client: client as never, clock, logger: createLogger({ level: 'silent' }) });
    await roles.warm();
    expect(calls).toEqual(['SGROUP1']);
    expect(await roles.resolveRole('support-bot', 'UMEMBER')).toBe('reviewer');
    members = [];
    clock.advance(4 * 60_000);
    expect(await roles.resolveRole('support-bot', 'UMEMBER')).toBe('reviewer');
    clock.advance(2 * 60_000);
    expect(await roles.resolveRole('support-bot', 'UMEMBER')).toBeNull();
    expect(calls).toEqual(['SGROUP1', 'SGROUP1']);
  });

  it('fails closed when Slack cannot list a group it never listed, and falls back to the last list otherwise', async () => {
    const clock = createFakeClock(0);
    let fail = true;
    const client = {
      usergroups: {
        users: {
          list: async () => {
            if (fail) throw new Error('ratelimited');
            return { ok: true, users: ['UMEMBER'] };
          },
        },
      },
    };
    const sources = { 'support-bot': parseReviewConfig({ reviewers: ['SGROUP1'], approvers: ['UBOSS'], group_cache_minutes: 1 }) };
    const roles = createReviewRoles({ sources, client: client as never, clock, logger: createLogger({ level: 'silent' }) });
    expect(await roles.resolveRole('support-bot', 'UMEMBER')).toBeNull();
    fail = false;
    expect(await roles.resolveRole('support-bot', 'UMEMBER')).toBe('reviewer');
    fail = true;
    clock.advance(2 * 60_000);
    expect(await roles.resolveRole('support-bot', 'UMEMBER')).toBe('reviewer');
    expect(await roles.listRoles('UBOSS')).toEqual([{ source: 'support-bot', role: 'approver' }]);
    expect(await roles.resolveRole('unknown-source', 'UBOSS')).toBeNull();
  });
});
