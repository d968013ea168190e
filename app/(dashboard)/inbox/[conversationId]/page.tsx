import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { InboxScreen } from '@/components/inbox/inbox-screen';

export const metadata: Metadata = { title: 'Inbox' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A deep link to one conversation: the layout's live inbox, with this thread open. */
export default async function ConversationPage({ params }: { params: Promise<{ conversationId: string }> }) {
  const { conversationId } = await params;
  if (!UUID.test(conversationId)) notFound();
  return <InboxScreen conversationId={conversationId.toLowerCase()} />;
}
