import restify, { Request, Response, Server } from 'restify';
import type { TurnContext } from 'botbuilder';
import type { TeamsAdapter } from '@microsoft/teams-ai';
import {
  activityProblem,
  activityTypeLabel,
  holdAnswer,
  HttpRefusal,
  metricsAnswer,
  publicError,
  readiness,
  readJsonBody,
  type HeldAnswer,
  type ReadinessCheck,
  type TurnGate,
} from './http';
import type { Logger } from './log';
import { type DeskMetrics, inSpan, SpanKind } from './telemetry';

export interface ServerDeps {
  adapter: TeamsAdapter;
  /** Runs one turn: the teams-ai Application's `run`. */
  runTurn: (ctx: TurnContext) => Promise<unknown>;
  metrics: DeskMetrics;
  logger: Logger;
  mode: 'sandbox' | 'production';
  version: string;
  /** Open while the instance takes turns; closed on shutdown, with the running turns counted. */
  gate: TurnGate;
  /** What /readyz asks (Redis reachable, tenants loaded, queues running…); each must pass. */
  readinessChecks: Record<string, ReadinessCheck>;
  /** Serve /metrics on this listener (else it has its own loopback port); behind the token when set. */
  metricsHere: { token?: string } | false;
}

/** Teams messages are at most about 28 KB; a megabyte leaves room for cards and attachments' metadata. */
export const MAX_ACTIVITY_BYTES = 1024 * 1024;

/** Seconds a turned-away sender is asked to wait: by then the load balancer has seen /readyz fail. */
export const RETRY_AFTER_SECONDS = 5;

/** The HTTP face of the bot: Bot Framework messages, liveness and readiness, Prometheus metrics. */
export function createServer(deps: ServerDeps): Server {
  const server = restify.createServer({ name: 'device-desk' });
  // No body parser: /api/messages reads its own body, capped while it streams in.

  // Restify answers a handler's failure with the error's message; any route's 5xx goes out plain.
  server.on('restifyError', (req: Request, _res: Response, err: Error & { statusCode?: number }, done: () => void) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      deps.logger.error({ err, path: req.path() }, 'request failed');
      Object.assign(err, { toJSON: () => publicError(status), toString: () => publicError(status).error });
    }
    done();
  });

  // One trace per turn: every span below (access check, lookup, Google, card send) hangs under it.
  server.post('/api/messages', async (req, res) => {
    if (!deps.gate.enter()) {
      // Shutting down: Teams retries, and the next try reaches another instance.
      res.header('Retry-After', String(RETRY_AFTER_SECONDS));
      res.header('Connection', 'close');
      res.send(503, { error: 'shutting down' });
      return;
    }
    try {
      await inSpan('turn', {}, (span) => handleActivity(deps, req, res, span.setAttribute.bind(span)), {
        kind: SpanKind.SERVER,
      });
    } finally {
      deps.gate.leave();
    }
  });

  // Liveness: the process serves HTTP. Nothing outside it is asked, so a Redis outage never restarts every instance.
  server.get('/healthz', (_req, res, next) => {
    res.send(200, { ok: true, mode: deps.mode, version: deps.version });
    next();
  });

  // Readiness: send this instance turns. 503 while a dependency fails or once it is shutting down.
  server.get('/readyz', async (_req, res) => {
    const { ready, checks } = await readiness({ ...deps.readinessChecks, acceptingTurns: () => deps.gate.open });
    res.send(ready ? 200 : 503, { ready, checks });
  });

  const { metricsHere } = deps;
  if (metricsHere) {
    server.get('/metrics', async (req, res) => {
      const { status, headers, body } = await metricsAnswer(deps.metrics, req.headers.authorization, metricsHere.token);
      res.writeHead(status, headers);
      res.end(body);
    });
  }

  return server;
}

async function handleActivity(
  deps: ServerDeps,
  req: Request,
  res: Response,
  note: (key: string, value: string) => unknown,
): Promise<void> {
  const started = process.hrtime.bigint();
  let type = 'unknown';
  try {
    const activity = await readJsonBody(req, MAX_ACTIVITY_BYTES);
    const problem = activityProblem(activity);
    if (problem) throw new HttpRefusal(400, problem);
    type = activityTypeLabel(activity);
    note('devicedesk.activity.type', type);
    req.body = activity;
    const { res: held, answer } = holdAnswer();
    await deps.adapter.process(req, held as never, (ctx) => deps.runTurn(ctx).then(() => undefined));
    sendAnswer(res, answer, deps.logger, (activity as { id?: string }).id);
  } catch (error) {
    refuse(res, error, deps.logger, req.body?.id);
  } finally {
    deps.metrics.turns.inc({ type });
    deps.metrics.turnSeconds.observe({ type }, Number(process.hrtime.bigint() - started) / 1e9);
  }
}

/** Relays the adapter's answer; an error status goes out with a fixed phrase, its own text only to the log. */
function sendAnswer(res: Response, answer: HeldAnswer, logger: Logger, activityId?: string): void {
  if (answer.status >= 400) {
    logger.warn({ activityId, status: answer.status, detail: String(answer.body ?? '') }, 'activity refused');
    res.send(answer.status, publicError(answer.status));
    return;
  }
  for (const [name, value] of Object.entries(answer.headers)) res.header(name, value);
  if (answer.body === undefined) res.send(answer.status);
  else res.send(answer.status, answer.body);
}

function refuse(res: Response, error: unknown, logger: Logger, activityId?: string): void {
  if (res.headersSent) return;
  if (error instanceof HttpRefusal) {
    logger.warn({ activityId, status: error.status, reason: error.message }, 'activity refused');
    // A body left unread must not be read on into the next request on this connection.
    if (error.status === 413) res.header('Connection', 'close');
    res.send(error.status, { error: error.message });
    return;
  }
  logger.error({ err: error, activityId }, 'activity could not be processed');
  res.send(500, publicError(500));
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
