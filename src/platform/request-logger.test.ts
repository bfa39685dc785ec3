import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { FastifyBaseLogger } from 'fastify';
import { createLogger } from './logger.ts';
import { createLazyRequestLogger } from './request-logger.ts';

// The per-request logger becomes a pino child only when the request logs, and then logs
// exactly as the child Fastify would have made.

function captureLogger(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      callback();
    },
  });
  return { lines, logger: createLogger({ level, destination }) as FastifyBaseLogger };
}

describe('lazy request logger', () => {
  it('builds no child until the first log line, then logs with the request bindings', () => {
    const { lines, logger } = captureLogger();
    let children = 0;
    const parent = { ...logger, child: (...args: Parameters<FastifyBaseLogger['child']>) => (children++, logger.child(...args)) } as FastifyBaseLogger;
    const requestLogger = createLazyRequestLogger(parent, { reqId: 'req-1' }, {});
    expect(children).toBe(0);
    requestLogger.debug('not at this level');
    requestLogger.error({ err: new Error('boom') }, 'request failed');
    requestLogger.info('done');
    expect(children).toBe(1);
    expect(lines).toEqual([
      expect.objectContaining({ level: 50, reqId: 'req-1', msg: 'request failed', err: expect.objectContaining({ message: 'boom' }) }),
      expect.objectContaining({ level: 30, reqId: 'req-1', msg: 'done' }),
    ]);
  });

  it('keeps the child options and passes level changes and grandchildren through', () => {
    const { lines, logger } = captureLogger();
    const requestLogger = createLazyRequestLogger(logger, { reqId: 'req-2' }, { level: 'warn' });
    expect(requestLogger.level).toBe('warn');
    requestLogger.info('dropped at warn');
    requestLogger.level = 'debug';
    requestLogger.child({ step: 'parse' }).debug('kept at debug');
    expect(lines).toEqual([expect.objectContaining({ reqId: 'req-2', step: 'parse', msg: 'kept at debug' })]);
  });

  it('redacts the same paths as any other Vigil log line', () => {
    const { lines, logger } = captureLogger();
    createLazyRequestLogger(logger, { reqId: 'req-3' }, {}).warn({ body: { output: 'secret answer' } }, 'kept out');
    expect(lines[0]).toMatchObject({ reqId: 'req-3', body: { output: '[redacted]' } });
  });
});
