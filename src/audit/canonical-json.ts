import { createHmac } from 'node:crypto';
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

/**
 * The MAC a record must carry: HMAC-SHA-256 under AUDIT_MAC_KEY over everything but `mac`
 * itself, prevMac included. Without the key nobody can re-seal an edited record or re-chain the
 * records after it, which a plain hash would let anyone with write access to the store do.
 */
export function computeRecordMac(record: Omit<AuditRecord, 'mac'> & { mac?: string }, key: Buffer): string {
  const { mac: _ignored, ...rest } = record;
  return createHmac('sha256', key).update(canonicalJson(rest)).digest('hex');
}
