import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AppHeader } from '@/components/app-header';
import { CreateWorkspaceForm } from '@/components/workspace/create-workspace-form';
import { getViewer } from '@/lib/data/members';

export const metadata: Metadata = { title: 'New workspace' };

/** Another workspace, for someone who already has one (a second company, a separate team). */
export default async function NewWorkspacePage() {
  const viewer = await getViewer();
  if (viewer.kind === 'anonymous') redirect('/login');
  return (
    <>
      <AppHeader title="Switchboard" userLabel={viewer.email} />
      <main className="empty-state narrow">
        <h1>New workspace</h1>
        <p>A workspace has its own team, WhatsApp senders and conversations. You will be its owner.</p>
        <CreateWorkspaceForm />
      </main>
    </>
  );
}
