import type { Metadata } from 'next';
import Link from 'next/link';
import { ResetPasswordForm } from '@/components/reset-password-form';

export const metadata: Metadata = { title: 'Reset your password' };

/** Forgotten passwords: Supabase Auth mails a link that leads to /auth/confirm, then /account/password. */
export default function ResetPasswordPage() {
  return (
    <main className="auth-page">
      <section className="auth-card" aria-labelledby="reset-title">
        <h1 id="reset-title">Reset your password</h1>
        <p className="muted">We mail you a link to choose a new one.</p>
        <ResetPasswordForm />
        <p className="small">
          Remembered it? <Link href="/login">Sign in</Link>
        </p>
      </section>
    </main>
  );
}
