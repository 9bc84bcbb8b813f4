/**
 * OpenTelemetry traces: one trace per turn and per background job, with a span for each step
 * worth seeing (access check, inventory lookup, every Google or Graph call, card send). Spans go
 * out over OTLP/HTTP only when OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise no tracer provider
 * is registered and every span below is the API's no-op, which costs next to nothing.
 */
import { type Attributes, context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

export { SpanKind, type Span };

const TRACER = 'device-desk';

export interface TracingSettings {
  /** OTEL_EXPORTER_OTLP_ENDPOINT: the collector's base URL; traces go to its /v1/traces. */
  endpoint: string;
  /** OTEL_SERVICE_NAME (default device-desk). */
  serviceName: string;
  version: string;
  /** Extra headers such as an API key (OTEL_EXPORTER_OTLP_HEADERS); never logged. */
  headers?: Record<string, string>;
}

export interface Tracing {
  /** Sends what is still buffered and unregisters the provider. */
  stop(): Promise<void>;
}

/** The spec's rule for the generic endpoint: each signal under its own path. */
export function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

/** Registers a tracer provider that batches spans to the OTLP/HTTP endpoint. */
export function startTracing(settings: TracingSettings): Tracing {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: settings.serviceName,
      [ATTR_SERVICE_VERSION]: settings.version,
    }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(settings.endpoint), headers: settings.headers })),
    ],
  });
  provider.register();
  return {
    async stop() {
      await provider.shutdown().catch(() => undefined);
      trace.disable();
      context.disable();
    },
  };
}

export interface SpanOptions {
  kind?: SpanKind;
  /** Starts a new trace even inside another one (a background job is its own trace). */
  root?: boolean;
}

/**
 * Runs `fn` inside a span that ends with it; a thrown error marks the span failed and goes on.
 * Log lines written meanwhile carry the span's trace and span ids.
 */
export function inSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
  options: SpanOptions = {},
): Promise<T> {
  return trace
    .getTracer(TRACER)
    .startActiveSpan(
      name,
      { kind: options.kind ?? SpanKind.INTERNAL, attributes, root: options.root },
      async (span) => {
        try {
          return await fn(span);
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.name });
          throw error;
        } finally {
          span.end();
        }
      },
    );
}

/** The trace and span ids of the active span, for log lines; empty when nothing is traced. */
export function traceFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  // The no-op API's spans carry all-zero ids: nothing to follow.
  if (!traceFlags && /^0+$/.test(traceId)) return {};
  return { trace_id: traceId, span_id: spanId };
}
