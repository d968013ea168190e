import type { Metadata } from 'next';
import Link from 'next/link';
import { ConfirmLinkForm } from '@/components/confirm-link-form';
import { serverEnv } from '@/lib/env';
import { safeNextFromLink } from '@/lib/safe-next-path';

// the address holds a one-time token: no Referer to anywhere
export const metadata: Metadata = { title: 'Continue', referrer: 'no-referrer', robots: { index: false } };

const WHAT: Record<string, string> = {
  invite: 'You were invited to Switchboard. Continue to choose a password and join your team.',
  recovery: 'Continue to choose a new password.',
  email_change: 'Continue to confirm your new email address.',
};

/**
 * Where Supabase Auth's mail links lead (supabase/templates/*.html: `/auth/confirm?token_hash=…&type=…&next=…`).
 * The token is spent by the button, not by opening the page: mail scanners open links, they do not press buttons.
 */
export default async function ConfirmPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';
  const tokenHash = one(params.token_hash);
  const type = one(params.type);
  const next = safeNextFromLink(params.next, serverEnv().PUBLIC_BASE_URL);
  return (
    <main className="auth-page">
      <section className="auth-card" aria-labelledby="confirm-title">
        <h1 id="confirm-title">Switchboard</h1>
        {tokenHash && type ? (
          <>
            <p>{WHAT[type] ?? 'Continue to sign in.'}</p>
            <ConfirmLinkForm tokenHash={tokenHash} type={type} next={next} />
          </>
        ) : (
          <p>
            This link is incomplete. Open it from the mail again, whole, or <Link href="/login">sign in</Link>.
          </p>
        )}
      </section>
    </main>
  );
}
