import type { IncomingMessage } from 'node:http';

/** An HTTP answer to a request we refuse before any bot code runs; its message is safe to send. */
export class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpRefusal';
  }
}

/**
 * Reads a JSON body, counting bytes as they arrive: a declared size over the cap is refused before
 * reading, an undeclared one as soon as the cap is passed, so a huge or endless body never sits in
 * memory. Compressed bodies are refused (Bot Framework doesn't send them; a small one can inflate
 * without bound). Rejects with HttpRefusal, or with the stream's error when the client goes away.
 */
export function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const encoding = req.headers['content-encoding'];
  if (encoding && encoding !== 'identity')
    return Promise.reject(new HttpRefusal(415, 'Compressed request bodies are not accepted; send plain JSON.'));
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
    return Promise.reject(new HttpRefusal(415, 'The body must be JSON (Content-Type: application/json).'));
  // Made only when needed: an Error records its stack, which every turn would pay for.
  const tooLarge = () => new HttpRefusal(413, `The body is larger than ${maxBytes} bytes.`);
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) return Promise.reject(tooLarge());

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (error: Error) => {
      req.off('data', onData).off('end', onEnd).off('error', stop).off('aborted', onAborted);
      req.pause();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) return stop(tooLarge());
      chunks.push(chunk);
    };
    const onAborted = () => stop(new Error('the client closed the request'));
    const onEnd = () => {
      req.off('data', onData).off('error', stop).off('aborted', onAborted);
      try {
        resolve(JSON.parse(Buffer.concat(chunks, size).toString('utf8')));
      } catch {
        reject(new HttpRefusal(400, 'The body is not valid JSON.'));
      }
    };
    req.on('data', onData).once('end', onEnd).once('error', stop).once('aborted', onAborted);
  });
}
