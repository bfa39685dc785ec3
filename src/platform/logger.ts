import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

// Structured JSON logs. Keys, tokens and customer text never reach them: the
// redaction list is the last line of defence, call sites log ids and counts only.
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.apiKey',
  '*.token',
  '*.secret',
  '*.input',
  '*.output',
];

export function createLogger(options: { level: string; destination?: pino.DestinationStream }): Logger {
  const pinoOptions: LoggerOptions = {
    level: options.level,
    base: { service: 'vigil' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}
