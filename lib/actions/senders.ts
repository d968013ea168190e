'use server';

// A workspace's WhatsApp senders and their templates. Credentials are checked against Twilio before anything is
// stored, and stored only through save_whatsapp_sender (service role, Vault), which checks again that the caller —
// named from their verified session, never from the form — is an admin of that workspace.

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { createClient } from '@/lib/supabase/server';
import { createAdminClient } from '@/lib/supabase/admin';
import { dbErrorText } from '@/lib/actions/db-error';
import { checkSender, type SenderCheckField } from '@/lib/twilio/check-sender';
import { forgetSender, senderCredentials } from '@/lib/twilio/senders';
import { sweepSender } from '@/lib/twilio/reconcile';
import { syncSenderTemplates } from '@/lib/twilio/templates';
import { settingsPath } from '@/lib/paths';

export interface SenderFormState {
  error?: string;
  ok?: string;
  field?: SenderCheckField | 'label';
  values?: Record<string, string>;
}

const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();
const uuid = z.uuid();

/** The caller and whether they administer the workspace (asked as themselves: RLS and the role function decide). */
async function adminOf(workspaceId: string) {
  const supabase = await createClient();
  const { data: auth } = await supabase.auth.getUser();
  if (!auth.user || !uuid.safeParse(workspaceId).success) return null;
  const { data } = await supabase.rpc('is_workspace_admin', { p_distributor_id: workspaceId });
  return data === true ? { supabase, userId: auth.user.id } : null;
}

export async function saveSender(_previous: SenderFormState, form: FormData): Promise<SenderFormState> {
  const workspaceId = text(form, 'workspace_id');
  const senderId = text(form, 'sender_id') || null;
  const values = {
    label: text(form, 'label'),
    whatsapp_number: text(form, 'whatsapp_number').replace(/^whatsapp:/i, '').replace(/[\s().-]/g, ''),
    messaging_service_sid: text(form, 'messaging_service_sid'),
    account_sid: text(form, 'account_sid'),
    api_key_sid: text(form, 'api_key_sid'),
  };
  const authToken = text(form, 'auth_token');
  const apiKeySecret = text(form, 'api_key_secret');
  if (values.label.length < 1 || values.label.length > 100) return { error: 'Give the sender a label (up to 100 characters).', field: 'label', values };
  if (senderId && !uuid.safeParse(senderId).success) return { error: 'No such sender.', values };
  const caller = await adminOf(workspaceId);
  if (!caller) return { error: 'Only admins can manage WhatsApp senders.', values };

  // an edit may leave a secret empty to keep the stored one: check with that one
  let token = authToken;
  let keySecret = apiKeySecret;
  if (senderId && (!token || (values.api_key_sid && !keySecret))) {
    const stored = await storedCredentials(senderId, workspaceId);
    if (stored && stored.accountSid === values.account_sid) {
      token ||= stored.authToken;
      if (stored.apiKeySid === values.api_key_sid) keySecret ||= stored.apiKeySecret ?? '';
    }
  }
  const check = await checkSender({
    accountSid: values.account_sid,
    authToken: token,
    apiKeySid: values.api_key_sid || null,
    apiKeySecret: values.api_key_sid ? keySecret : null,
    whatsappNumber: values.whatsapp_number,
    messagingServiceSid: values.messaging_service_sid || null,
  });
  if (!check.ok) return { error: check.message, field: check.field, values };

  const { data, error } = await createAdminClient().rpc('save_whatsapp_sender', {
    p_actor: caller.userId,
    p_distributor_id: workspaceId,
    p_sender_id: senderId as string,
    p_label: values.label,
    p_whatsapp_number: values.whatsapp_number,
    p_messaging_service_sid: (values.messaging_service_sid || null) as string,
    p_account_sid: values.account_sid,
    p_auth_token: (authToken || null) as string,
    p_api_key_sid: (values.api_key_sid || null) as string,
    p_api_key_secret: (values.api_key_sid ? apiKeySecret || null : null) as string,
  });
  if (error) {
    const duplicate = error.code === '23505';
    return { error: duplicate ? 'This number is already a sender (of this or another workspace) on that Twilio account.' : dbErrorText(error), values };
  }
  forgetSender(values.account_sid, values.whatsapp_number);
  // its templates come along at once; a failure shows on the templates page and does not undo the sender
  await syncSenderTemplates(String(data)).catch(() => null);
  revalidatePath(settingsPath(workspaceId, 'senders'));
  return { ok: `Saved. ${check.message}` };
}

async function storedCredentials(senderId: string, workspaceId: string) {
  try {
    const creds = await senderCredentials(senderId);
    return creds.distributorId === workspaceId ? creds : null;
  } catch {
    return null;
  }
}

/** Checks a saved sender's credentials again and records the outcome (the senders page shows it). */
export async function recheckSender(_previous: SenderFormState, form: FormData): Promise<SenderFormState> {
  const workspaceId = text(form, 'workspace_id');
  const senderId = text(form, 'sender_id');
  if (!uuid.safeParse(senderId).success) return { error: 'No such sender.' };
  if (!(await adminOf(workspaceId))) return { error: 'Only admins can check WhatsApp senders.' };
  const creds = await storedCredentials(senderId, workspaceId);
  if (!creds) return { error: 'This sender has no Twilio credentials yet: edit it and enter them.' };
  const check = await checkSender({ ...creds, whatsappNumber: creds.whatsappNumber });
  await createAdminClient().rpc('record_sender_check', { p_sender_id: senderId, p_ok: check.ok, p_message: check.ok ? '' : check.message });
  revalidatePath(settingsPath(workspaceId, 'senders'));
  return check.ok ? { ok: check.message } : { error: check.message, field: check.field };
}

/** Reconciles a sender with Twilio's Messages log now (it also happens on a schedule): what webhooks missed. */
export async function reconcileSender(_previous: SenderFormState, form: FormData): Promise<SenderFormState> {
  const workspaceId = text(form, 'workspace_id');
  const senderId = text(form, 'sender_id');
  if (!uuid.safeParse(senderId).success) return { error: 'No such sender.' };
  if (!(await adminOf(workspaceId))) return { error: 'Only admins can reconcile WhatsApp senders.' };
  // the sender must be this workspace's: read back with our credentials only after that is established
  const creds = await storedCredentials(senderId, workspaceId);
  if (!creds) return { error: 'This sender has no Twilio credentials yet: edit it and enter them.' };
  const result = await sweepSender(senderId, 'manual').catch(() => null);
  revalidatePath(settingsPath(workspaceId, 'senders'));
  if (!result) return { error: 'Reconciliation could not run right now. Try again in a moment.' };
  if (result.error) return { error: `Twilio's log could not be read: ${result.error}` };
  return { ok: `Reconciled: ${result.listedInbound} messages in Twilio's log, ${result.recoveredInbound} were missing and are now in the inbox; ${result.recoveredStatuses} delivery statuses updated.` };
}

export async function deleteSender(_previous: SenderFormState, form: FormData): Promise<SenderFormState> {
  const workspaceId = text(form, 'workspace_id');
  const senderId = text(form, 'sender_id');
  if (!uuid.safeParse(senderId).success || !uuid.safeParse(workspaceId).success) return { error: 'No such sender.' };
  const supabase = await createClient();
  const { error } = await supabase.rpc('delete_whatsapp_sender', { p_sender_id: senderId });
  if (error) return { error: dbErrorText(error) };
  revalidatePath(settingsPath(workspaceId, 'senders'));
  return { ok: 'Sender deleted.' };
}

/** Fetches every sender's templates from Twilio's Content API now (they are also synced periodically). */
export async function syncTemplates(_previous: SenderFormState, form: FormData): Promise<SenderFormState> {
  const workspaceId = text(form, 'workspace_id');
  const caller = await adminOf(workspaceId);
  if (!caller) return { error: 'Only admins can sync templates.' };
  const { data: senders, error } = await caller.supabase.from('whatsapp_senders').select('id, label, account_sid').eq('distributor_id', workspaceId).not('account_sid', 'is', null);
  if (error) return { error: dbErrorText(error) };
  // one sync per Twilio account: senders on the same account share its templates
  const byAccount = new Map<string, { id: string; label: string }>();
  for (const s of senders ?? []) if (s.account_sid && !byAccount.has(s.account_sid)) byAccount.set(s.account_sid, s);
  if (byAccount.size === 0) return { error: 'Add a WhatsApp sender first: templates come from its Twilio account.' };
  const results = await Promise.all([...byAccount.values()].map(async (s) => ({ s, r: await syncSenderTemplates(s.id).catch(() => ({ synced: 0, error: 'the sync failed' })) })));
  revalidatePath(settingsPath(workspaceId, 'templates'));
  const failed = results.filter((x) => x.r.error);
  if (failed.length > 0) return { error: failed.map((x) => `${x.s.label}: ${x.r.error}`).join(' ') };
  return { ok: `Synced ${results.reduce((n, x) => n + x.r.synced, 0)} templates from Twilio.` };
}
