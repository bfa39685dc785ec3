import type { z } from 'zod';

/** `['events', 3, 'output']` → `events[3].output`: the path format of every error Vigil returns. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

export function toErrorDetails(issues: readonly z.core.$ZodIssue[], limit = 50): { path: string; message: string }[] {
  return issues.slice(0, limit).map((issue) => ({ path: formatIssuePath(issue.path) || '(body)', message: issue.message }));
}
