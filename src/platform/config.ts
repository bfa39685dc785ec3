import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { formatIssuePath } from '../shared/validation.ts';

// Process settings come from the environment; sources come from the YAML file.
// Both are parsed once at start, and a bad value stops the start with one line
// that names the variable (or the YAML path) and what is wrong.

const optionalSecret = z.string().min(1).optional();

// Digits only: z.coerce.number would read " " as 0 (a random port) and "0x50" as 80.
const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be between ${min} and ${max}`).max(max, `must be between ${min} and ${max}`));

export const DEFAULT_POOL_SIZE = Math.max(10, 4 * availableParallelism());

/** The sources file when VIGIL_CONFIG is not set (relative to the working directory). */
export const DEFAULT_CONFIG_PATH = './vigil.config.yaml';

export const envSchema = z.object({
  PORT: wholeNumber(0, 65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z.string().min(1).default('./data/vigil.db'),
  DATABASE_SYNCHRONOUS: z.enum(['full', 'normal'], { error: 'must be "full" or "normal"' }).default('full'),
  /**
   * PostgreSQL only: connections per Vigil process (each open transaction holds one). By default
   * four per core (ingest, the outbox, graders and the sampler each hold one at times), at least 10.
   */
  DATABASE_POOL_SIZE: wholeNumber(1, 1_000).default(DEFAULT_POOL_SIZE),
  /** PostgreSQL only: the server cancels a statement that runs longer (a stuck query cannot hold locks for ever). */
  DATABASE_STATEMENT_TIMEOUT_MS: wholeNumber(100, 3_600_000).default(30_000),
  VIGIL_CONFIG: z.string().min(1).optional(),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  SHUTDOWN_TIMEOUT_MS: wholeNumber(0, 600_000).default(25_000),
  /** Time a client has to send a whole request (headers within a third of it); slower ones get 408. */
  REQUEST_TIMEOUT_MS: wholeNumber(100, 3_600_000).default(30_000),
  /** Detector worker threads (they also read /v1/events bodies); 0 runs the detectors on the main thread. Default: see defaultDetectorWorkers. */
  DETECTOR_WORKERS: wholeNumber(0, 64).optional(),
  /** MiB of batches that may wait for a free detector worker; past it a batch is answered 503 with Retry-After. */
  DETECTOR_QUEUE_MB: wholeNumber(1, 4096).default(32),
  /** Cap of each detector worker's heap (V8 old generation), in MiB: room for a 10 MiB body parsed, with its rows. */
  DETECTOR_WORKER_HEAP_MB: wholeNumber(32, 16_384).default(128),
  SLACK_BOT_TOKEN: optionalSecret.refine((v) => v === undefined || v.startsWith('xoxb-'), 'must start with "xoxb-"'),
  SLACK_SIGNING_SECRET: optionalSecret,
  SLACK_APP_TOKEN: optionalSecret.refine((v) => v === undefined || v.startsWith('xapp-'), 'must start with "xapp-"'),
  SLACK_API_URL: z.url({ error: 'must be a URL' }).optional(),
  OPENAI_API_KEY: optionalSecret,
  OPENAI_BASE_URL: z.url({ error: 'must be a URL' }).optional(),
  /** PagerDuty Events API v2 endpoint; the incidents module defaults it to https://events.pagerduty.com/v2/enqueue. */
  PAGERDUTY_EVENTS_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** When set, GET /metrics requires `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  VIGIL_TIMEZONE: z
    .string()
    .default('UTC')
    .refine(isValidTimeZone, 'must be an IANA time zone such as "Europe/Paris" or "UTC"'),
});

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Formats zod issues as `name: message; other: message` — one line, for the operator. */
export function formatIssues(issues: z.core.$ZodIssue[], describeValue?: (path: PropertyKey[]) => string): string {
  return issues
    .map((issue) => {
      const shown = describeValue?.(issue.path) ?? '';
      // A bad record key (a source name) carries the reason in its nested issues.
      const message = issue.code === 'invalid_key' && issue.issues[0] ? `invalid name: ${issue.issues[0].message}` : issue.message;
      return `${formatIssuePath(issue.path) || '(root)'}: ${message}${shown}`;
    })
    .join('; ');
}

/** Empty strings count as unset, so `SLACK_BOT_TOKEN=` in a .env file means "off", not "invalid". */
export function parseEnv(raw: NodeJS.ProcessEnv): Env {
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined && value !== ''));
  const result = envSchema.safeParse(cleaned);
  if (result.success) return result.data;
  const isSecret = (name: string) => /TOKEN|SECRET|KEY/.test(name);
  throw new ConfigError(
    `Invalid environment: ${formatIssues(result.error.issues, (path) => {
      const name = String(path[0]);
      return isSecret(name) || cleaned[name] === undefined ? '' : ` (got ${JSON.stringify(cleaned[name])})`;
    })}`,
  );
}
