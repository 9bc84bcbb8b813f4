import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { DeskMetrics } from '../telemetry';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Whether an Authorization header carries the bearer token; compared in constant time. */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  const presented = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1] ?? '';
  return timingSafeEqual(digest(presented), digest(token));
}

/** Status, headers and body of a GET /metrics, behind the token when there is one. */
export async function metricsAnswer(
  metrics: DeskMetrics,
  authorization: string | undefined,
  token?: string,
): Promise<{ status: number; headers: Record<string, string | number>; body: string }> {
  if (token && !bearerMatches(authorization, token)) {
    const body = JSON.stringify({ error: 'unauthorized' });
    return { status: 401, headers: { 'WWW-Authenticate': 'Bearer', 'Content-Type': 'application/json' }, body };
  }
  const body = await metrics.render();
  return {
    status: 200,
    headers: { 'Content-Type': metrics.contentType, 'Content-Length': Buffer.byteLength(body) },
    body,
  };
}

/** /metrics on its own port, on loopback only: production's default, out of the public listener's reach. */
export async function startMetricsServer(
  metrics: DeskMetrics,
  options: { port: number; token?: string },
): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: 'not found' }));
      return;
    }
    try {
      const { status, headers, body } = await metricsAnswer(metrics, req.headers.authorization, options.token);
      res.writeHead(status, headers);
      res.end(body);
    } catch {
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: 'metrics unavailable' }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : options.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
