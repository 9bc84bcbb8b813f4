import pino, { Logger } from 'pino';
import { traceFields } from './telemetry';

/** Paths whose values must never reach a log line, wherever they appear. */
export const REDACTED_PATHS = [
  'password',
  'secret',
  'token',
  'accessToken',
  'access_token',
  'authorization',
  'private_key',
  'pin',
  'unlockPin',
  '*.password',
  '*.secret',
  '*.token',
  '*.accessToken',
  '*.access_token',
  '*.authorization',
  '*.private_key',
  '*.pin',
  '*.unlockPin',
  '*.MicrosoftAppPassword',
  '*.GRAPH_CLIENT_SECRET',
  'headers.authorization',
  'req.headers.authorization',
];

export type { Logger };

/** Redaction and trace ids, for every logger of the bot (and tests' capturing loggers). */
export const LOG_OPTIONS = {
  redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  mixin: traceFields,
} as const;

/**
 * JSON logs; pretty when a person is watching a terminal (and not under test). A line written
 * inside a traced turn or job carries its trace_id and span_id, to find the trace from the log.
 */
export function createLogger(level = 'info', pretty = process.stdout.isTTY && !process.env.JEST_WORKER_ID): Logger {
  return pino({
    level,
    base: { app: 'device-desk' },
    ...LOG_OPTIONS,
    ...(pretty
      ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss' } } }
      : {}),
  });
}

/** A logger that drops everything: the default for unit tests and library code. */
export const silentLogger: Logger = pino({ level: 'silent' });
