import { readFileSync } from 'node:fs';
import type { RedisOptions } from 'ioredis';

export interface RedisConnectionSettings {
  /** redis://[:password@]host:port or rediss:// for TLS (Azure Cache for Redis: port 6380). */
  url: string;
  /** CA certificate (PEM) that signed the server's certificate, when no public CA did. */
  tlsCaFile?: string;
}

/**
 * Connection options every Redis client of the bot shares (its own, BullMQ's): TLS for rediss://
 * URLs, with the server certificate always verified, against the given CA or the system's.
 * ioredis turns TLS on for rediss:// by itself; spelling it out keeps the CA in one place.
 */
export function redisConnectionOptions(settings: RedisConnectionSettings): RedisOptions {
  if (!/^rediss:\/\//i.test(settings.url)) return {};
  if (!settings.tlsCaFile) return { tls: {} };
  let ca: string;
  try {
    ca = readFileSync(settings.tlsCaFile, 'utf8');
  } catch (err) {
    throw new Error(`REDIS_TLS_CA_FILE (${settings.tlsCaFile}) could not be read: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return { tls: { ca } };
}

/** The URL with its password hidden, for log lines and error messages. */
export function redactRedisUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
