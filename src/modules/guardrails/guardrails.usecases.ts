import type { Clock } from '../../shared/clock.ts';
import { formatIssuePath, toErrorDetails } from '../../shared/validation.ts';
import { applyGuardrailChange, diffGuardrailSpecs, GuardrailChangeConflict, type GuardrailChange } from './guardrail-change.models.ts';
import { buildGuardrailWebhookMessage, type RollbackDetails } from './guardrail-webhooks.models.ts';
import { createGuardrailVersionNotFoundError, createInvalidGuardrailError } from './guardrails.errors.ts';
import { guardrailSpecSchema, type GuardrailSpec, type GuardrailVersion, type GuardrailVersionKind } from './guardrails.models.ts';
import type { GuardrailsRepository } from './guardrails.repository.ts';

export interface GuardrailsDeps {
  repository: GuardrailsRepository;
  clock: Clock;
  /** The source's webhook URL, when it has one. */
  webhookUrlOf(source: string): string | undefined;
  /** Called after a commit that created a version: refresh the live cache, wake the outbox, post to the log channel. */
  onVersionCreated?(version: GuardrailVersion): void | Promise<void>;
}

export interface VersionResult {
  version: GuardrailVersion;
  created: boolean;
}

const AUDIT_ACTIONS: Record<GuardrailVersionKind, string> = {
  seed: 'guardrail.seeded',
  change: 'guardrail.version_created',
  revert: 'guardrail.reverted',
  import: 'guardrail.imported',
  rollback: 'release.rolled_back',
  kill_switch: 'guardrail.kill_switch',
};

/** Validates a spec produced by a change; a bad pattern names its path and why (ReDoS, syntax…). */
export function checkGuardrailSpec(candidate: GuardrailSpec): GuardrailSpec {
  const result = guardrailSpecSchema.safeParse(candidate);
  if (result.success) return result.data;
  const details = toErrorDetails(result.error.issues);
  const first = result.error.issues[0];
  throw createInvalidGuardrailError(first ? `${formatIssuePath(first.path)}: ${first.message}` : 'invalid spec', details);
}

export interface WriteVersionRequest {
  source: string;
  kind: Exclude<GuardrailVersionKind, 'seed'>;
  actor: string;
  reason: string;
  /** The next spec, from the latest one (read inside the write transaction). */
  revise(latest: GuardrailSpec): GuardrailSpec;
  revertOf?: number;
  rollback?: RollbackDetails;
}

/**
 * Writes version n+1 of a source's guardrail from version n, atomically (see writeNext).
 * A change that changes nothing creates no version and returns the latest one.
 */
export async function writeGuardrailVersion(deps: GuardrailsDeps, request: WriteVersionRequest): Promise<VersionResult> {
  const url = deps.webhookUrlOf(request.source);
  const result = await deps.repository.writeNext(
    request.source,
    (latest) => {
      if (!latest) throw createGuardrailVersionNotFoundError(request.source, 1);
      const spec = checkGuardrailSpec(reviseOrExplain(request, latest.spec));
      const diff = diffGuardrailSpecs(latest.spec, spec);
      if (diff.length === 0) return null;
      const kind = request.kind;
      return {
        row: { kind, spec, actor: request.actor, reason: request.reason, diff, revertOf: request.revertOf ?? null },
        audit: (version) => ({
          actor: request.actor,
          action: kind === 'kill_switch' ? `guardrail.kill_switch_${spec.kill_switch.on ? 'on' : 'off'}` : AUDIT_ACTIONS[kind],
          source: request.source,
          subjectType: 'guardrail',
          subjectId: `${request.source}-v${version.version}`,
          details: { version: version.version, kind, reason: request.reason, diff, revert_of: version.revertOf, ...(request.rollback ? { rollback: request.rollback } : {}) },
        }),
        webhook: url ? (version) => buildGuardrailWebhookMessage(version, url, request.rollback) : undefined,
      };
    },
    deps.clock.now(),
  );
  if (result.created) await deps.onVersionCreated?.(result.version);
  return result;
}

function reviseOrExplain(request: WriteVersionRequest, latest: GuardrailSpec): GuardrailSpec {
  try {
    return request.revise(latest);
  } catch (error) {
    if (error instanceof GuardrailChangeConflict) throw createInvalidGuardrailError(`${error.path}: ${error.message}`, [{ path: error.path, message: error.message }]);
    throw error;
  }
}

/** A change from Slack, the API or the CLI, applied to whatever version is latest when it commits. */
export function createGuardrailVersion(deps: GuardrailsDeps, request: { source: string; change: GuardrailChange; actor: string; reason: string }) {
  return writeGuardrailVersion(deps, { ...request, kind: 'change', revise: (latest) => applyGuardrailChange(latest, request.change) });
}

/** A full spec (from `vigil guardrails import`) replacing the latest one. */
export function importGuardrailSpec(deps: GuardrailsDeps, request: { source: string; spec: GuardrailSpec; actor: string; reason: string }) {
  return writeGuardrailVersion(deps, { ...request, kind: 'import', revise: () => request.spec });
}

/** A new version equal to an earlier one. */
export async function revertGuardrailVersion(deps: GuardrailsDeps, request: { source: string; version: number; actor: string; reason: string }) {
  const target = await deps.repository.findVersion(request.source, request.version);
  if (!target) throw createGuardrailVersionNotFoundError(request.source, request.version);
  return writeGuardrailVersion(deps, { ...request, kind: 'revert', revertOf: target.version, revise: () => target.spec });
}

/** On: /v1/check answers `block` with the message for everything until it is switched off. */
export function setKillSwitch(deps: GuardrailsDeps, request: { source: string; on: boolean; message?: string; actor: string; reason: string }) {
  const change: GuardrailChange = { kill_switch: { on: request.on, ...(request.message ? { message: request.message } : {}) } };
  return writeGuardrailVersion(deps, { ...request, kind: 'kill_switch', revise: (latest) => applyGuardrailChange(latest, change) });
}

/** Version 1 of each source that has none, from the config file. Safe to run from several processes at once. */
export async function seedGuardrails(deps: Pick<GuardrailsDeps, 'repository' | 'clock'>, seeds: { source: string; spec: GuardrailSpec; origin: string }[]) {
  const created: GuardrailVersion[] = [];
  for (const seed of seeds) {
    const spec = checkGuardrailSpec(seed.spec);
    const result = await deps.repository.writeNext(
      seed.source,
      (latest) =>
        latest
          ? null
          : {
              row: { kind: 'seed', spec, actor: 'system:config', reason: `seeded from ${seed.origin}`, diff: [], revertOf: null },
              audit: (version) => ({
                actor: 'system:config',
                action: AUDIT_ACTIONS.seed,
                source: seed.source,
                subjectType: 'guardrail',
                subjectId: `${seed.source}-v${version.version}`,
                details: { version: version.version, kind: 'seed', reason: version.reason, guardrail: spec },
              }),
            },
      deps.clock.now(),
    );
    if (result.created) created.push(result.version);
  }
  return created;
}
