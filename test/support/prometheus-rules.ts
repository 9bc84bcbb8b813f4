import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parser } from '@prometheus-io/lezer-promql';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

// Prometheus' rule file format: https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/
// and .../recording_rules/#configuring-rules (groups → rules; alert or record, expr, for, labels, annotations).
const duration = z.string().regex(/^(\d+(ms|s|m|h|d|w|y))+$/, 'a Prometheus duration such as 5m');
const labelMap = z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/), z.string());
const rule = z
  .object({
    alert: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
      .optional(),
    record: z.string().optional(),
    expr: z.string().min(1),
    for: duration.optional(),
    keep_firing_for: duration.optional(),
    labels: labelMap.optional(),
    annotations: labelMap.optional(),
  })
  .strict()
  .refine((r) => !!r.alert !== !!r.record, 'a rule is either an alert or a record');
const ruleFile = z
  .object({
    groups: z
      .array(
        z
          .object({
            name: z.string().min(1),
            interval: duration.optional(),
            limit: z.number().optional(),
            rules: z.array(rule).min(1),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export type RuleFile = z.infer<typeof ruleFile>;

/** Rules checked against the rule file schema; throws with zod's issues when they don't fit. */
export function parseRules(yamlText: string): RuleFile {
  return ruleFile.parse(parseYaml(yamlText));
}

export function loadRules(path: string): RuleFile {
  return parseRules(readFileSync(path, 'utf8'));
}

/** Metric names a PromQL expression selects, parsed with Prometheus' own PromQL grammar; throws on a syntax error. */
export function metricNamesIn(expr: string): string[] {
  const tree = parser.parse(expr);
  const names = new Set<string>();
  const cursor = tree.cursor();
  do {
    if (cursor.type.isError) throw new Error(`PromQL syntax error at ${cursor.from} in: ${expr}`);
    if (cursor.name === 'VectorSelector') {
      const selector = cursor.node.getChild('Identifier');
      if (selector) names.add(expr.slice(selector.from, selector.to));
    }
  } while (cursor.next());
  return [...names];
}

/** promtool's path when Prometheus' tools are installed (CI installs them), else undefined. */
export function promtool(): string | undefined {
  try {
    execFileSync('promtool', ['--version'], { stdio: 'ignore' });
    return 'promtool';
  } catch {
    return undefined;
  }
}

/** The metric families of a /metrics answer, by name, read with a Prometheus text-format parser. */
export function metricFamilies(text: string): Map<string, ReturnType<typeof parsePrometheusTextFormat>[number]> {
  return new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
}

/** Whether a series name is served: the family itself, or a histogram's _bucket/_sum/_count. */
export function serves(families: Map<string, { type: string }>, name: string): boolean {
  if (families.has(name)) return true;
  const base = /^(.*)_(bucket|sum|count)$/.exec(name)?.[1];
  return !!base && ['HISTOGRAM', 'SUMMARY'].includes(families.get(base)?.type ?? '');
}
