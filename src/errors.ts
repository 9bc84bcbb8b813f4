/**
 * Failures the bot knows how to explain. Each carries a message that is safe to show in chat;
 * anything else is an internal error and is answered with a generic apology.
 */
export abstract class DeskError extends Error {
  abstract readonly code: string;
  /** Text fit for chat: no stack, no secrets, says what to do next. */
  readonly userMessage: string;
  constructor(userMessage: string, options?: { cause?: unknown }) {
    super(userMessage, options);
    this.userMessage = userMessage;
    this.name = new.target.name;
  }
}

export class DeviceNotFound extends DeskError {
  readonly code = 'DEVICE_NOT_FOUND';
}

export class AmbiguousDevice extends DeskError {
  readonly code = 'AMBIGUOUS_DEVICE';
  constructor(
    message: string,
    readonly candidates: string[] = [],
  ) {
    super(message);
  }
}

export class Forbidden extends DeskError {
  readonly code = 'FORBIDDEN';
  constructor(
    message: string,
    readonly missingPermission?: string,
  ) {
    super(message);
  }
}

export class InvalidInput extends DeskError {
  readonly code = 'INVALID_INPUT';
}

export class InvalidState extends DeskError {
  readonly code = 'INVALID_STATE';
}

export class QuotaExceeded extends DeskError {
  readonly code = 'QUOTA_EXCEEDED';
}

/** Google or Graph answered with an error we could not recover from. */
export class UpstreamError extends DeskError {
  readonly code: string = 'UPSTREAM_ERROR';
  constructor(
    message: string,
    readonly status?: number,
    readonly reason?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A call that changes something reached Google, and no clear answer came back (a server error or
 * a timeout after the request left): it may have been carried out. "Unknown — may have been
 * sent", never "failed", and never sent again blindly. `status` is undefined (no usable answer);
 * `upstreamStatus` keeps what Google said, if anything.
 */
export class OutcomeUnknown extends UpstreamError {
  readonly code: string = 'OUTCOME_UNKNOWN';
  readonly outcomeUnknown = true;
  constructor(
    message: string,
    readonly upstreamStatus?: number,
    options?: { cause?: unknown },
  ) {
    super(message, undefined, 'outcomeUnknown', options);
  }
}

/**
 * Google's daily quota is used up (403 dailyLimitExceeded). Retrying does not help until it
 * resets; `retryAt` says when that is (daily quotas reset at midnight Pacific time).
 */
export class DailyLimitExceeded extends UpstreamError {
  readonly code: string = 'DAILY_LIMIT_EXCEEDED';
  constructor(
    message: string,
    readonly retryAt: Date,
    options?: { cause?: unknown },
  ) {
    super(message, 403, 'dailyLimitExceeded', options);
  }
}

/** True for either service's "unknown — may have been sent" error. */
export function isOutcomeUnknown(error: unknown): boolean {
  return (error as { outcomeUnknown?: unknown } | undefined)?.outcomeUnknown === true;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}
