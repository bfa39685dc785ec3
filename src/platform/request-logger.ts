import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, LevelWithSilentOrString } from 'pino';

// Fastify gives every request a child logger bound to its request id. A pino child costs a
// couple of microseconds (its bindings go through the redaction paths), and with request
// logging off nearly no request ever logs: on /v1/check that was about 1% of the server's CPU.
// So the child is built when the request first logs, with the same bindings and options.

type LogArgs = Parameters<FastifyBaseLogger['info']>;

class LazyRequestLogger implements FastifyBaseLogger {
  private built: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  private get logger(): FastifyBaseLogger {
    return (this.built ??= this.parent.child(this.bindings, this.options));
  }

  get level(): LevelWithSilentOrString {
    return this.logger.level;
  }

  set level(level: LevelWithSilentOrString) {
    this.logger.level = level;
  }

  fatal(...args: LogArgs) {
    this.logger.fatal(...args);
  }

  error(...args: LogArgs) {
    this.logger.error(...args);
  }

  warn(...args: LogArgs) {
    this.logger.warn(...args);
  }

  info(...args: LogArgs) {
    this.logger.info(...args);
  }

  debug(...args: LogArgs) {
    this.logger.debug(...args);
  }

  trace(...args: LogArgs) {
    this.logger.trace(...args);
  }

  silent(...args: LogArgs) {
    this.logger.silent(...args);
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger.child(bindings, options);
  }
}

/** Fastify's `childLoggerFactory`: a request's logger that becomes a pino child on first use. */
export function createLazyRequestLogger(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return new LazyRequestLogger(parent, bindings, options);
}
