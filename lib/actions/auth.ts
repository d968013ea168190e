'use server';

// Server actions live under lib/ so the components that call them import downwards, never from app/.

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { createClient } from '@/lib/supabase/server';
import { safeNextPath } from '@/lib/safe-next-path';

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
