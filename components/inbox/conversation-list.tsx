'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useState } from 'react';
import { contactName, selectConversations, unreadCount, type ConversationFilter } from '@/lib/realtime/inbox-reducer';
import { formatListTime } from '@/lib/format-time';
import { useNow } from '@/hooks/use-now';
import { useInbox } from './inbox-provider';
import { inboxPath } from '@/lib/paths';

const FILTERS: Array<{ id: ConversationFilter; label: string }> = [
  { id: 'all', label: 'All' },
  { id: 'mine', label: 'Mine' },
  { id: 'unassigned', label: 'Unassigned' },
  { id: 'open', label: 'Open' },
  { id: 'closed', label: 'Closed' },
];

export function ConversationList() {
  const { inbox, viewer, members, selectedId, team } = useInbox();
  const [filter, setFilter] = useState<ConversationFilter>('all');
  const [query, setQuery] = useState('');
  const [matches, setMatches] = useState<Set<string> | undefined>();
  const now = useNow(30_000);

  // message text is searched on the server (debounced); names and numbers locally
  useEffect(() => {
    const q = query.trim();
    if (q.length < 2) return;
    let cancelled = false;
    const t = setTimeout(() => {
      void inbox.actions.searchMessages(q).then(async (ids) => {
        if (cancelled) return;
        setMatches(ids);
        await inbox.actions.loadConversations([...ids]); // matches older than the loaded list join it
      });
    }, 250);
    return () => {
      cancelled = true;
      clearTimeout(t);
    };
  }, [query, inbox.actions]);

  const { state } = inbox;
  const conversations = useMemo(
    () => selectConversations(state, { filter, userId: viewer.userId, query, matchingConversationIds: query.trim().length >= 2 ? matches : undefined }),
    [state, filter, viewer.userId, query, matches],
  );
  // Alt+↓ / Alt+↑ open the next / previous conversation of the list as filtered
  const router = useRouter();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') || conversations.length === 0) return;
      // not inside a form control: Alt+↓ opens a <select>, and Option+↑/↓ moves by paragraph in text
      const target = e.target as HTMLElement | null;
      if (target?.closest('input, textarea, select, [contenteditable]:not([contenteditable="false"])')) return;
      e.preventDefault();
      const at = conversations.findIndex((c) => c.id === selectedId);
      const next = at < 0 ? 0 : Math.min(conversations.length - 1, Math.max(0, at + (e.key === 'ArrowDown' ? 1 : -1)));
      router.push(inboxPath(viewer.distributor.id, conversations[next]!.id));
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [conversations, selectedId, router, viewer.distributor.id]);

  const memberName = (id: string | null) => members.find((m) => m.userId === id)?.displayName;
  const viewers = (conversationId: string) =>
    Object.values(team.teammates).filter((t) => t.userId !== viewer.userId && t.viewing.includes(conversationId)).map((t) => t.name);

  return (
    <section className="list-panel" aria-label="Conversations">
      <div className="list-tools">
        <label className="visually-hidden" htmlFor="inbox-search">
          Search conversations
        </label>
        <input id="inbox-search" type="search" className="search" placeholder="Search name, number or message" value={query} onChange={(e) => setQuery(e.target.value)} />
        <div className="filters" role="group" aria-label="Filter conversations">
          {FILTERS.map((f) => (
            <button key={f.id} type="button" className="filter" aria-pressed={filter === f.id} onClick={() => setFilter(f.id)}>
              {f.label}
            </button>
          ))}
        </div>
      </div>
      {conversations.length === 0 ? (
        <p className="empty-state">{query ? 'Nothing matches that search.' : 'No conversations here yet. Messages your customers send on WhatsApp appear here.'}</p>
      ) : (
        <ul className="conversation-list" aria-label="Conversation list">
          {conversations.map((c) => {
            const contact = state.contacts[c.contact_id];
            const unread = unreadCount(c, state.reads[c.id]);
            const typing = team.typingIn(c.id);
            const watching = viewers(c.id);
            return (
              <li key={c.id} className={['conversation', unread > 0 ? 'unread' : '', c.id === selectedId ? 'selected' : ''].join(' ')}>
                <Link href={inboxPath(viewer.distributor.id, c.id)} className="conversation-link" aria-current={c.id === selectedId ? 'page' : undefined} data-conversation-id={c.id}>
                  <span className="conversation-top">
                    <span className="conversation-name">{contactName(contact)}</span>
                    {c.last_message_at ? (
                      <time dateTime={c.last_message_at} className="muted" suppressHydrationWarning>
                        {formatListTime(c.last_message_at, now)}
                      </time>
                    ) : null}
                  </span>
                  <span className="conversation-bottom">
                    <span className="conversation-preview">
                      {typing.length > 0 ? <em className="typing">{typing.join(', ')} typing…</em> : <>{c.last_message_direction === 'outbound' ? 'You: ' : ''}{c.last_message_preview ?? ''}</>}
                    </span>
                    {unread > 0 ? (
                      <span className="badge" aria-label={`${unread} unread`}>
                        {unread}
                      </span>
                    ) : null}
                  </span>
                  <span className="conversation-meta muted">
                    {contact?.phone ?? contact?.wa_id ?? ''}
                    {' · '}
                    {c.status === 'closed' ? 'Closed' : 'Open'}
                    {' · '}
                    {c.assignee_id ? (c.assignee_id === viewer.userId ? 'Assigned to you' : `Assigned to ${memberName(c.assignee_id) ?? 'a teammate'}`) : 'Unassigned'}
                    {watching.length > 0 ? <span className="watching"> · {watching.join(', ')} viewing</span> : null}
                  </span>
                </Link>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
