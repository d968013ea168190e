import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AppHeader } from '@/components/app-header';
import { CreateWorkspaceForm } from '@/components/workspace/create-workspace-form';
import { getViewer } from '@/lib/data/members';
import { inboxPath } from '@/lib/paths';

export const metadata: Metadata = { title: 'Inbox' };

/**
 * /inbox: the first workspace's inbox, or, for a signed-in user who belongs to none yet, "Create your workspace"
 * (they become its owner). The open workspace is always in the URL (/w/<id>/inbox), so this page only routes.
 */
export default async function InboxIndex() {
  const viewer = await getViewer();
  if (viewer.kind === 'anonymous') redirect('/login');
  if (viewer.kind === 'member') redirect(inboxPath(viewer.distributor.id));
  return (
    <>
      <AppHeader title="Switchboard" userLabel={viewer.email} />
      <main className="empty-state narrow">
        <h1>Create your workspace</h1>
        <p>
          {viewer.email} is not in a workspace yet. Create one for your team and you will be its owner; or open the invitation link a
          colleague sent you to join theirs.
        </p>
        <CreateWorkspaceForm />
      </main>
    </>
  );
}
