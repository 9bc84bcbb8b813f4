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
  readonly code = 'UPSTREAM_ERROR';
  constructor(
    message: string,
    readonly status?: number,
    readonly reason?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}
