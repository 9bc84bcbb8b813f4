import restify, { Server } from 'restify';
import type { TurnContext } from 'botbuilder';
import type { TeamsAdapter } from '@microsoft/teams-ai';
import type { Logger } from './log';
import type { Metrics } from './metrics';

export interface ServerDeps {
  adapter: TeamsAdapter;
  /** Runs one turn: the teams-ai Application's `run`. */
  runTurn: (ctx: TurnContext) => Promise<unknown>;
  metrics: Metrics;
  logger: Logger;
  mode: 'sandbox' | 'production';
  version: string;
  /** Answers whether Redis is reachable; absent when the bot runs on memory storage. */
  redisPing?: () => Promise<boolean>;
}

/** The HTTP face of the bot: Bot Framework messages, a health check and Prometheus metrics. */
export function createServer(deps: ServerDeps): Server {
  const server = restify.createServer({ name: 'device-desk' });
  server.use(restify.plugins.bodyParser({ maxBodySize: 1024 * 1024 }));

  server.post('/api/messages', async (req, res) => {
    const started = process.hrtime.bigint();
    const type = typeof req.body?.type === 'string' ? req.body.type : 'unknown';
    try {
      await deps.adapter.process(req, res as never, (ctx) => deps.runTurn(ctx).then(() => undefined));
    } catch (error) {
      deps.logger.error({ err: error, activityId: req.body?.id }, 'activity could not be processed');
      if (!res.headersSent) res.send(500, { error: 'internal error' });
    } finally {
      deps.metrics.turns.inc({ type });
      deps.metrics.turnSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9, { type });
    }
  });

  server.get('/healthz', async (_req, res) => {
    const redis = deps.redisPing ? ((await deps.redisPing().catch(() => false)) ? 'up' : 'down') : 'not configured';
    const ok = redis !== 'down';
    res.send(ok ? 200 : 503, { ok, mode: deps.mode, version: deps.version, redis });
  });

  server.get('/metrics', async (_req, res) => {
    const body = deps.metrics.render();
    res.writeHead(200, {
      'Content-Type': 'text/plain; version=0.0.4; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
  });

  return server;
}

export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      const address = server.address();
      resolve(address.port);
    });
  });
}
