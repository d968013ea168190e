import type { ConversationSummary } from '@/types/inbox';
import { formatListTime } from '@/lib/format-time';

export function ConversationList({ conversations, now = new Date() }: { conversations: ConversationSummary[]; now?: Date }) {
  if (conversations.length === 0) {
    return <p className="empty-state">No conversations yet. Messages your customers send on WhatsApp will appear here.</p>;
  }
  return (
    <ul className="conversation-list" aria-label="Conversations">
      {conversations.map((c) => (
        <li key={c.id} className={c.unread > 0 ? 'conversation unread' : 'conversation'}>
          <a href={`/inbox/${c.id}`} className="conversation-link">
            <span className="conversation-top">
              <span className="conversation-name">{c.contact.name}</span>
              {c.lastMessageAt ? (
                <time dateTime={c.lastMessageAt} className="muted">
                  {formatListTime(c.lastMessageAt, now)}
                </time>
              ) : null}
            </span>
            <span className="conversation-bottom">
              <span className="conversation-preview">
                {c.lastMessageDirection === 'outbound' ? 'You: ' : ''}
                {c.lastMessagePreview ?? ''}
              </span>
              {c.unread > 0 ? (
                <span className="badge" aria-label={`${c.unread} unread`}>
                  {c.unread}
                </span>
              ) : null}
            </span>
            <span className="conversation-meta muted">
              {c.contact.phone ?? c.contact.waId}
              {' · '}
              {c.status === 'closed' ? 'Closed' : 'Open'}
              {' · '}
              {c.assignee ? `Assigned to ${c.assignee.displayName}` : 'Unassigned'}
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}
