import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { SetPasswordForm } from '@/components/set-password-form';
import { safeNextPath } from '@/lib/safe-next-path';
import { createClient } from '@/lib/supabase/server';

export const metadata: Metadata = { title: 'Choose a password' };

/** After an invitation's or a reset link's sign-in: the account's (new) password, then on to `next`. */
export default async function PasswordPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next } = await searchParams;
  const target = safeNextPath(next);
  const supabase = await createClient();
  const { data } = await supabase.auth.getUser();
  if (!data.user) redirect(`/login?next=${encodeURIComponent(`/account/password?next=${encodeURIComponent(target)}`)}`);
  return (
    <main className="auth-page">
      <section className="auth-card" aria-labelledby="password-title">
        <h1 id="password-title">Choose a password</h1>
        <p className="muted">For {data.user.email}: you sign in with it from now on.</p>
        <SetPasswordForm next={target} email={data.user.email ?? ''} />
      </section>
    </main>
  );
}
