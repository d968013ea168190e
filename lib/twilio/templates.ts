import 'server-only';
import { toAppError } from '@/lib/errors';
import { createAdminClient } from '@/lib/supabase/admin';
import { senderCredentials, twilioClientFor } from './senders';

/** What a template row holds, from one item of Twilio's ContentAndApprovals list. */
export interface SyncedTemplate {
  content_sid: string;
  name: string;
  language: string;
  body: string;
  variables: string[];
  approval_status: string;
  category: string | null;
  rejection_reason: string | null;
}

interface ContentItem {
  sid: string;
  friendlyName: string;
  language: string;
  variables: Record<string, string> | null;
  types: Record<string, { body?: string } | undefined> | null;
  approvalRequests: { status?: string; category?: string; rejection_reason?: string } | null;
}

const STATUSES = new Set(['approved', 'pending', 'received', 'rejected', 'paused', 'disabled', 'unsubmitted']);

/** One Content API item as a template row: its text body (or the first type's), labels in placeholder order. */
export function templateFromContent(item: ContentItem): SyncedTemplate | null {
  if (!/^HX[0-9a-f]{32}$/.test(item.sid)) return null;
  const types = item.types ?? {};
  const body = types['twilio/text']?.body ?? Object.values(types).find((t) => t?.body)?.body ?? '';
  if (!body.trim()) return null;
  const vars = Object.entries(item.variables ?? {}).sort(([a], [b]) => Number(a) - Number(b) || a.localeCompare(b));
  const status = item.approvalRequests?.status?.toLowerCase() ?? 'unsubmitted';
  return {
    content_sid: item.sid,
    name: (item.friendlyName || item.sid).slice(0, 200),
    language: (item.language || 'en').slice(0, 20),
    body: body.slice(0, 1024),
    variables: vars.map(([, label]) => String(label).slice(0, 100)),
    approval_status: STATUSES.has(status) ? status : 'pending',
    category: item.approvalRequests?.category?.slice(0, 50) ?? null,
    rejection_reason: item.approvalRequests?.rejection_reason?.slice(0, 500) || null,
  };
}

/**
 * Syncs a sender's account's templates from Twilio's Content API into message_templates (service role): upserts
 * what Twilio lists, marks what it no longer lists as disabled, and records the outcome on the sender.
 */
export async function syncSenderTemplates(senderId: string): Promise<{ synced: number; error: string | null }> {
  const creds = await senderCredentials(senderId);
  const admin = createAdminClient();
  let items: ContentItem[];
  try {
    items = (await twilioClientFor(creds).content.v1.contentAndApprovals.list({ pageSize: 100, limit: 2000 })) as unknown as ContentItem[];
  } catch (e) {
    const message = `Twilio did not list the templates: ${(e as Error).message}`.slice(0, 500);
    await admin.from('whatsapp_senders').update({ templates_sync_error: message }).eq('id', senderId);
    return { synced: 0, error: message };
  }
  const now = new Date().toISOString();
  const rows = items.map(templateFromContent).filter((t): t is SyncedTemplate => t !== null)
    .map((t) => ({ ...t, distributor_id: creds.distributorId, account_sid: creds.accountSid, approved: t.approval_status === 'approved', synced_at: now }));
  if (rows.length > 0) {
    const { error } = await admin.from('message_templates').upsert(rows, { onConflict: 'distributor_id,content_sid' });
    if (error) throw toAppError(error, 'template_sync_failed');
  }
  const listed = rows.map((r) => r.content_sid);
  let gone = admin.from('message_templates').update({ approval_status: 'disabled', approved: false, synced_at: now })
    .eq('distributor_id', creds.distributorId).eq('account_sid', creds.accountSid);
  if (listed.length > 0) gone = gone.not('content_sid', 'in', `(${listed.join(',')})`);
  const { error: goneError } = await gone;
  if (goneError) throw toAppError(goneError, 'template_sync_failed');
  await admin.from('whatsapp_senders').update({ templates_synced_at: now, templates_sync_error: null }).eq('id', senderId);
  return { synced: rows.length, error: null };
}
