const STRING_FIELDS = ['id', 'channelId', 'serviceUrl', 'text', 'name', 'replyToId', 'locale'];
const OBJECT_FIELDS = ['from', 'recipient', 'conversation', 'channelData'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Why a parsed body can't be a Bot Framework activity, in words fit for the caller, or undefined.
 * The adapter throws on these (an activity without `type` was a 500), so they are answered 400
 * here. Field types follow the Activity schema:
 * https://github.com/microsoft/botframework-sdk/blob/main/specs/botframework-activity/botframework-activity.md
 */
export function activityProblem(body: unknown): string | undefined {
  if (!isObject(body)) return 'The body must be a JSON object: a Bot Framework activity.';
  if (typeof body.type !== 'string' || !/^[A-Za-z]{1,64}$/.test(body.type))
    return 'The activity needs a "type" such as "message".';
  for (const field of STRING_FIELDS) {
    if (body[field] !== undefined && body[field] !== null && typeof body[field] !== 'string')
      return `The activity's "${field}" must be a string.`;
  }
  for (const field of OBJECT_FIELDS) {
    if (body[field] !== undefined && body[field] !== null && !isObject(body[field]))
      return `The activity's "${field}" must be an object.`;
  }
  if (body.attachments !== undefined && body.attachments !== null && !Array.isArray(body.attachments))
    return `The activity's "attachments" must be a list.`;
  return undefined;
}

/** Activity types as metric labels: the known ones, everything else "other" (a label per typo would pile up). */
const KNOWN_TYPES = new Set([
  'message',
  'invoke',
  'conversationUpdate',
  'messageReaction',
  'messageUpdate',
  'messageDelete',
  'installationUpdate',
  'event',
  'typing',
  'endOfConversation',
]);

export function activityTypeLabel(body: unknown): string {
  const type = isObject(body) ? body.type : undefined;
  return typeof type === 'string' && KNOWN_TYPES.has(type) ? type : 'other';
}
