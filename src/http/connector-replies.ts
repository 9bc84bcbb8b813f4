import { createPipelineRequest, RestError, type PipelineResponse } from '@azure/core-rest-pipeline';
import type { PipelineRequest } from '@azure/core-rest-pipeline';

/** What botframework-connector's ConnectorClient is made of, as far as replies go. */
interface ConnectorClientParts {
  baseUri?: string;
  /** @azure/core-client's ServiceClient: the pipeline with auth, retries, throttling and proxy. */
  client: { sendRequest(request: PipelineRequest): Promise<PipelineResponse & { parsedBody?: unknown }> };
  conversations: {
    sendToConversation(conversationId: string, activity: object, ...rest: unknown[]): Promise<unknown>;
    replyToActivity(conversationId: string, activityId: string, activity: object, ...rest: unknown[]): Promise<unknown>;
  };
}

interface ErrorBody {
  error?: { code?: string; message?: string };
}

/**
 * Sends the bot's messages (a reply, or a new message in a conversation) through the connector
 * client's own HTTP pipeline, which signs the request with the bot's token, retries and waits out
 * throttling as before, without botframework-connector's generic serialiser around it: the
 * activity is JSON as it stands, and mapping it field by field against the schema, then the
 * answer back, cost a card turn more than sending it (docs/performance.md). Everything else the
 * client does (updates, deletes, members) goes the usual way.
 *
 * The calls keep the connector's shape: `POST v3/conversations/{id}/activities[/{replyToId}]`,
 * the ids URI-encoded, answered with a ResourceResponse (`{ id }`); any other status than 2xx
 * throws a RestError with the status and the Bot Connector's error code and message, as the
 * client's own calls do.
 */
export function sendMessagesDirectly(connector: ConnectorClientParts): void {
  const base = (connector.baseUri ?? '').replace(/\/+$/, '');
  // As the client itself allows: plain http only when the service URL is plain http (local tests).
  const insecure = base.toLowerCase().startsWith('http:');
  const post = (path: string, activity: object) =>
    postActivity(
      connector.client,
      createPipelineRequest({ url: `${base}/${path}`, method: 'POST', allowInsecureConnection: insecure }),
      activity,
    );
  connector.conversations.sendToConversation = (conversationId, activity) =>
    post(`v3/conversations/${encodeURIComponent(conversationId)}/activities`, activity);
  connector.conversations.replyToActivity = (conversationId, activityId, activity) =>
    post(
      `v3/conversations/${encodeURIComponent(conversationId)}/activities/${encodeURIComponent(activityId)}`,
      activity,
    );
}

async function postActivity(
  client: ConnectorClientParts['client'],
  request: PipelineRequest,
  activity: object,
): Promise<{ id?: string }> {
  request.headers.set('content-type', 'application/json; charset=utf-8');
  request.body = JSON.stringify(activity);
  const response = await client.sendRequest(request);
  const body = response.parsedBody ?? parsedText(response.bodyAsText);
  if (response.status < 200 || response.status >= 300) {
    const error = new RestError((body as ErrorBody)?.error?.message ?? response.bodyAsText ?? '', {
      code: (body as ErrorBody)?.error?.code,
      statusCode: response.status,
      request,
      response,
    });
    throw error;
  }
  const id = (body as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? { id } : {};
}

function parsedText(text: string | null | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
