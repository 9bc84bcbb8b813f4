import pino from 'pino';
import { Writable } from 'node:stream';
import { LOG_OPTIONS, Logger } from '../../src/log';

/** A real pino logger (same redaction and trace ids as production) whose lines tests can read. */
export function captureLogger(): { logger: Logger; lines: any[]; text: () => string } {
  const lines: any[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const logger = pino({ level: 'debug', ...LOG_OPTIONS }, stream);
  return { logger, lines, text: () => lines.map((l) => JSON.stringify(l)).join('\n') };
}
