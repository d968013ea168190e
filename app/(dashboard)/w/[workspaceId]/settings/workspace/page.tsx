import type { Metadata } from 'next';
import { DeleteWorkspaceForm, RenameWorkspaceForm } from '@/components/settings/workspace';
import { workspaceMember } from '@/lib/data/workspace-member';
import { isAdmin } from '@/lib/roles';

export const metadata: Metadata = { title: 'Workspace' };

export default async function WorkspacePage({ params }: { params: Promise<{ workspaceId: string }> }) {
  const viewer = await workspaceMember(params);
  return (
    <main className="settings-page" aria-labelledby="workspace-title">
      <h1 id="workspace-title">Workspace</h1>
      {isAdmin(viewer.role) ? <RenameWorkspaceForm workspaceId={viewer.distributor.id} name={viewer.distributor.name} /> : <p>{viewer.distributor.name}</p>}
      {viewer.role === 'owner' ? (
        <>
          <h2>Delete the workspace</h2>
          <p className="muted">Deletes its conversations, messages, senders (and their stored credentials), templates and team. This cannot be undone.</p>
          <DeleteWorkspaceForm workspaceId={viewer.distributor.id} name={viewer.distributor.name} />
        </>
      ) : null}
    </main>
  );
}
