import 'server-only';
import { createClient } from '@supabase/supabase-js';
import { publicEnv } from '@/lib/env.public';
import { createAdminClient } from '@/lib/supabase/admin';
import { nodeFetch } from '@/lib/http/node-fetch';

export type MailOutcome = { mailed: true; kind: 'invite' | 'sign-in link' } | { mailed: false; reason: string };

/**
 * Mails an invitation link through Supabase Auth, which sends two kinds of mail that fit:
 *   - an address with no account gets Auth's invitation (`auth.admin.inviteUserByEmail`): Auth creates the
 *     account, without a password, and its link signs the person in; they choose a password next (/account/password);
 *   - an address that has an account (Auth answers 422 `email_exists`) gets a magic link instead
 *     (`signInWithOtp`, never creating an account).
 * Both mails point at `inviteUrl` through /auth/confirm (the project's mail templates, supabase/templates/, say so).
 * Whether Auth can send mail at all is the project's business (SMTP, rate limits): every way it cannot is an
 * outcome the members screen shows next to the link to copy, never an error.
 */
export async function mailInvitation(email: string, inviteUrl: string): Promise<MailOutcome> {
  const invited = await createAdminClient().auth.admin.inviteUserByEmail(email, { redirectTo: inviteUrl });
  if (!invited.error) return { mailed: true, kind: 'invite' };
  if (invited.error.code !== 'email_exists' && invited.error.code !== 'user_already_exists') return notMailed(invited.error);
  const { NEXT_PUBLIC_SUPABASE_URL: url, NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY: key } = publicEnv();
  // a client of its own that keeps no session: the sign-in link is for the invitee, never for this server
  const anon = createClient(url, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global: { fetch: nodeFetch },
  });
  const link = await anon.auth.signInWithOtp({ email, options: { shouldCreateUser: false, emailRedirectTo: inviteUrl } });
  return link.error ? notMailed(link.error) : { mailed: true, kind: 'sign-in link' };
}

function notMailed(error: { code?: string; status?: number }): MailOutcome {
  console.warn(`[invitations] not mailed: ${error.code ?? error.status ?? 'unknown error'}`);
  if (error.code === 'over_email_send_rate_limit' || error.status === 429) {
    return { mailed: false, reason: 'Supabase Auth has sent as many mails as it may for now' };
  }
  if (error.code === 'email_address_not_authorized') {
    return { mailed: false, reason: "the project's mail is limited to its own team (set up SMTP in Supabase Auth)" };
  }
  if (error.code === 'email_provider_disabled' || error.code === 'signup_disabled' || error.code === 'otp_disabled') {
    return { mailed: false, reason: 'mail sign-in is turned off in Supabase Auth' };
  }
  return { mailed: false, reason: 'Supabase Auth could not send it' };
}
