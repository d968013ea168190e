'use server';

// Server actions live under lib/ so the components that call them import downwards, never from app/.

import { redirect } from 'next/navigation';
import { z } from 'zod';
import type { EmailOtpType } from '@supabase/supabase-js';
import { createClient } from '@/lib/supabase/server';
import { serverEnv } from '@/lib/env';
import { safeNextFromLink, safeNextPath } from '@/lib/safe-next-path';

export interface SignInState {
  error?: string;
  email?: string;
}

const credentials = z.object({
  email: z.email('Enter a valid email address.'),
  password: z.string().min(1, 'Enter your password.'),
});

export async function signIn(_previous: SignInState, form: FormData): Promise<SignInState> {
  const email = String(form.get('email') ?? '').trim();
  const parsed = credentials.safeParse({ email, password: form.get('password') });
  if (!parsed.success) return { error: parsed.error.issues[0]!.message, email };

  const supabase = await createClient();
  const { error } = await supabase.auth.signInWithPassword(parsed.data);
  if (error) {
    const message =
      error.code === 'invalid_credentials'
        ? 'That email and password do not match.'
        : error.code === 'email_not_confirmed'
          ? 'Confirm your email address before signing in.'
          : 'Sign-in is unavailable right now. Try again in a moment.';
    return { error: message, email };
  }
  redirect(safeNextPath(form.get('next')));
}

export async function signOut() {
  const supabase = await createClient();
  // scope 'local': only this browser; colleagues sharing an account elsewhere stay signed in
  await supabase.auth.signOut({ scope: 'local' });
  redirect('/login');
}

// ── links from Supabase Auth's mail ──────────────────────────────────────────────────────────────────────

export interface LinkState {
  error?: string;
}

/** The kinds of mailed link /auth/confirm takes (GoTrue's email verification types). */
const LINK_TYPES: readonly EmailOtpType[] = ['invite', 'email', 'signup', 'magiclink', 'recovery', 'email_change'];

/**
 * A mailed link's one-time token, spent: the session it starts is this browser's. /auth/confirm asks for a click
 * before calling this, so a mail scanner that opens every link does not spend the token first. An invitation (a
 * new account, without a password) and a password reset go on to /account/password; the rest go to `next`.
 */
export async function confirmLink(_previous: LinkState, form: FormData): Promise<LinkState> {
  const tokenHash = String(form.get('token_hash') ?? '');
  const type = String(form.get('type') ?? '') as EmailOtpType;
  const next = safeNextFromLink(form.get('next'), serverEnv().PUBLIC_BASE_URL);
  if (!/^[\w-]{8,200}$/.test(tokenHash) || !LINK_TYPES.includes(type)) {
    return { error: 'This link is incomplete. Open it from the mail again, whole.' };
  }
  const supabase = await createClient();
  const { error } = await supabase.auth.verifyOtp({ token_hash: tokenHash, type });
  if (error) {
    return {
      error: error.status === 429
        ? 'Too many attempts. Try again in a minute.'
        : error.status && error.status < 500
          ? 'This link has expired or was used already. Ask for a new one.'
          : 'Signing in is unavailable right now. Try again in a moment.',
    };
  }
  if (type === 'invite' || type === 'recovery') redirect(`/account/password?next=${encodeURIComponent(next)}`);
  redirect(next);
}

const newPassword = z
  .object({
    password: z.string().min(8, 'Use at least 8 characters.').max(72, 'Use at most 72 characters.'),
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { message: 'The two passwords differ.' });

/** The signed-in user's new password (after an invitation or a reset link), then on to `next`. */
export async function setPassword(_previous: LinkState, form: FormData): Promise<LinkState> {
  const parsed = newPassword.safeParse({ password: form.get('password'), confirm: form.get('confirm') });
  if (!parsed.success) return { error: parsed.error.issues[0]!.message };
  const supabase = await createClient();
  const { data } = await supabase.auth.getUser();
  if (!data.user) redirect('/login');
  const { error } = await supabase.auth.updateUser({ password: parsed.data.password });
  if (error) {
    return {
      error: error.code === 'weak_password'
        ? 'Choose a stronger password.'
        : error.code === 'same_password'
          ? 'That is your password already: choose another, or go on.'
          : error.code === 'reauthentication_needed'
            ? 'Sign in again before changing your password.'
            : 'Your password could not be saved right now. Try again in a moment.',
    };
  }
  redirect(safeNextPath(form.get('next')));
}

export interface ResetState extends LinkState {
  ok?: string;
  email?: string;
}

/**
 * Mails a password-reset link (Supabase Auth's recovery mail, to /auth/confirm, then /account/password). The answer
 * is the same whether or not an account has the address, so the form tells nobody who has one.
 */
export async function requestPasswordReset(_previous: ResetState, form: FormData): Promise<ResetState> {
  const email = String(form.get('email') ?? '').trim().toLowerCase();
  if (!z.email().max(320).safeParse(email).success) return { error: 'Enter a valid email address.', email };
  const supabase = await createClient();
  const { error } = await supabase.auth.resetPasswordForEmail(email, { redirectTo: `${serverEnv().PUBLIC_BASE_URL.replace(/\/+$/, '')}/inbox` });
  if (error && (error.status === 429 || error.code === 'over_email_send_rate_limit')) {
    return { error: 'Too many mails asked for right now. Try again in a few minutes.', email };
  }
  if (error && (!error.status || error.status >= 500)) return { error: 'Mail is unavailable right now. Try again in a moment.', email };
  return { ok: `If an account has the address ${email}, a link to choose a new password is on its way.` };
}
