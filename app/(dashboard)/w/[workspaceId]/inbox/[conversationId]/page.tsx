import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { InboxScreen } from '@/components/inbox/inbox-screen';
import { isUuid } from '@/lib/uuid';

export const metadata: Metadata = { title: 'Inbox' };

/** A deep link to one conversation: the layout's live inbox, with this thread open. */
export default async function ConversationPage({ params }: { params: Promise<{ conversationId: string }> }) {
  const { conversationId } = await params;
  if (!isUuid(conversationId)) notFound();
  return <InboxScreen conversationId={conversationId.toLowerCase()} />;
}
