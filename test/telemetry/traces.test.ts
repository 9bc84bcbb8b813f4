import { ManualClock } from '../../src/clock';
import { type Harness, startHarness } from '../support/harness';
import { type ReceivedSpan, startOtlpReceiver } from '../support/otlp-receiver';
import { findDevice, freeDevices, lostModeConfirmed, SCRIPT_START } from '../support/scripted-run';

const SERVER = 2;
const CLIENT = 3;
const CONSUMER = 5;

describe('traces over OTLP/HTTP: a find and a confirmed lost mode through /api/messages', () => {
  let h: Harness;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  const traces = new Map<string, ReceivedSpan[]>();
  let logLines: any[] = [];

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    h = await startHarness({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint }, undefined, {
      start: {
        clock: new ManualClock(SCRIPT_START),
        actions: { tracking: { pollIntervalMs: 15, maxPollIntervalMs: 40 } },
        directoryRetry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 3 },
      },
    });
    const [one, two] = freeDevices();
    // The find's Google call is throttled once, then retried: its span says so.
    h.bot.sandbox!.google.forceErrors(1, 'userRateLimitExceeded');
    await findDevice(h, one);
    await lostModeConfirmed(h, two);
    // Stopping sends what is still buffered.
    await h.stop();
    logLines = h.logs.lines;
    for (const s of receiver.spans) traces.set(s.traceId, [...(traces.get(s.traceId) ?? []), s]);
  }, 60_000);
  afterAll(() => receiver.close());

  /** The traces whose root span has this name and, optionally, these attributes. */
  const rootedAt = (name: string, attributes: Record<string, unknown> = {}) =>
    [...traces.values()].filter((spans) =>
      spans.some(
        (s) =>
          !s.parentSpanId && s.name === name && Object.entries(attributes).every(([k, v]) => s.attributes[k] === v),
      ),
    );
  const named = (spans: ReceivedSpan[], name: string) => spans.filter((s) => s.name === name);
  /** Every span of the trace hangs, parent by parent, from its one root. */
  const connected = (spans: ReceivedSpan[]) => {
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    return spans.every((s) => {
      let at: ReceivedSpan | undefined = s;
      for (let i = 0; at?.parentSpanId && i < 20; i++) at = byId.get(at.parentSpanId);
      return at !== undefined && !at.parentSpanId;
    });
  };

  it('sent spans to the receiver as device-desk', () => {
    expect(receiver.requests).toBeGreaterThan(0);
    expect(new Set(receiver.spans.map((s) => s.service))).toEqual(new Set(['device-desk']));
  });

  it('the find is one trace: the turn, its access check, the inventory lookup, the Google call with its retry, the card', () => {
    const finds = rootedAt('turn', { 'devicedesk.activity.type': 'message' }).filter(
      (spans) => named(spans, 'inventory.search').length > 0 && named(spans, 'google chromeosdevices.get').length > 0,
    );
    const find = finds[0];
    expect(find).toBeDefined();
    expect(connected(find)).toBe(true);
    expect(named(find, 'turn')[0].kind).toBe(SERVER);
    expect(named(find, 'access.resolve')).toHaveLength(1);
    const [get] = named(find, 'google chromeosdevices.get');
    expect(get.kind).toBe(CLIENT);
    expect(get.attributes).toMatchObject({
      'rpc.method': 'chromeosdevices.get',
      'http.response.status_code': 200,
      'devicedesk.retry_count': 1,
    });
    const [send] = named(find, 'card.send');
    expect(send.attributes['devicedesk.cards']).toBe(1);
  });

  it('the confirm is one trace: the access check again, the status change sent once, the card', () => {
    const [confirm] = rootedAt('turn', { 'devicedesk.activity.type': 'invoke' }).filter(
      (spans) => named(spans, 'google customer.devices.chromeos.batchChangeStatus').length > 0,
    );
    expect(confirm).toBeDefined();
    expect(connected(confirm)).toBe(true);
    expect(named(confirm, 'access.authorize').length).toBeGreaterThan(0);
    const change = named(confirm, 'google customer.devices.chromeos.batchChangeStatus');
    expect(change).toHaveLength(1);
    expect(change[0].attributes).toMatchObject({ 'http.response.status_code': 200, 'devicedesk.retry_count': 0 });
    expect(named(confirm, 'card.send').length + named(confirm, 'card.update').length).toBeGreaterThan(0);
  });

  it('tracking runs in traces of its own: the job, its Google poll and the card update', () => {
    const jobs = rootedAt('job action.track');
    expect(jobs.length).toBeGreaterThan(0);
    const done = jobs.find((spans) => named(spans, 'card.update').length > 0)!;
    expect(done).toBeDefined();
    expect(named(done, 'job action.track')[0].kind).toBe(CONSUMER);
    expect(named(done, 'google chromeosdevices.get')).toHaveLength(1);
    expect(connected(done)).toBe(true);
  });

  it('log lines written during a turn carry its trace and span ids', () => {
    const spanIds = new Map(receiver.spans.map((s) => [s.spanId, s.traceId]));
    const traced = logLines.filter((l) => l.trace_id);
    expect(traced.length).toBeGreaterThan(0);
    for (const line of traced) expect(spanIds.get(line.span_id)).toBe(line.trace_id);
    // The throttled Google call's retry is logged inside the find's trace.
    const retry = traced.find((l) => l.msg === 'google directory call failed; retrying');
    expect(retry).toBeDefined();
    expect(rootedAt('turn').some((spans) => spans[0].traceId === retry.trace_id)).toBe(true);
  });

  it('the request id leads from the log to the confirm turn and to the tracking job that saw it end', () => {
    const sent = logLines.find((l) => l.msg === 'action sent');
    expect(sent).toMatchObject({ action: 'lostMode.on', requestId: expect.stringMatching(/^DD-/) });
    const [turnRoot] = traces.get(sent.trace_id)!.filter((s) => !s.parentSpanId);
    expect(turnRoot.name).toBe('turn');
    const ended = logLines.find((l) => l.msg === 'action state changed' && l.requestId === sent.requestId);
    expect(ended).toMatchObject({ to: 'Done' });
    const [jobRoot] = traces.get(ended.trace_id)!.filter((s) => !s.parentSpanId);
    expect(jobRoot.name).toBe('job action.track');
  });
});
