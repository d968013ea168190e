import 'server-only';
import { AppError, toAppError } from '@/lib/errors';
import { serverEnv } from '@/lib/env';
import { createAdminClient } from '@/lib/supabase/admin';
import type { createClient } from '@/lib/supabase/route';
import { senderCredentials, twilioClientFor } from '@/lib/twilio/senders';
import { twilioErrorText } from '@/lib/twilio/error-codes';
import { SendPacer } from '@/lib/twilio/send-pacer';
import type { SendRequest } from '@/lib/replies/wire';
import type { MessageRow } from '@/types/rows';
import { fillTemplate, sessionWindowRemaining, templatePlaceholders } from '@/lib/whatsapp';

type UserClient = ReturnType<typeof createClient>;

let pacer: SendPacer | undefined;
function sendPacer(): SendPacer {
  pacer ??= new SendPacer(serverEnv().TWILIO_SEND_RATE_PER_SECOND);
  return pacer;
}

/**
 * A reply from the dashboard. The outbound row is written first (`queued`, as the member, so RLS decides
 * whether they may), then Twilio is asked to send it with our status callback, then its SID is stored.
 * Idempotent on `clientMsgId` (per distributor): the same member's repeat returns the first row and sends nothing.
 */
export async function sendReply(user: UserClient, userId: string, conversationId: string, input: SendRequest): Promise<{ message: MessageRow; created: boolean }> {
  const { data: conversation, error } = await user
    .from('conversations')
    .select('id, distributor_id, sender_id, last_inbound_at, contact:contacts(wa_id), sender:whatsapp_senders(account_sid)')
    .eq('id', conversationId)
    .maybeSingle();
  if (error) throw toAppError(error);
  if (!conversation?.contact || !conversation.sender) throw new AppError('not_found', 'No such conversation.', 404);

  const existing = await findByClientMsgId(user, conversation.distributor_id, input.clientMsgId);
  if (existing) return { message: sameSend(existing, userId, conversationId), created: false };

  let body: string;
  let template: { contentSid: string; variables: string } | null = null;
  if ('template' in input) {
    const { data: tpl, error: tplError } = await user
      .from('message_templates')
      .select('content_sid, body, approved')
      .eq('distributor_id', conversation.distributor_id)
      .eq('content_sid', input.template.contentSid)
      .eq('account_sid', conversation.sender.account_sid ?? '')
      .maybeSingle();
    if (tplError) throw toAppError(tplError);
    if (!tpl || !tpl.approved) throw new AppError('unknown_template', 'That template is not an approved template of this distributor.', 422);
    const missing = templatePlaceholders(tpl.body).filter((k) => !input.template.variables[k]?.trim());
    if (missing.length > 0) throw new AppError('missing_template_variables', `Fill in template variable(s) ${missing.join(', ')}.`, 422, { missing });
    body = fillTemplate(tpl.body, input.template.variables);
    template = { contentSid: tpl.content_sid, variables: JSON.stringify(input.template.variables) };
  } else {
    if (sessionWindowRemaining(conversation.last_inbound_at, Date.now()) === 0) {
      throw new AppError('outside_session_window', 'The 24-hour WhatsApp window is closed: send an approved template instead.', 422, {
        lastInboundAt: conversation.last_inbound_at,
      });
    }
    body = input.body;
  }

  const { data: row, error: insertError } = await user
    .from('messages')
    .insert({
      distributor_id: conversation.distributor_id,
      conversation_id: conversationId,
      direction: 'outbound',
      status: 'queued',
      body,
      sent_by: userId,
      client_msg_id: input.clientMsgId,
      content_sid: template?.contentSid ?? null,
      content_variables: 'template' in input ? input.template.variables : null,
    })
    .select('*')
    .single();
  if (insertError) {
    if (insertError.code === '23505') {
      // a concurrent retry of the same send got there first; a row we cannot see is not ours to return
      const raced = await findByClientMsgId(user, conversation.distributor_id, input.clientMsgId);
      if (raced) return { message: sameSend(raced, userId, conversationId), created: false };
      throw clientMsgIdConflict();
    }
    if (insertError.code === '42501') throw new AppError('forbidden', 'You may not send in this conversation.', 403);
    throw toAppError(insertError);
  }

  const admin = createAdminClient();
  try {
    const creds = await senderCredentials(conversation.sender_id);
    await sendPacer().acquire(creds.whatsappNumber);
    const env = serverEnv();
    const sent = await twilioClientFor(creds).messages.create({
      ...(creds.messagingServiceSid ? { messagingServiceSid: creds.messagingServiceSid } : { from: `whatsapp:${creds.whatsappNumber}` }),
      to: `whatsapp:${conversation.contact.wa_id}`,
      statusCallback: `${env.PUBLIC_BASE_URL.replace(/\/+$/, '')}/api/twilio/status`,
      ...(template ? { contentSid: template.contentSid, contentVariables: template.variables } : { body }),
    });
    const status = (['accepted', 'scheduled', 'queued', 'sending', 'sent'] as const).find((s) => s === sent.status) ?? 'queued';
    const { error: sidError } = await admin.rpc('record_outbound_sid', { p_message_id: row.id, p_sid: sent.sid, p_status: status });
    if (sidError) throw toAppError(sidError);
  } catch (sendError) {
    if (sendError instanceof AppError && !sendError.expose) throw sendError;
    const code = typeof (sendError as { code?: unknown }).code === 'number' ? (sendError as { code: number }).code : null;
    const text = sendError instanceof AppError ? sendError.message : code ? twilioErrorText(code, (sendError as Error).message) : 'Could not reach Twilio.';
    const failure = { status: 'failed' as const, error_code: code, error_message: text, status_updated_at: new Date().toISOString() };
    const { error: failError } = await admin.from('messages').update(failure).eq('id', row.id);
    let failed: MessageRow;
    if (failError) {
      // the row stays `queued` in the database although nothing was sent: say so in the log, and still answer
      // with the failure (and a row showing it) so the member sees the send failed and can retry
      logDbError('marking the message failed', row.id, failError, { twilioCode: code });
      failed = { ...row, ...failure };
    } else {
      failed = await reread(admin, row, 'rereading the failed message');
    }
    throw new AppError('twilio_error', text ?? 'Twilio refused the message.', 502, { twilioCode: code, message: failed });
  }
  return { message: await reread(admin, row, 'rereading the sent message'), created: true };
}

type AdminClient = ReturnType<typeof createAdminClient>;

/** The row as stored now; on a read error, the row we already hold (logged: the answer may show an older status). */
async function reread(admin: AdminClient, row: MessageRow, what: string): Promise<MessageRow> {
  const { data, error } = await admin.from('messages').select('*').eq('id', row.id).single();
  if (error) logDbError(what, row.id, error);
  return data ?? row;
}

/** Logs a database error on the send path by message id and codes only: no message text, numbers or credentials. */
function logDbError(what: string, messageId: string, error: { code?: string; message: string }, extra: Record<string, unknown> = {}) {
  console.error(`[send] ${what} failed`, { messageId, dbCode: error.code, dbMessage: error.message, ...extra });
}

/** client_msg_id is unique per distributor (the sender's idempotency key, not a global one). */
async function findByClientMsgId(user: UserClient, distributorId: string, clientMsgId: string): Promise<MessageRow | null> {
  const { data, error } = await user.from('messages').select('*').eq('distributor_id', distributorId).eq('client_msg_id', clientMsgId).maybeSingle();
  if (error) throw toAppError(error);
  return data;
}

/** A repeat of a send returns its first row; the same key on a teammate's or another conversation's row is a conflict. */
function sameSend(row: MessageRow, userId: string, conversationId: string): MessageRow {
  if (row.sent_by !== userId || row.conversation_id !== conversationId) throw clientMsgIdConflict();
  return row;
}

const clientMsgIdConflict = () =>
  new AppError('client_msg_id_conflict', 'That client_msg_id is already used by another message: send again with a new one.', 409);
