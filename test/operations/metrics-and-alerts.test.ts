import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ManualClock } from '../../src/clock';
import { type Harness, startHarness } from '../support/harness';
import {
  loadRules,
  metricFamilies,
  metricNamesIn,
  parseRules,
  promtool,
  type RuleFile,
  serves,
} from '../support/prometheus-rules';
import { testRedis, TEST_REDIS_URL } from '../support/redis';
import { bulkRun, findDevice, freeDevices, lostModeConfirmed, lostReport, SCRIPT_START } from '../support/scripted-run';

const RULES = 'docs/operations/alerts.yml';
const DASHBOARD = 'docs/operations/grafana-dashboard.json';
/** Series Prometheus makes itself for every target; not on /metrics. */
const PROMETHEUS_OWN = new Set(['up']);

const sampleOf = (
  families: ReturnType<typeof metricFamilies>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined => {
  const found = families.get(name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return found?.value === undefined ? undefined : Number(found.value);
};

describe('alert rules and dashboard', () => {
  let rules: RuleFile;

  it('the rules file fits the rule file schema and every expression parses as PromQL', () => {
    rules = loadRules(RULES);
    const alerts = rules.groups.flatMap((g) => g.rules.map((r) => r.alert));
    for (const wanted of [
      'DeviceDeskConnectorSyncFailing',
      'DeviceDeskConnectorSyncStale',
      'DeviceDeskGoogleQuotaNearLimit',
      'DeviceDeskCommandsStuck',
      'DeviceDeskQueueBacklog',
      'DeviceDeskErrorRate',
      'DeviceDeskRedisDown',
    ])
      expect(alerts).toContain(wanted);
    for (const r of rules.groups.flatMap((g) => g.rules)) {
      expect(metricNamesIn(r.expr).length).toBeGreaterThan(0);
      expect(r.annotations?.summary).toBeTruthy();
    }
  });

  it('a broken rule is caught: the checks can fail', () => {
    expect(() => metricNamesIn('sum(rate(devicedesk_turns_total[5m]) > ')).toThrow(/syntax error/);
    const rule = (extra: string) =>
      `groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n${extra}`;
    expect(() => parseRules(rule(''))).not.toThrow();
    expect(() => parseRules(rule('        for: five minutes\n'))).toThrow(/duration/);
    expect(() => parseRules(rule('        severity: page\n'))).toThrow(/severity/);
  });

  const tool = promtool();
  (tool ? it : it.skip)('promtool accepts the rules file', () => {
    const out = execFileSync(tool!, ['check', 'rules', RULES], { encoding: 'utf8' });
    expect(out).toMatch(/SUCCESS: \d+ rules found/);
  });
});

describe('/metrics after a scripted run (find, confirm, bulk, lost report) on Redis', () => {
  let h: Harness;
  let text = '';
  let families: ReturnType<typeof metricFamilies>;
  const redis = testRedis();

  beforeAll(async () => {
    const clock = new ManualClock(SCRIPT_START);
    h = await startHarness({ REDIS_URL: TEST_REDIS_URL }, undefined, {
      start: {
        clock,
        redisPrefix: redis.prefix,
        actions: { tracking: { pollIntervalMs: 15, maxPollIntervalMs: 40 } },
        directoryRetry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 3 },
        bulk: { runner: { progressIntervalMs: 0 } },
      },
    });
    const [one, two, three, four] = freeDevices();
    // One throttled answer: Google's per-user rate limit, retried by the client.
    h.bot.sandbox!.google.forceErrors(1, 'userRateLimitExceeded');
    await findDevice(h, one);
    await lostModeConfirmed(h, two);
    await bulkRun(h, [three, four]);
    await lostReport(h);
    const res = await fetch(`http://127.0.0.1:${h.bot.port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    text = await res.text();
    families = metricFamilies(text);
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
    await redis.cleanup();
  });

  it("passes a Prometheus text-format parser (and promtool's linter where installed)", () => {
    expect(families.size).toBeGreaterThan(30);
    const tool = promtool();
    if (tool) {
      // promtool parses the exposition, then lints names. prom-client's own Node.js gauges end in
      // _total, which the linter frowns on; every remark about the bot's own metrics is a failure.
      const run = spawnSync(tool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
      const remarks = `${run.stdout}${run.stderr}`.split('\n').filter(Boolean);
      expect(
        remarks.filter((line) => !/^nodejs_\w+ non-counter metrics should not have "_total" suffix$/.test(line)),
      ).toEqual([]);
    }
  });

  it('writes no trace ids to the log when tracing is off', () => {
    expect(h.logs.lines.length).toBeGreaterThan(10);
    expect(h.logs.lines.filter((l) => l.trace_id || l.span_id)).toEqual([]);
  });

  it('carries Node.js process metrics', () => {
    for (const name of [
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_heap_size_used_bytes',
      'nodejs_gc_duration_seconds',
      'nodejs_active_handles_total',
      'process_resident_memory_bytes',
    ])
      expect(families.has(name)).toBe(true);
  });

  it('counts what happened, by action and outcome', () => {
    expect(sampleOf(families, 'devicedesk_turns_total', { type: 'message' })).toBeGreaterThanOrEqual(4);
    expect(sampleOf(families, 'devicedesk_actions_requested_total', { action: 'lostMode.on' })).toBe(1);
    expect(sampleOf(families, 'devicedesk_actions_confirmed_total', { action: 'lostMode.on' })).toBe(1);
    expect(sampleOf(families, 'devicedesk_actions_finished_total', { action: 'lostMode.on', outcome: 'Done' })).toBe(1);
    expect(
      sampleOf(families, 'devicedesk_upstream_requests_total', {
        service: 'google',
        method: 'customer.devices.chromeos.batchChangeStatus',
        status: '200',
      }),
    ).toBeGreaterThanOrEqual(2);
    expect(sampleOf(families, 'devicedesk_bulk_devices_total', { action: 'lostMode.on', outcome: 'done' })).toBe(2);
    expect(sampleOf(families, 'devicedesk_upstream_throttled_total', { service: 'google' })).toBe(1);
    expect(sampleOf(families, 'devicedesk_upstream_retries_total', { service: 'google' })).toBe(1);
    expect(sampleOf(families, 'devicedesk_google_quota_used')).toBeGreaterThan(0);
    expect(sampleOf(families, 'devicedesk_google_quota_limit')).toBe(2400);
    expect(sampleOf(families, 'devicedesk_jobs_total', { name: 'action.track', outcome: 'ok' })).toBeGreaterThan(0);
    expect(sampleOf(families, 'devicedesk_lost_reports_open', { state: 'open' })).toBe(1);
    expect(sampleOf(families, 'devicedesk_lost_report_oldest_unacknowledged_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(sampleOf(families, 'devicedesk_redis_up')).toBe(1);
    expect(sampleOf(families, 'devicedesk_sync_healthy', { source: 'chrome' })).toBe(1);
    expect(sampleOf(families, 'devicedesk_sync_devices', { source: 'chrome' })).toBeGreaterThan(100);
    expect(
      families
        .get('devicedesk_queue_jobs')
        ?.metrics.map((m) => m.labels?.state)
        .sort(),
    ).toEqual(['active', 'delayed', 'waiting']);
  });

  it('never labels a series with a serial, a device id or a person', () => {
    const labelValues = [...families.values()].flatMap((f) => f.metrics.flatMap((m) => Object.values(m.labels ?? {})));
    for (const d of freeDevices().slice(0, 4)) {
      expect(labelValues).not.toContain(d.serialNumber);
      expect(text).not.toContain(d.deviceId);
    }
    expect(text).not.toMatch(/@example\.com|29:[0-9a-z-]{6,}/i);
  });

  it('serves every metric the alert rules and the dashboard name', () => {
    const rules = loadRules(RULES);
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8'));
    const exprs = [
      ...rules.groups.flatMap((g) => g.rules.map((r) => r.expr)),
      ...(dashboard.panels as any[]).flatMap((p) => (p.targets ?? []).map((t: { expr: string }) => t.expr)),
    ];
    // Grafana's own variables are not PromQL: give them a value before parsing.
    const named = new Set(exprs.flatMap((e) => metricNamesIn(e.replace(/\$__(rate_interval|range|interval)/g, '5m'))));
    const missing = [...named].filter((n) => !PROMETHEUS_OWN.has(n) && !serves(families, n));
    expect(missing).toEqual([]);
    expect(named.size).toBeGreaterThan(20);
  });
});
