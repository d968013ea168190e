/**
 * The reply's wire format: the JSON body of POST /api/conversations/:id/messages, and the app's own (camelCase)
 * terms for it on either side. Pure TypeScript with no runtime dependencies, so the browser can build requests
 * without shipping zod; ./schema.ts holds the zod schema the route parses with, typed against these types so the
 * two cannot drift apart (and ./wire.test.ts checks that every request built here passes it).
 */

/** An approved template and the values for its `{{n}}` placeholders, keyed by n. */
export interface ReplyTemplate {
  contentSid: string;
  variables: Record<string, string>;
}

/** What a member sends: free text (inside the 24-hour window) or a template. */
export type ReplyInput = { body: string } | { template: ReplyTemplate };

/** A reply as the server handles it: the content plus the sender's idempotency key. */
export type SendRequest = { clientMsgId: string } & ReplyInput;

/** The request body on the wire (snake_case, as the API spells its fields). */
export type ReplyRequest =
  | { client_msg_id: string; body: string }
  | { client_msg_id: string; template: { content_sid: string; variables: Record<string, string> } };

/** The request body for a reply. Fields are copied one by one so that extras (the browser's preview) stay off the wire. */
export function toReplyRequest(clientMsgId: string, input: ReplyInput): ReplyRequest {
  return 'body' in input
    ? { client_msg_id: clientMsgId, body: input.body }
    : { client_msg_id: clientMsgId, template: { content_sid: input.template.contentSid, variables: input.template.variables } };
}

/** The inverse of toReplyRequest, for a body the route has already validated. */
export function fromReplyRequest(request: ReplyRequest): SendRequest {
  return 'body' in request
    ? { clientMsgId: request.client_msg_id, body: request.body }
    : { clientMsgId: request.client_msg_id, template: { contentSid: request.template.content_sid, variables: request.template.variables } };
}
