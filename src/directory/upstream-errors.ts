/** Turns what gaxios throws for a Directory API call into a retry decision and a typed error. */
import {
  DailyLimitExceeded,
  DeskError,
  DeviceNotFound,
  InvalidInput,
  OutcomeUnknown,
  QuotaExceeded,
  UpstreamError,
} from '../errors';
import { RetryDecision } from './retry';

export interface UpstreamFailure {
  status?: number;
  reason?: string;
  message?: string;
  retryAfterMs?: number;
  /** No HTTP response at all (connection refused, reset, timeout). */
  network: boolean;
  /** The request certainly never reached the server. */
  notSent: boolean;
}

/** Per-minute limits: Google refused before running anything, so waiting and trying again is safe. */
const QUOTA_REASONS = new Set(['userRateLimitExceeded', 'quotaExceeded', 'rateLimitExceeded']);

interface ErrorLike {
  status?: unknown;
  code?: unknown;
  cause?: { code?: unknown };
  response?: {
    status?: number;
    data?: unknown;
    headers?: unknown;
  };
}

/** gaxios 7 hands back fetch Headers; older shapes are plain objects. */
function header(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const h = headers as { get?: (n: string) => string | null } & Record<string, unknown>;
  if (typeof h.get === 'function') return h.get(name) ?? undefined;
  const v = h[name];
  return typeof v === 'string' ? v : undefined;
}

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function describeFailure(err: unknown, now = Date.now()): UpstreamFailure {
  const e = (err ?? {}) as ErrorLike;
  const response = e.response;
  if (!response || typeof response.status !== 'number') {
    const code = String(e.code ?? e.cause?.code ?? '');
    return { network: true, notSent: code === 'ECONNREFUSED' || code === 'ENOTFOUND', reason: code || undefined };
  }
  const data = response.data as
    { error?: { message?: string; errors?: { reason?: string }[]; status?: string } } | undefined;
  const body = typeof data === 'object' && data !== null ? data.error : undefined;
  return {
    status: response.status,
    reason: body?.errors?.[0]?.reason ?? body?.status,
    message: body?.message,
    retryAfterMs: parseRetryAfter(header(response.headers, 'retry-after'), now),
    network: false,
    notSent: false,
  };
}

export function isQuota(f: UpstreamFailure): boolean {
  return f.status === 429 || (f.status === 403 && QUOTA_REASONS.has(f.reason ?? ''));
}

/**
 * Google's daily quota: "dailyLimitExceeded … do not retry" until it resets (Google's JSON API
 * error guidance, e.g. https://developers.google.com/workspace/drive/api/guides/handle-errors, "Daily limit exceeded";
 * the Directory API's own pages do not list it).
 */
export function isDailyLimit(f: UpstreamFailure): boolean {
  return f.status === 403 && f.reason === 'dailyLimitExceeded';
}

/** A server error or a lost answer after the request left: a change may have been carried out. */
export function mayHaveRun(f: UpstreamFailure): boolean {
  return f.network ? !f.notSent : f.status !== undefined && f.status >= 500;
}

/**
 * Throttling is worth another try for any call (Google refused before running it); a server error
 * or a lost answer only for calls that are safe to repeat; the daily limit never.
 */
export function retryDecision(f: UpstreamFailure, idempotent: boolean): RetryDecision {
  if (f.network) return { retry: idempotent || f.notSent };
  if (isDailyLimit(f)) return { retry: false };
  const retry = isQuota(f) || (idempotent && f.status !== undefined && f.status >= 500);
  return { retry, retryAfterMs: f.retryAfterMs };
}

/** When Google's daily quotas reset: the next midnight in Pacific time. */
export function nextPacificMidnight(now: number): Date {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/Los_Angeles',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(now))
      .map((p) => [p.type, Number(p.value)]),
  );
  const localAsUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  const offset = Math.round((localAsUtc - now) / 60_000) * 60_000;
  return new Date(Date.UTC(parts.year, parts.month - 1, parts.day + 1) - offset);
}

/** Strips anything token-like before a Google message reaches chat. */
function safe(message: string | undefined): string {
  if (!message) return '';
  const cleaned = message
    .replace(/Bearer\s+\S+/gi, 'Bearer [redacted]')
    .replace(/ya29\.[\w.-]+/g, '[redacted]')
    .replace(/access_token=[^&\s]+/gi, 'access_token=[redacted]');
  return cleaned.length > 200 ? `${cleaned.slice(0, 197)}...` : cleaned;
}

export function toDeskError(
  err: unknown,
  what: string,
  deviceId?: string,
  idempotent = true,
  now = Date.now(),
): DeskError {
  const f = describeFailure(err);
  if (!idempotent && mayHaveRun(f)) {
    return new OutcomeUnknown(
      `Google Admin did not confirm ${what}${f.status ? ` (it answered ${f.status})` : ' (no answer in time)'}, so it may have been carried out: it may have been sent. Check the device in the Google Admin console before trying again.`,
      f.status,
      { cause: err },
    );
  }
  if (isDailyLimit(f)) {
    const retryAt = nextPacificMidnight(now);
    return new DailyLimitExceeded(
      `Google Admin's daily API quota for this connection is used up. Try again after ${retryAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, when it resets.`,
      retryAt,
      { cause: err },
    );
  }
  if (f.status === 404) {
    return new DeviceNotFound(
      deviceId
        ? `Google Admin has no ChromeOS device with id ${deviceId}.`
        : `Google Admin could not find what ${what} asked for.`,
      { cause: err },
    );
  }
  if (isQuota(f)) {
    return new QuotaExceeded('Google Admin is limiting how fast we can call it right now. Try again in a minute.', {
      cause: err,
    });
  }
  if (f.network) {
    return new UpstreamError(
      `Could not reach Google Admin for ${what}. Try again shortly.`,
      undefined,
      f.reason ?? 'network',
      { cause: err },
    );
  }
  // A listing by an org unit that does not exist (see the emulator's list): a typo, said as one.
  if (f.status === 400 && /INVALID_OU_ID/.test(f.message ?? ''))
    return new InvalidInput(
      'Google Admin has no org unit with that path. Write it as the Admin console does, from the top, with its capitals and spaces, e.g. ou:/Schools/North.',
      { cause: err },
    );
  const detail = safe(f.message);
  // A refusal for the device's state is said for people; the status and reason stay on the error (and the log).
  if (f.status === 400 && f.reason === 'failedPrecondition')
    return new UpstreamError(
      `Google Admin refused ${commandWords(what, '')}: ${commandWords(detail, 'a ').replace(/\.$/, '') || 'the device can’t take it in its current state'}.`,
      f.status,
      f.reason,
      { cause: err },
    );
  return new UpstreamError(
    `Google Admin refused ${what} (${f.status}${f.reason ? ` ${f.reason}` : ''})${detail ? `: ${detail}` : '.'}`,
    f.status,
    f.reason,
    { cause: err },
  );
}

const COMMAND_NAMES: Record<string, string> = {
  REMOTE_POWERWASH: 'factory reset',
  WIPE_USERS: 'wipe of user profiles',
  REBOOT: 'restart',
};

/** Google's command names as the buttons say them ("the REBOOT command" → "the restart command"). */
function commandWords(text: string, article: string): string {
  return text.replace(/\b(REMOTE_POWERWASH|WIPE_USERS|REBOOT)\b/g, (name, _m, offset: number) => {
    const words = COMMAND_NAMES[name];
    // "REBOOT can only…" reads "a restart can only…"; "the REBOOT command" keeps its own article.
    return offset === 0 ? `${article}${words}` : words;
  });
}
