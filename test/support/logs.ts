import pino from 'pino';
import { Writable } from 'node:stream';
import { REDACTED_PATHS, Logger } from '../../src/log';

/** A real pino logger (same redaction as production) whose lines tests can read. */
export function captureLogger(): { logger: Logger; lines: any[]; text: () => string } {
  const lines: any[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const logger = pino({ level: 'debug', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, stream);
  return { logger, lines, text: () => lines.map((l) => JSON.stringify(l)).join('\n') };
}
