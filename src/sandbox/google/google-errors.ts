/**
 * Errors in the shape Google's JSON APIs answer with:
 * {error:{code, message, errors:[{message, domain, reason}], status}}.
 */
export interface GoogleErrorBody {
  error: {
    code: number;
    message: string;
    errors: { message: string; domain: string; reason: string; location?: string; locationType?: string }[];
    status: string;
  };
}

/** google.rpc.Code values, used inside batch results (the Status schema). */
export const RPC = { INVALID_ARGUMENT: 3, NOT_FOUND: 5, FAILED_PRECONDITION: 9 } as const;

export class GoogleApiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly reason: string,
    message: string,
    readonly status: string,
    readonly domain = 'global',
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): GoogleErrorBody {
    return {
      error: {
        code: this.httpStatus,
        message: this.message,
        errors: [{ message: this.message, domain: this.domain, reason: this.reason }],
        status: this.status,
      },
    };
  }
}

export const invalid = (message: string): GoogleApiError =>
  new GoogleApiError(400, 'invalid', message, 'INVALID_ARGUMENT');
export const badRequest = (message: string): GoogleApiError =>
  new GoogleApiError(400, 'badRequest', message, 'INVALID_ARGUMENT');
export const failedPrecondition = (message: string): GoogleApiError =>
  new GoogleApiError(400, 'failedPrecondition', message, 'FAILED_PRECONDITION');
export const notFound = (message = 'Resource Not Found: deviceId'): GoogleApiError =>
  new GoogleApiError(404, 'notFound', message, 'NOT_FOUND');
export const unauthenticated = (message: string, reason: string): GoogleApiError =>
  new GoogleApiError(401, reason, message, 'UNAUTHENTICATED');
/**
 * A 400 for a page token Google handed out itself: "Invalid Input" (reason invalid), the shape
 * Google gives a bad token (googleapis/google-api-nodejs-client#1358: "Invalid Input: 0").
 */
export const invalidPageToken = (token: string): GoogleApiError => invalid(`Invalid Input: ${token}`);
export const forbidden = (message = 'Not Authorized to access this resource/api'): GoogleApiError =>
  new GoogleApiError(403, 'forbidden', message, 'PERMISSION_DENIED');

/** The throttling and outage errors a client must back off from, and the daily limit it must not retry. */
export type InjectedFault =
  'userRateLimitExceeded' | 'quotaExceeded' | 'rateLimitExceeded' | 'backendError' | 'dailyLimitExceeded';

export function faultError(kind: InjectedFault, retryAfterSeconds?: number): GoogleApiError {
  const headers: Record<string, string> =
    retryAfterSeconds !== undefined ? { 'retry-after': String(retryAfterSeconds) } : {};
  switch (kind) {
    case 'userRateLimitExceeded':
      return new GoogleApiError(
        403,
        'userRateLimitExceeded',
        "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user' of service 'admin.googleapis.com'.",
        'PERMISSION_DENIED',
        'usageLimits',
        headers,
      );
    case 'quotaExceeded':
      return new GoogleApiError(
        403,
        'quotaExceeded',
        'Quota exceeded for the project.',
        'PERMISSION_DENIED',
        'usageLimits',
        headers,
      );
    case 'rateLimitExceeded':
      return new GoogleApiError(
        429,
        'rateLimitExceeded',
        'Rate Limit Exceeded',
        'RESOURCE_EXHAUSTED',
        'usageLimits',
        headers,
      );
    // Google's JSON APIs answer a used-up daily quota with 403 dailyLimitExceeded (domain
    // usageLimits); the Directory API's pages do not show its message, so the wording is unconfirmed.
    case 'dailyLimitExceeded':
      return new GoogleApiError(
        403,
        'dailyLimitExceeded',
        'Daily Limit Exceeded. The quota will be reset at midnight Pacific Time (PT).',
        'PERMISSION_DENIED',
        'usageLimits',
        headers,
      );
    case 'backendError':
      return new GoogleApiError(
        503,
        'backendError',
        'The service is currently unavailable.',
        'UNAVAILABLE',
        'global',
        headers,
      );
  }
}
