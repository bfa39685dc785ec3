// One error type crosses module boundaries. Each module declares its errors with
// createErrorFactory so that the HTTP, Slack and CLI boundaries can render them
// (code + public message) without knowing the module.

export interface ErrorDetail {
  path: string;
  message: string;
}

export class VigilError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly details: ErrorDetail[] | undefined;
  /** Sent as Retry-After: the caller may try again after this many seconds (overload, not a bad request). */
  readonly retryAfterSeconds: number | undefined;

  constructor(options: { code: string; message: string; statusCode: number; details?: ErrorDetail[]; retryAfterSeconds?: number; cause?: unknown }) {
    super(options.message, { cause: options.cause });
    this.name = 'VigilError';
    this.code = options.code;
    this.statusCode = options.statusCode;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/**
 * Declares an error once, next to its module:
 * `const createSourceNotFoundError = createErrorFactory({ code: 'source.not_found', statusCode: 404, message: (name: string) => … })`.
 */
export function createErrorFactory<A extends unknown[] = []>(options: {
  code: string;
  statusCode: number;
  message: string | ((...args: A) => string);
  details?: (...args: A) => ErrorDetail[];
  retryAfterSeconds?: number;
}) {
  return (...args: A): VigilError =>
    new VigilError({
      code: options.code,
      statusCode: options.statusCode,
      message: typeof options.message === 'function' ? options.message(...args) : options.message,
      details: options.details?.(...args),
      retryAfterSeconds: options.retryAfterSeconds,
    });
}

export function isVigilError(error: unknown): error is VigilError {
  return error instanceof VigilError;
}

/** `assert(x, () => createNotFoundError(id))`: narrows x or throws the error the factory builds. */
export function assert<T>(value: T, createError: () => VigilError): asserts value is NonNullable<T> {
  if (value === null || value === undefined || value === false) throw createError();
}

/**
 * The `code`s of an error and of the errors it wraps (`cause`), outermost first: a driver's code
 * (SQLITE_FULL, PostgreSQL's SQLSTATE) often sits under drizzle's "Failed query" error.
 */
export function readErrorCodes(error: unknown, levels = 4): string[] {
  const codes: string[] = [];
  let current = error as { code?: unknown; cause?: unknown } | undefined;
  for (let level = 0; current && level < levels; level++, current = current.cause as typeof current) {
    if (typeof current.code === 'string') codes.push(current.code);
  }
  return codes;
}
