import { DailyLimitExceeded, DeskError, QuotaExceeded, UpstreamError } from '../errors';

const DELEGATION_HINT =
  'Check in Google Admin console > Security > API controls > Domain-wide delegation that the client id and the three scopes of `connector setup` are authorised, and that the admin account is a super admin.';

/** Why a connect or sync failed, in words an admin can act on. Never a stack or a token. */
export function friendlyReason(error: unknown, during: 'connect' | 'sync'): string {
  const what = during === 'connect' ? 'Google Admin did not accept the connection' : 'The sync stopped';
  // Not a delegation problem: the day's quota is spent, and the message says when it resets.
  if (error instanceof DailyLimitExceeded) return `${what}: ${error.userMessage}`;
  if (error instanceof QuotaExceeded) {
    return `${what}: the Google Admin API quota was exceeded (${error.userMessage}) It is retried at the next sync.`;
  }
  if (error instanceof UpstreamError && (error.status === 401 || error.status === 403 || error.status === 400)) {
    return `${what}: ${error.userMessage} ${DELEGATION_HINT}`;
  }
  if (error instanceof DeskError) return `${what}: ${error.userMessage}`;
  return `${what} because of an unexpected problem on our side; the details are in the bot's log.`;
}
