import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { ConversationList } from '@/components/conversation-list';
import { AppHeader } from '@/components/app-header';
import { getViewer } from '@/lib/data/members';
import { listConversations } from '@/lib/data/conversations';

export const metadata: Metadata = { title: 'Inbox' };

export default async function InboxPage() {
  const viewer = await getViewer();
  if (viewer.kind === 'anonymous') redirect('/login?next=/inbox');
  if (viewer.kind === 'outsider') {
    return (
      <>
        <AppHeader title="Switchboard" userLabel={viewer.email} />
        <main className="empty-state">
          <h1>No team yet</h1>
          <p>{viewer.email} is not a member of any distributor. Ask an owner to add you.</p>
        </main>
      </>
    );
  }
  const conversations = await listConversations(viewer.distributor.id, viewer.userId);
  return (
    <>
      <AppHeader title={viewer.distributor.name} subtitle={`WhatsApp ${viewer.distributor.whatsappNumber}`} userLabel={viewer.displayName} />
      <main className="inbox">
        <h1 className="visually-hidden">Inbox</h1>
        <ConversationList conversations={conversations} />
      </main>
    </>
  );
}
