import type { Metadata } from 'next';
import { InviteForm, InvitationRow, MemberRow } from '@/components/settings/members';
import { workspaceMember } from '@/lib/data/workspace-member';
import { isAdmin } from '@/lib/roles';
import { toAppError } from '@/lib/errors';
import { createClient } from '@/lib/supabase/server';

export const metadata: Metadata = { title: 'Team' };

export default async function MembersPage({ params }: { params: Promise<{ workspaceId: string }> }) {
  const viewer = await workspaceMember(params);
  const id = viewer.distributor.id;
  const admin = isAdmin(viewer.role);
  const now = new Date().getTime();
  const supabase = await createClient();
  const [members, invitations] = await Promise.all([
    supabase.from('distributor_members').select('user_id, display_name, role, created_at').eq('distributor_id', id).is('removed_at', null).order('created_at'),
    admin
      ? supabase.from('workspace_invitations').select('id, email, role, created_at, expires_at').eq('distributor_id', id).is('accepted_at', null).is('revoked_at', null).order('created_at', { ascending: false })
      : Promise.resolve({ data: [], error: null }),
  ]);
  if (members.error) throw toAppError(members.error);
  if (invitations.error) throw toAppError(invitations.error);
  return (
    <main className="settings-page" aria-labelledby="members-title">
      <h1 id="members-title">Team</h1>
      <p className="muted">
        Agents work the inbox. Admins also manage the team, WhatsApp senders and templates. The owner can also hand the workspace over or
        delete it.
      </p>
      <ul className="settings-list" aria-label="Members">
        {members.data!.map((m) => (
          <MemberRow key={m.user_id} workspaceId={id} member={{ userId: m.user_id, displayName: m.display_name, role: m.role }} me={viewer.userId} myRole={viewer.role} />
        ))}
      </ul>
      {admin ? (
        <>
          <h2>Invite a teammate</h2>
          <InviteForm workspaceId={id} />
          <h2>Open invitations</h2>
          {invitations.data!.length === 0 ? <p className="muted">None.</p> : null}
          <ul className="settings-list" aria-label="Open invitations">
            {invitations.data!.map((i) => (
              <InvitationRow key={i.id} workspaceId={id} invitation={{ id: i.id, email: i.email, role: i.role, expiresAt: i.expires_at, expired: new Date(i.expires_at).getTime() <= now }} />
            ))}
          </ul>
        </>
      ) : null}
    </main>
  );
}
