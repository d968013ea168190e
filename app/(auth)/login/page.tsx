import type { Metadata } from 'next';
import Link from 'next/link';
import { LoginForm } from '@/components/login-form';
import { safeNextPath } from '@/lib/safe-next-path';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next } = await searchParams;
  return (
    <main className="auth-page">
      <section className="auth-card" aria-labelledby="login-title">
        <h1 id="login-title">Switchboard</h1>
        <p className="muted">Sign in to your team inbox.</p>
        <LoginForm next={safeNextPath(next)} />
        <p className="small">
          <Link href="/reset-password">Forgot your password?</Link>
        </p>
        <p className="small">
          New here? <Link href={`/signup?next=${encodeURIComponent(safeNextPath(next))}`}>Create an account</Link>
        </p>
      </section>
    </main>
  );
}
