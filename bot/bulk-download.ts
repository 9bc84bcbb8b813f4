/**
 * GET /api/bulk/<run id>/results.csv?token=… : every device's result of a bulk run, built from
 * the store when asked (so it has no size limit). The token is the run's own random secret, on
 * the summary card only: the file is exactly as private as the card.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Server } from 'restify';
import { BulkRunStore, resultRows, resultsCsvStream, RUN_ID } from '../src/actions/bulk';
import type { Logger } from '../src/log';

export const BULK_RESULTS_PATH = '/api/bulk/:runId/results.csv';

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function registerBulkDownload(server: Server, deps: { store: BulkRunStore; logger: Logger }): void {
  server.get(BULK_RESULTS_PATH, async (req, res) => {
    const runId = String(req.params?.runId ?? '');
    const token =
      typeof req.query?.token === 'string'
        ? req.query.token
        : (new URL(req.url ?? '/', 'http://x').searchParams.get('token') ?? '');
    const run = RUN_ID.test(runId) ? await deps.store.get(runId).catch(() => undefined) : undefined;
    // Unknown run and wrong token read the same: nothing tells a guesser which runs exist.
    if (!run || !run.downloadToken || !sameSecret(run.downloadToken, token)) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Not found');
      return;
    }
    const [targets, items] = await Promise.all([deps.store.targets(runId), deps.store.items(runId)]);
    deps.logger.info({ runId }, 'bulk results downloaded');
    res.writeHead(200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="bulk-${run.id}-results.csv"`,
      'Cache-Control': 'no-store',
    });
    resultsCsvStream(resultRows(run, targets, items)).pipe(res);
  });
}
