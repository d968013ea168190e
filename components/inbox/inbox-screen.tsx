'use client';

import { ConversationList } from './conversation-list';
import { Thread } from './thread';

/**
 * The inbox: the conversation list beside the open thread. On a phone-sized screen only one pane shows, the
 * thread when one is open (with a way back to the list).
 */
export function InboxScreen({ conversationId }: { conversationId: string | null }) {
  return (
    <main className={`inbox-screen ${conversationId ? 'has-thread' : 'no-thread'}`}>
      <h1 className="visually-hidden">Inbox</h1>
      <ConversationList />
      {conversationId ? (
        <Thread key={conversationId} conversationId={conversationId} />
      ) : (
        <section className="thread-panel thread-empty" aria-label="Conversation">
          <p className="muted">Choose a conversation to read and reply.</p>
        </section>
      )}
    </main>
  );
}
