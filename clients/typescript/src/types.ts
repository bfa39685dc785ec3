/** One AI interaction, as `POST /v1/events` takes it. `id` is set by `log()` when absent. */
export interface VigilEvent {
  id?: string;
  source?: string;
  input?: string | null;
  output: string;
  model?: string | null;
  model_version?: string | null;
  prompt_version?: string | null;
  release?: string | null;
  session_id?: string | null;
  user_id?: string | null;
  /** ISO 8601; set by `log()` when absent so a retried event keeps the time it happened. */
  occurred_at?: string | null;
  metadata?: Record<string, unknown> | null;
  flags?: Array<{ name: string; score?: number; severity?: 'info' | 'warn' | 'critical'; reason?: string }> | null;
}

export interface CheckRequest {
  source?: string;
  output: string;
  input?: string | null;
  scores?: Record<string, number>;
}

export interface CheckResult {
  action: 'allow' | 'redact' | 'block';
  flags: Array<{ check: string; severity: string; [key: string]: unknown }>;
  redacted_output?: string;
  message?: string;
  /** null when Vigil could not be asked and the fail policy decided. */
  guardrail_version: number | null;
  /** Set when the fail policy decided: why Vigil gave no answer. */
  failed?: 'timeout' | 'unavailable';
  /** True when the client's cached guardrail decided (kill switch, or blocklist while Vigil was away). */
  cached?: boolean;
}

export interface VigilStats {
  /** Events waiting, including the batch being sent. */
  queued: number;
  accepted: number;
  /** Events Vigil already had (a retry whose first answer was lost): not stored twice. */
  duplicates: number;
  /** Oldest events dropped because the queue was full while Vigil was away, or left at shutdown. */
  dropped: number;
  /** Events Vigil refused as invalid (a 4xx other than 408/429): retrying cannot help. */
  rejected: number;
  retries: number;
}

export class VigilError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'VigilError';
  }
}
