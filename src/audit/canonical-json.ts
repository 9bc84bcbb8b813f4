import { createHash } from 'node:crypto';
import type { AuditRecord } from './types';

/**
 * JSON with object keys sorted at every level and undefined members left out, so the same
 * record always hashes the same however it was built or stored.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    return text === undefined ? 'null' : text;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const parts: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${canonicalJson(member)}`);
  }
  return `{${parts.join(',')}}`;
}

/** The hash a record must carry: over everything but `hash` itself, prevHash included. */
export function computeRecordHash(record: Omit<AuditRecord, 'hash'> & { hash?: string }): string {
  const { hash: _ignored, ...rest } = record;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}
