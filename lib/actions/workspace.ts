'use server';

// Workspaces, members and invitations. Every action runs as the signed-in user: the database functions check the
// caller's role (RLS and security-definer functions that read auth.uid()), so a forged form gets the same refusal a
// hidden button would. Answers are { error } / { ok } states for useActionState, or a redirect.

import { redirect } from 'next/navigation';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { createClient } from '@/lib/supabase/server';
import { serverEnv } from '@/lib/env';
import { mailInvitation, type MailOutcome } from '@/lib/auth/invitation-mail';
import { safeNextPath } from '@/lib/safe-next-path';
import { dbErrorText } from '@/lib/actions/db-error';
import { inboxPath, settingsPath } from '@/lib/paths';

export interface FormState {
  error?: string;
  ok?: string;
  /** Echoed back so a refused form keeps what was typed. */
  values?: Record<string, string>;
}

const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();
const uuid = z.uuid();
const MEMBER_ROLES = ['admin', 'agent'] as const;

async function signedInUser() {
  const supabase = await createClient();
  const { data } = await supabase.auth.getUser();
  return { supabase, user: data.user };
}

// ── sign-up ───────────────────────────────────────────────────────────────────────────────────────────────

const signUpInput = z.object({
  email: z.email('Enter a valid email address.').max(320),
  password: z.string().min(8, 'Use at least 8 characters.').max(72, 'Use at most 72 characters.'),
});

export async function signUp(_previous: FormState, form: FormData): Promise<FormState> {
  const email = text(form, 'email').toLowerCase();
  const next = safeNextPath(form.get('next'));
  const parsed = signUpInput.safeParse({ email, password: form.get('password') });
  if (!parsed.success) return { error: parsed.error.issues[0]!.message, values: { email } };
  const supabase = await createClient();
  const { data, error } = await supabase.auth.signUp({
    ...parsed.data,
    // where the confirmation mail's link leads, through /auth/confirm (supabase/templates/confirmation.html)
    options: { emailRedirectTo: `${serverEnv().PUBLIC_BASE_URL.replace(/\/+$/, '')}${next}` },
  });
  if (error) {
    const message =
      error.code === 'user_already_exists' || error.code === 'email_exists'
        ? 'An account with this email exists already: sign in instead (an invitation mail has a link that signs you in).'
        : error.code === 'weak_password'
          ? 'Choose a stronger password.'
          : error.code === 'over_email_send_rate_limit' || error.status === 429
            ? 'Too many sign-ups right now. Try again in a minute.'
            : 'Sign-up is unavailable right now. Try again in a moment.';
    return { error: message, values: { email } };
  }
  // projects that confirm email addresses answer with a user and no session: the mail has the link
  if (!data.session) return { ok: `Check ${email}: we sent a link to confirm the address, then sign in.` };
  redirect(next);
}

// ── workspaces ────────────────────────────────────────────────────────────────────────────────────────────

export async function createWorkspace(_previous: FormState, form: FormData): Promise<FormState> {
  const name = text(form, 'name');
  const displayName = text(form, 'display_name');
  const values = { name, display_name: displayName };
  if (name.length < 1 || name.length > 200) return { error: 'Name the workspace (up to 200 characters).', values };
  if (displayName.length < 1 || displayName.length > 100) return { error: 'Say how your teammates should call you (up to 100 characters).', values };
  const { supabase, user } = await signedInUser();
  if (!user) redirect('/login');
  const { data, error } = await supabase.rpc('create_workspace', { p_name: name, p_display_name: displayName });
  if (error) return { error: dbErrorText(error), values };
  redirect(`${settingsPath(String(data), 'senders')}?welcome=1`);
}

export async function renameWorkspace(_previous: FormState, form: FormData): Promise<FormState> {
  const id = text(form, 'workspace_id');
  const name = text(form, 'name');
  if (!uuid.safeParse(id).success) return { error: 'No such workspace.' };
  if (name.length < 1 || name.length > 200) return { error: 'Name the workspace (up to 200 characters).', values: { name } };
  const { supabase } = await signedInUser();
  const { data, error } = await supabase.from('distributors').update({ name }).eq('id', id).select('id');
  if (error) return { error: dbErrorText(error), values: { name } };
  if (!data?.length) return { error: 'Only admins can rename the workspace.', values: { name } };
  revalidatePath(`/w/${id}`, 'layout');
  return { ok: 'Renamed.' };
}

// ── invitations ───────────────────────────────────────────────────────────────────────────────────────────

export interface InvitationState extends FormState {
  /** The link to hand over, shown once (only its hash is stored). */
  link?: string;
  /** Whether Supabase Auth mailed it too, and if not, why. */
  mail?: MailOutcome;
}

export async function inviteMember(_previous: InvitationState, form: FormData): Promise<InvitationState> {
  const workspaceId = text(form, 'workspace_id');
  const email = text(form, 'email').toLowerCase();
  const role = text(form, 'role');
  const values = { email, role };
  if (!uuid.safeParse(workspaceId).success) return { error: 'No such workspace.' };
  if (!z.email().safeParse(email).success) return { error: 'Enter a valid email address.', values };
  if (!(MEMBER_ROLES as readonly string[]).includes(role)) return { error: 'Choose admin or agent.', values };
  const { supabase, user } = await signedInUser();
  if (!user) redirect('/login');
  const { data, error } = await supabase.rpc('create_invitation', { p_distributor_id: workspaceId, p_email: email, p_role: role as 'admin' | 'agent' });
  if (error) return { error: dbErrorText(error), values };
  const token = (data as { token: string }[])[0]!.token;
  const link = `${serverEnv().PUBLIC_BASE_URL.replace(/\/+$/, '')}/invite/${token}`;
  revalidatePath(`/w/${workspaceId}/settings/members`);
  // only once the database has accepted the invitation from this admin: nobody else can make us send mail
  const mail = await mailInvitation(email, link);
  return { ok: mail.mailed ? `Invitation mailed to ${email}.` : `Invitation for ${email} created.`, link, mail, values };
}

export async function revokeInvitation(_previous: FormState, form: FormData): Promise<FormState> {
  const id = text(form, 'invitation_id');
  const workspaceId = text(form, 'workspace_id');
  if (!uuid.safeParse(id).success || !uuid.safeParse(workspaceId).success) return { error: 'No such invitation.' };
  const { supabase } = await signedInUser();
  const { error } = await supabase.rpc('revoke_invitation', { p_invitation_id: id });
  if (error) return { error: dbErrorText(error) };
  revalidatePath(`/w/${workspaceId}/settings/members`);
  return { ok: 'Invitation withdrawn.' };
}

export async function acceptInvitation(_previous: FormState, form: FormData): Promise<FormState> {
  const token = text(form, 'token');
  const displayName = text(form, 'display_name');
  if (displayName.length < 1 || displayName.length > 100) return { error: 'Say how your teammates should call you (up to 100 characters).', values: { display_name: displayName } };
  if (!/^[\w-]{20,100}$/.test(token)) return { error: 'This invitation link is not valid.' };
  const { supabase, user } = await signedInUser();
  if (!user) redirect(`/login?next=${encodeURIComponent(`/invite/${token}`)}`);
  const { data, error } = await supabase.rpc('accept_invitation', { p_token: token, p_display_name: displayName });
  if (error) return { error: dbErrorText(error), values: { display_name: displayName } };
  redirect(inboxPath(String(data)));
}

// ── members ───────────────────────────────────────────────────────────────────────────────────────────────

export async function changeMemberRole(_previous: FormState, form: FormData): Promise<FormState> {
  const workspaceId = text(form, 'workspace_id');
  const userId = text(form, 'user_id');
  const role = text(form, 'role');
  if (!uuid.safeParse(workspaceId).success || !uuid.safeParse(userId).success) return { error: 'No such member.' };
  if (!(MEMBER_ROLES as readonly string[]).includes(role)) return { error: 'Choose admin or agent.' };
  const { supabase } = await signedInUser();
  const { error } = await supabase.rpc('set_member_role', { p_distributor_id: workspaceId, p_user_id: userId, p_role: role as 'admin' | 'agent' });
  if (error) return { error: dbErrorText(error) };
  revalidatePath(`/w/${workspaceId}/settings/members`);
  return { ok: 'Role changed.' };
}

export async function removeMember(_previous: FormState, form: FormData): Promise<FormState> {
  const workspaceId = text(form, 'workspace_id');
  const userId = text(form, 'user_id');
  if (!uuid.safeParse(workspaceId).success || !uuid.safeParse(userId).success) return { error: 'No such member.' };
  const { supabase, user } = await signedInUser();
  const { error } = await supabase.rpc('remove_member', { p_distributor_id: workspaceId, p_user_id: userId });
  if (error) return { error: dbErrorText(error) };
  if (user?.id === userId) redirect('/inbox'); // left the workspace
  revalidatePath(`/w/${workspaceId}/settings/members`);
  return { ok: 'Removed. They lost access at once.' };
}

export async function transferOwnership(_previous: FormState, form: FormData): Promise<FormState> {
  const workspaceId = text(form, 'workspace_id');
  const userId = text(form, 'user_id');
  if (!uuid.safeParse(workspaceId).success || !uuid.safeParse(userId).success) return { error: 'No such member.' };
  const { supabase } = await signedInUser();
  const { error } = await supabase.rpc('transfer_ownership', { p_distributor_id: workspaceId, p_user_id: userId });
  if (error) return { error: dbErrorText(error) };
  revalidatePath(`/w/${workspaceId}/settings/members`);
  return { ok: 'Ownership transferred. You are an admin now.' };
}

export async function deleteWorkspace(_previous: FormState, form: FormData): Promise<FormState> {
  const workspaceId = text(form, 'workspace_id');
  const confirm = text(form, 'confirm_name');
  if (!uuid.safeParse(workspaceId).success) return { error: 'No such workspace.' };
  const { supabase } = await signedInUser();
  const { error } = await supabase.rpc('delete_workspace', { p_distributor_id: workspaceId, p_confirm_name: confirm });
  if (error) return { error: dbErrorText(error) };
  redirect('/inbox');
}
