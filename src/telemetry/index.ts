export { DeskMetrics, type Upstream } from './metrics';
export { inSpan, type Span, SpanKind, startTracing, traceFields, type Tracing, type TracingSettings } from './tracing';
export { observeUpstream, routeOf, type UpstreamCall } from './upstream';
export { observeJob } from './jobs';
export { traceMethods } from './trace-methods';
export { watchDesk, type ConnectionReading, type DeskSources } from './desk-gauges';
export { traceCardSends } from './card-send';
