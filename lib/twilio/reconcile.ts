import 'server-only';
import type { MessageInstance } from 'twilio/lib/rest/api/v2010/account/message';
import { createAdminClient } from '@/lib/supabase/admin';
import { ingestInboundMessage } from '@/lib/data/inbound';
import { applyStatusCallback } from '@/lib/data/status';
import { parseInbound } from './inbound-schema';
import type { FormParams } from './read-form';
import { senderCredentials, twilioApiOrigins, twilioClientFor, type SenderCredentials } from './senders';

/**
 * Reconciliation with Twilio's own log. Twilio keeps no queue for our webhooks: a webhook that fails is retried
 * for at most 15 s (connection overrides) or once (the fallback URL) and is then lost to us, but the message is
 * in the account's Messages log. A sweep of one sender:
 *   1. lists the log `To` the sender (inbound) since its watermark minus an overlap, and ingests every message
 *      not stored yet, through the webhook's own validation (parseInbound) and ingest (idempotent on MessageSid),
 *      media included (the Media subresource gives what the webhook's MediaUrlN would have);
 *   2. lists the log `From` the sender (outbound) over the same window and applies the status Twilio has for
 *      every stored message whose status it has not reached, as a status callback would (statuses only move up);
 *   3. records the sweep in `twilio_sweeps` (window, what it listed and recovered, or its error); the last
 *      successful sweep's `through` is the next one's watermark.
 * Sweeps run at start, on a schedule and at once after a webhook that could not be stored
 * (reconcile-schedule.ts), from a cron route for hosts without long-running processes, or from the senders page.
 */

/** Each sweep looks this far behind the watermark: messages Twilio logs late, clocks that differ. */
export const OVERLAP_MS = 10 * 60_000;
/** A sender's first sweep looks back this far (never before the sender was added). */
export const FIRST_SWEEP_MS = 24 * 60 * 60_000;
/** The most messages one sweep lists per direction (Twilio lists newest first); the rest wait for the next sweep. */
export const MAX_LISTED = 5000;

export type SweepReason = 'start' | 'schedule' | 'webhook_failure' | 'manual';

export interface SweepResult {
  senderId: string;
  since: string;
  through: string;
  listedInbound: number;
  listedOutbound: number;
  recoveredInbound: number;
  recoveredStatuses: number;
  error: string | null;
}

const FINAL_OR_PROGRESS = new Set(['sent', 'delivered', 'read', 'failed', 'undelivered', 'canceled']);
const RANK: Record<string, number> = { accepted: 0, scheduled: 0, queued: 1, sending: 2, sent: 3, delivered: 4, read: 5, failed: 6, undelivered: 6, canceled: 6 };
const running = new Set<string>();

/** Sweeps one sender (skipped if a sweep of it is already running in this process). */
export async function sweepSender(senderId: string, reason: SweepReason, now = new Date()): Promise<SweepResult | null> {
  if (running.has(senderId)) return null;
  running.add(senderId);
  try {
    return await sweep(senderId, reason, now);
  } finally {
    running.delete(senderId);
  }
}

/** Sweeps every sender with credentials, one after another; a sender that fails does not stop the others. */
export async function sweepAllSenders(reason: SweepReason): Promise<SweepResult[]> {
  const { data, error } = await createAdminClient().from('whatsapp_senders').select('id').not('account_sid', 'is', null).order('created_at');
  if (error) throw new Error(`listing senders: ${error.message}`);
  const results: SweepResult[] = [];
  for (const { id } of data ?? []) {
    const result = await sweepSender(id, reason);
    if (result) results.push(result);
  }
  return results;
}

async function sweep(senderId: string, reason: SweepReason, now: Date): Promise<SweepResult> {
  const admin = createAdminClient();
  const creds = await senderCredentials(senderId);
  const since = await windowStart(creds, now);
  const result: SweepResult = {
    senderId, since: since.toISOString(), through: now.toISOString(), listedInbound: 0, listedOutbound: 0, recoveredInbound: 0, recoveredStatuses: 0, error: null,
  };
  const { data: row, error: insertError } = await admin
    .from('twilio_sweeps')
    .insert({ distributor_id: creds.distributorId, sender_id: senderId, reason, since: result.since, through: result.through })
    .select('id')
    .single();
  if (insertError) throw new Error(`recording the sweep: ${insertError.message}`);
  try {
    const client = twilioClientFor(creds);
    const address = `whatsapp:${creds.whatsappNumber}`;
    const inWindow = (m: MessageInstance) => (m.dateSent ?? m.dateCreated).getTime() >= since.getTime();
    const inbound = (await client.messages.list({ to: address, dateSentAfter: since, pageSize: 1000, limit: MAX_LISTED })).filter(
      (m) => m.direction === 'inbound' && inWindow(m),
    );
    result.listedInbound = inbound.length;
    result.recoveredInbound = await recoverInbound(creds, client, inbound);
    const outbound = (await client.messages.list({ from: address, dateSentAfter: since, pageSize: 1000, limit: MAX_LISTED })).filter(
      (m) => m.direction !== 'inbound' && inWindow(m),
    );
    result.listedOutbound = outbound.length;
    result.recoveredStatuses = await recoverStatuses(creds, outbound);
  } catch (error) {
    result.error = describe(error);
  }
  await admin
    .from('twilio_sweeps')
    .update({
      finished_at: new Date().toISOString(),
      listed_inbound: result.listedInbound,
      listed_outbound: result.listedOutbound,
      recovered_inbound: result.recoveredInbound,
      recovered_statuses: result.recoveredStatuses,
      error: result.error,
    })
    .eq('id', row.id);
  if (result.recoveredInbound > 0 || result.recoveredStatuses > 0 || result.error) {
    console.warn(`[reconcile] sender ${senderId}: recovered ${result.recoveredInbound} inbound, ${result.recoveredStatuses} statuses${result.error ? `; ${result.error}` : ''}`);
  }
  return result;
}

/** The last successful sweep's end minus the overlap; a first sweep looks back a day, never before the sender existed. */
async function windowStart(creds: SenderCredentials, now: Date): Promise<Date> {
  const admin = createAdminClient();
  const { data: last } = await admin
    .from('twilio_sweeps')
    .select('through')
    .eq('sender_id', creds.senderId)
    .is('error', null)
    .not('finished_at', 'is', null)
    .order('through', { ascending: false })
    .limit(1)
    .maybeSingle();
  if (last) return new Date(new Date(last.through).getTime() - OVERLAP_MS);
  const { data: sender } = await admin.from('whatsapp_senders').select('created_at').eq('id', creds.senderId).single();
  const created = sender ? new Date(sender.created_at).getTime() - OVERLAP_MS : 0;
  return new Date(Math.max(now.getTime() - FIRST_SWEEP_MS, created));
}

/** Twilio SIDs of these messages already stored. */
async function storedSids(sids: string[]): Promise<Map<string, string>> {
  const stored = new Map<string, string>();
  for (let i = 0; i < sids.length; i += 200) {
    const { data, error } = await createAdminClient().from('messages').select('twilio_sid, status').in('twilio_sid', sids.slice(i, i + 200));
    if (error) throw new Error(`reading stored messages: ${error.message}`);
    for (const m of data ?? []) if (m.twilio_sid) stored.set(m.twilio_sid, m.status);
  }
  return stored;
}

async function recoverInbound(creds: SenderCredentials, client: ReturnType<typeof twilioClientFor>, listed: MessageInstance[]): Promise<number> {
  const stored = await storedSids(listed.map((m) => m.sid));
  let recovered = 0;
  // oldest first, as they arrived
  for (const m of [...listed].reverse()) {
    if (stored.has(m.sid)) continue;
    const params: FormParams = {
      MessageSid: m.sid,
      AccountSid: m.accountSid,
      From: m.from,
      To: m.to,
      Body: m.body ?? '',
      NumMedia: m.numMedia ?? '0',
    };
    if (/^whatsapp:\+\d+$/.test(m.from)) params.WaId = m.from.slice('whatsapp:+'.length);
    if (m.messagingServiceSid) params.MessagingServiceSid = m.messagingServiceSid;
    if (Number(m.numMedia) > 0) {
      const media = await client.messages(m.sid).media.list({ limit: 10 });
      const origin = twilioApiOrigins()[0]!;
      media.forEach((item, i) => {
        params[`MediaUrl${i}`] = `${origin}${item.uri.replace(/\.json$/, '')}`;
        params[`MediaContentType${i}`] = item.contentType;
      });
      params.NumMedia = String(media.length);
    }
    const parsed = parseInbound(params);
    if (!parsed.ok) {
      console.warn(`[reconcile] ${m.sid} from Twilio's log is not a valid inbound message: ${parsed.issues.join('; ')}`);
      continue;
    }
    const outcome = await ingestInboundMessage({ ...parsed.message, metadata: { ...parsed.message.metadata, reconciled: true }, sender_id: creds.senderId });
    if (outcome.status === 'created') recovered++;
  }
  return recovered;
}

async function recoverStatuses(creds: SenderCredentials, listed: MessageInstance[]): Promise<number> {
  const relevant = listed.filter((m) => FINAL_OR_PROGRESS.has(m.status));
  const stored = await storedSids(relevant.map((m) => m.sid));
  let recovered = 0;
  for (const m of [...relevant].reverse()) {
    const current = stored.get(m.sid);
    if (current === undefined || (RANK[current] ?? 0) >= (RANK[m.status] ?? 0)) continue;
    const outcome = await applyStatusCallback({
      message_sid: m.sid,
      status: m.status as never,
      error_code: m.errorCode ?? null,
      error_message: m.errorMessage ?? null,
      from: m.from,
      to: m.to,
      payload: { source: 'reconciliation' },
      sender_id: creds.senderId,
    });
    if (outcome.status === 'applied') recovered++;
  }
  return recovered;
}

/** A sweep's error as it is stored and shown: Twilio's code and message, never credentials. */
function describe(error: unknown): string {
  const e = error as { status?: number; code?: number; message?: string };
  const text = e.code ? `Twilio ${e.status ?? ''} ${e.code}: ${e.message ?? ''}` : (e.message ?? 'the sweep failed');
  return text.replace(/\s+/g, ' ').trim().slice(0, 500);
}
