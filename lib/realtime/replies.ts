/**
 * A reply from the dashboard, browser side: the optimistic row shown at once, and the request to the send
 * route (idempotent on client_msg_id, so a retry after a lost answer never sends twice).
 */
import { localId } from '@/lib/realtime/inbox-reducer';
import type { InboxMessage, MessageRow } from '@/lib/realtime/types';
import { toReplyRequest, type ReplyInput, type ReplyTemplate } from '@/lib/replies/wire';

/** A reply as the inbox sends it: the wire's input, with a template's filled-in text to show until the server answers. */
export type SendInput = Exclude<ReplyInput, { template: ReplyTemplate }> | { template: ReplyTemplate & { preview: string } };

export function optimisticReply(o: { conversationId: string; distributorId: string; userId: string; clientMsgId: string; input: SendInput; now?: Date }): InboxMessage {
  const at = (o.now ?? new Date()).toISOString();
  const template = 'template' in o.input ? o.input.template : null;
  return {
    id: localId(o.clientMsgId), seq: 0, conversation_id: o.conversationId, distributor_id: o.distributorId, direction: 'outbound',
    body: template ? template.preview : (o.input as { body: string }).body, media: [], message_type: 'text', metadata: {}, twilio_sid: null,
    client_msg_id: o.clientMsgId, status: 'queued', error_code: null, error_message: null, sent_by: o.userId,
    content_sid: template?.contentSid ?? null, content_variables: template?.variables ?? null,
    created_at: at, updated_at: at, status_updated_at: at, local: { state: 'sending' },
  };
}

export type ReplyOutcome = { ok: true; row: MessageRow } | { ok: false; error: string; row: MessageRow | null };

/** Posts the reply; never throws: a refusal or a lost connection is an outcome the inbox shows. */
export async function postReply(conversationId: string, clientMsgId: string, input: SendInput): Promise<ReplyOutcome> {
  try {
    const res = await fetch(`/api/conversations/${conversationId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(toReplyRequest(clientMsgId, input)),
    });
    const json = (await res.json().catch(() => ({}))) as { message?: MessageRow; error?: { message?: string; details?: { message?: MessageRow } } };
    if (res.ok && json.message) return { ok: true, row: json.message };
    return { ok: false, error: json.error?.message ?? `Sending failed (${res.status}).`, row: json.error?.details?.message ?? null };
  } catch {
    return { ok: false, error: 'No connection: the message was not sent.', row: null };
  }
}

/** What sending a failed message again sends: the same text, or the same template with its variables. */
export function retryInput(message: InboxMessage): SendInput {
  return message.content_sid
    ? { template: { contentSid: message.content_sid, variables: (message.content_variables as Record<string, string> | null) ?? {}, preview: message.body } }
    : { body: message.body };
}
