/** Graph's error bodies, as the emulator answers them. */
import { randomUUID } from 'node:crypto';
import type { RouteResult } from './routes';

/** Graph's JSON error: {error:{code, message, innerError:{date, request-id, client-request-id}}}. */
export function graphError(status: number, code: string, message: string): RouteResult {
  const requestId = randomUUID();
  return {
    status,
    headers: { 'request-id': requestId },
    body: {
      error: {
        code,
        message,
        innerError: { date: new Date().toISOString(), 'request-id': requestId, 'client-request-id': requestId },
      },
    },
  };
}

/**
 * Directory routes (users, groups) without the app permission: 403 Authorization_RequestDenied,
 * "Insufficient privileges to complete the operation."
 * Source: a real response quoted at https://learn.microsoft.com/answers/questions/197819 (app-only call, 403
 * with exactly this code and message); Graph's reference pages do not print the body.
 */
export function authorizationDenied(): RouteResult {
  return graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
}

/**
 * Intune routes without the app permission: 403 code Forbidden whose message is Intune's own JSON
 * naming the scopes that would do ("Application must have one of the following scopes: …").
 * Sources (real responses quoted in public issues): microsoftgraph/microsoft-graph-docs-contrib#87,
 * mondoohq/cnspec#1708. Graph's docs do not document this body.
 */
export function intuneForbidden(scopes: readonly string[], url: string): RouteResult {
  const activityId = randomUUID();
  const inner = {
    _version: 3,
    Message: `Application is not authorized to perform this operation. Application must have one of the following scopes: ${scopes.join(', ')} - Operation ID (for customer support): 00000000-0000-0000-0000-000000000000 - Activity ID: ${activityId} - Url: ${url}`,
    CustomApiErrorPhrase: '',
    RetryAfter: null,
    ErrorSourceService: '',
    HttpHeaders: '{}',
  };
  return graphError(403, 'Forbidden', JSON.stringify(inner, null, 2).replace(/\n/g, '\r\n'));
}
