import type { Metadata } from 'next';
import Link from 'next/link';
import { SignUpForm } from '@/components/signup-form';
import { safeNextPath } from '@/lib/safe-next-path';

export const metadata: Metadata = { title: 'Create an account' };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next } = await searchParams;
  const target = safeNextPath(next);
  return (
    <main className="auth-page">
      <section className="auth-card" aria-labelledby="signup-title">
        <h1 id="signup-title">Create your account</h1>
        <p className="muted">Then create a workspace for your team, or join the one you were invited to.</p>
        <SignUpForm next={target} />
        <p className="small">
          Have an account? <Link href={`/login?next=${encodeURIComponent(target)}`}>Sign in</Link>
        </p>
      </section>
    </main>
  );
}
