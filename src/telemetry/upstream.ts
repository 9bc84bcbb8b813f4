/**
 * One call to Google or Microsoft Graph, as on-call sees it: a client span with the method, the
 * final HTTP status and how many times it was retried, and the same in /metrics.
 */
import { SpanKind } from '@opentelemetry/api';
import type { DeskMetrics, Upstream } from './metrics';
import { inSpan } from './tracing';

/** What the client notes while one logical call runs. */
export interface UpstreamCall {
  /** One more HTTP attempt is going out (the first included). */
  attempt(): void;
  /** An answer said to slow down (429, Google's rate or quota 403). */
  throttled(): void;
  /** The HTTP status of the last answer (default: 200 on success, 0 — no answer — on failure). */
  status(code: number): void;
}

/**
 * Runs one logical call (all its attempts) in a span named `<service> <method>` and records it.
 * `method` must be a bounded name (an API method or a route template), never a path with ids.
 */
export function observeUpstream<T>(
  metrics: DeskMetrics | undefined,
  service: Upstream,
  method: string,
  run: (call: UpstreamCall) => Promise<T>,
): Promise<T> {
  const started = process.hrtime.bigint();
  let attempts = 0;
  let status: number | undefined;
  const call: UpstreamCall = {
    attempt: () => {
      attempts++;
      if (service === 'google') metrics?.googleQuery();
    },
    throttled: () => metrics?.upstreamThrottled.inc({ service, method }),
    status: (code) => {
      status = code;
    },
  };
  const attributes = { 'devicedesk.upstream': service, 'rpc.system': service, 'rpc.method': method };
  return inSpan(
    `${service} ${method}`,
    attributes,
    async (span) => {
      const settle = (otherwise: number) => {
        status ??= otherwise;
        const retries = Math.max(0, attempts - 1);
        span.setAttributes({ 'http.response.status_code': status, 'devicedesk.retry_count': retries });
        if (!metrics) return;
        metrics.upstreamCalls.inc({ service, method, status: String(status) });
        metrics.upstreamSeconds.observe({ service, method }, Number(process.hrtime.bigint() - started) / 1e9);
        if (retries) metrics.upstreamRetries.inc({ service, method }, retries);
      };
      try {
        const result = await run(call);
        settle(200);
        return result;
      } catch (error) {
        settle(0);
        throw error;
      }
    },
    { kind: SpanKind.CLIENT },
  );
}

/**
 * A Graph path as a bounded route: segments that hold an id (any digit, or a long token) become
 * {id}, so /deviceManagement/managedDevices/8f1c…/remoteLock is one series, not one per device.
 */
export function routeOf(path: string): string {
  const pathname = path.split('?')[0];
  return pathname
    .split('/')
    .map((segment) => (/\d/.test(segment) || segment.length > 40 ? '{id}' : segment))
    .join('/');
}
