// Who may do what on a source's cards. Roles are Slack user ids or user-group ids from the
// config; an approver may also review. Nobody listed means nobody: refusing is the safe side.

export type ReviewRole = 'reviewer' | 'approver';

export const ROLE_RANK: Record<ReviewRole, number> = { reviewer: 1, approver: 2 };

export function isUserGroupId(principal: string): boolean {
  return principal.startsWith('S');
}

/** True when `userId` is listed directly or is a member of a listed group (`membersOf` gives known members). */
export function isListedPrincipal(principals: readonly string[], userId: string, membersOf: (group: string) => ReadonlySet<string>): boolean {
  return principals.some((principal) => (isUserGroupId(principal) ? membersOf(principal).has(userId) : principal === userId));
}

export function hasRole(actual: ReviewRole | null, needed: ReviewRole): boolean {
  return actual !== null && ROLE_RANK[actual] >= ROLE_RANK[needed];
}

/** The one-line refusal a user sees, naming the role they would need. */
export function describeMissingRole(source: string, needed: ReviewRole, action: string): string {
  const role = needed === 'approver' ? 'approvers' : 'reviewers';
  return `:no_entry: Only ${role} of *${source}* can ${action}. Ask a Vigil admin to add you (or your user group) to \`review.${role}\` for this source.`;
}
