import type { Metadata } from 'next';
import Link from 'next/link';
import { AcceptInvitationForm } from '@/components/workspace/accept-invitation-form';
import { createClient } from '@/lib/supabase/server';

export const metadata: Metadata = { title: 'Invitation' };

const ROLE_TEXT = { owner: 'owner', admin: 'an admin', agent: 'an agent' } as const;

/**
 * An invitation link: what it is for (anyone holding the link may see that much), then sign-in or sign-up as the
 * invited address, then accept. The database accepts it only for that address, once, before it expires.
 */
export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const supabase = await createClient();
  const valid = /^[\w-]{20,100}$/.test(token);
  const [{ data: preview }, { data: auth }] = await Promise.all([
    valid ? supabase.rpc('invitation_preview', { p_token: token }) : Promise.resolve({ data: [] }),
    supabase.auth.getUser(),
  ]);
  const invitation = (preview as { workspace_name: string; role: 'admin' | 'agent'; email: string; invited_by_name: string | null; state: string }[] | null)?.[0];
  const here = `/invite/${token}`;
  let body;
  if (!invitation) body = <p>This invitation link is not valid. Ask for a new one.</p>;
  else if (invitation.state !== 'open')
    body = <p>This invitation {invitation.state === 'expired' ? 'has expired' : invitation.state === 'accepted' ? 'has been used' : 'was withdrawn'}. Ask {invitation.invited_by_name ?? 'an admin'} for a new one.</p>;
  else {
    const intro = (
      <p>
        {invitation.invited_by_name ?? 'An admin'} invited <strong>{invitation.email}</strong> to join <strong>{invitation.workspace_name}</strong> as{' '}
        {ROLE_TEXT[invitation.role]}.
      </p>
    );
    const signedInAs = auth.user?.email?.toLowerCase();
    if (!signedInAs)
      body = (
        <>
          {intro}
          <p>
            <Link href={`/signup?next=${encodeURIComponent(here)}`} className="button button-primary">
              Create an account
            </Link>{' '}
            or <Link href={`/login?next=${encodeURIComponent(here)}`}>sign in</Link> as {invitation.email}.
          </p>
        </>
      );
    else if (signedInAs !== invitation.email.toLowerCase())
      body = (
        <>
          {intro}
          <p className="form-error">
            You are signed in as {signedInAs}. Sign out and sign in as {invitation.email} to accept.
          </p>
        </>
      );
    else
      body = (
        <>
          {intro}
          <AcceptInvitationForm token={token} />
        </>
      );
  }
  return (
    <main className="auth-page">
      <section className="auth-card" aria-labelledby="invite-title">
        <h1 id="invite-title">Join a workspace</h1>
        {body}
      </section>
    </main>
  );
}
