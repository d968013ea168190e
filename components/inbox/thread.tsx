'use client';

import Link from 'next/link';
import { Fragment, useEffect, useMemo, useRef, useState } from 'react';
import { dayLabel } from '@/lib/format-time';
import { contactName, selectThread } from '@/lib/realtime/inbox-reducer';
import type { InboxMessage } from '@/lib/realtime/types';
import { Composer } from './composer';
import { ContactPanel } from './contact-panel';
import { useInbox } from './inbox-provider';
import { MessageItem } from './message-item';
import { useThreadScroll } from './use-thread-scroll';
import { inboxPath } from '@/lib/paths';

export function Thread({ conversationId }: { conversationId: string }) {
  const { inbox, team, viewer, members } = useInbox();
  const { state, actions } = inbox;
  const conversation = state.conversations[conversationId];
  const contact = conversation ? state.contacts[conversation.contact_id] : undefined;
  const history = state.history[conversationId];
  const messages = useMemo(() => selectThread(state, conversationId), [state, conversationId]);

  const [missing, setMissing] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [olderLoading, setOlderLoading] = useState(false);
  const [showContact, setShowContact] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  useEffect(() => {
    if (!showContact) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setShowContact(false);
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [showContact]);

  // a deep link to a conversation outside the first snapshot, then its latest page of messages
  useEffect(() => {
    let cancelled = false;
    (async () => {
      try {
        if (!inbox.state.conversations[conversationId] && !(await actions.loadConversation(conversationId))) {
          if (!cancelled) setMissing(true);
          return;
        }
        await actions.loadThread(conversationId);
      } catch (e) {
        if (!cancelled) setLoadError((e as Error).message);
      }
    })();
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- load once per conversation; state read is the snapshot at open
  }, [conversationId, actions]);

  // ── scrolling: stick to the bottom only while the reader is there ─────────────────────────────────────
  const { scroller, atBottom, unseen, scrollToBottom, measure, holdPosition, releasePosition } = useThreadScroll(messages, viewer.userId);

  const onScroll = () => {
    const at = measure();
    if (at && at.scrollTop < 80 && history?.loaded && !history.complete && !olderLoading) void loadOlder();
  };

  const loadOlder = async () => {
    if (olderLoading || !holdPosition()) return;
    setOlderLoading(true);
    try {
      await actions.loadOlder(conversationId);
    } catch (e) {
      releasePosition();
      setLoadError((e as Error).message);
    } finally {
      setOlderLoading(false);
    }
  };

  // ── read state: reading the newest messages marks the conversation read for me ────────────────────────
  const inboundCount = conversation?.inbound_count ?? 0;
  const read = state.reads[conversationId];
  useEffect(() => {
    const mark = () => {
      if (document.visibilityState === 'visible' && atBottom.current) void actions.markRead(conversationId);
    };
    mark();
    document.addEventListener('visibilitychange', mark);
    return () => document.removeEventListener('visibilitychange', mark);
  }, [actions, conversationId, inboundCount, unseen, read?.read_inbound_count, atBottom]);

  // ── new messages, announced to screen readers (inbound only, and not the ones loaded from history) ────
  const [announcement, setAnnouncement] = useState('');
  const announced = useRef<string | null>(null);
  useEffect(() => {
    const newest = messages.findLast((m) => !m.local);
    if (!newest || newest.id === announced.current) return;
    const first = announced.current === null;
    announced.current = newest.id;
    if (!first && newest.direction === 'inbound') setAnnouncement(`New message from ${contactName(contact)}: ${newest.body || 'attachment'}`);
  }, [messages, contact]);

  if (missing)
    return (
      <section className="thread-panel thread-empty" aria-label="Conversation">
        <p>This conversation does not exist or belongs to another team.</p>
        <Link href={inboxPath(viewer.distributor.id)}>Back to the inbox</Link>
      </section>
    );
  if (!conversation)
    return (
      <section className="thread-panel thread-empty" aria-label="Conversation" aria-busy="true">
        <p className="muted">Loading…</p>
      </section>
    );

  const typing = team.typingIn(conversationId);
  const watching = Object.values(team.teammates).filter((t) => t.userId !== viewer.userId && t.viewing.includes(conversationId)).map((t) => t.name);
  const memberName = (id: string | null) => members.find((m) => m.userId === id)?.displayName;
  const run = (p: Promise<void>) => {
    setActionError(null);
    p.catch((e: Error) => setActionError(e.message));
  };

  return (
    <div className={`thread-area${showContact ? ' with-contact' : ''}`}>
      <section className="thread-panel" aria-label={`Conversation with ${contactName(contact)}`} data-conversation-id={conversationId}>
        <header className="thread-header">
          <Link href={inboxPath(viewer.distributor.id)} className="back-link" aria-label="Back to conversations">
            ←
          </Link>
          <div className="thread-title">
            <h2>{contactName(contact)}</h2>
            <span className="muted small">
              {contact?.phone ?? contact?.wa_id}
              {watching.length ? ` · ${watching.join(', ')} viewing now` : ''}
            </span>
          </div>
          <div className="thread-actions">
            <label className="visually-hidden" htmlFor="assignee">
              Assignee
            </label>
            <select id="assignee" value={conversation.assignee_id ?? ''} onChange={(e) => run(actions.assign(conversationId, e.target.value || null))}>
              <option value="">Unassigned</option>
              {members.map((m) => (
                <option key={m.userId} value={m.userId}>
                  {m.userId === viewer.userId ? `${m.displayName} (me)` : m.displayName}
                </option>
              ))}
            </select>
            <button type="button" className="button button-ghost" onClick={() => run(actions.setStatus(conversationId, conversation.status === 'open' ? 'closed' : 'open'))}>
              {conversation.status === 'open' ? 'Close' : 'Reopen'}
            </button>
            <button type="button" className="button button-ghost" aria-expanded={showContact} aria-controls="contact-panel" onClick={() => setShowContact((v) => !v)}>
              Contact
            </button>
          </div>
        </header>
        {actionError ? (
          <p className="form-error thread-error" role="alert">
            {actionError}
          </p>
        ) : null}
        <div className="thread-scroll" ref={scroller} onScroll={onScroll} tabIndex={0} role="region" aria-label="Messages">
          {history?.loaded && !history.complete ? (
            <button type="button" className="link-button load-older" onClick={() => void loadOlder()} disabled={olderLoading}>
              {olderLoading ? 'Loading…' : 'Load earlier messages'}
            </button>
          ) : null}
          {history?.complete && messages.length > 0 ? <p className="muted thread-start">Start of the conversation</p> : null}
          {loadError ? <p className="form-error">Could not load messages: {loadError}</p> : null}
          <ol className="messages">
            {messages.map((m, i) => {
              const day = dayLabel(m.created_at);
              const showDay = i === 0 || dayLabel(messages[i - 1]!.created_at) !== day;
              return (
                <Fragment key={m.id}>
                  {showDay ? (
                    <li className="day-divider" role="separator">
                      <span>{day}</span>
                    </li>
                  ) : null}
                  <MessageItem message={m} authorName={m.direction === 'outbound' ? (memberName(m.sent_by) ?? undefined) : undefined} onRetry={retryMessage(actions.retry)} />
                </Fragment>
              );
            })}
          </ol>
          {!history?.loaded && messages.length === 0 ? <p className="muted">Loading messages…</p> : null}
        </div>
        {unseen > 0 ? (
          <button type="button" className="new-pill" onClick={scrollToBottom}>
            {unseen === 1 ? '1 new message' : `${unseen} new messages`} ↓
          </button>
        ) : null}
        <p className="typing-line muted" aria-live="off">
          {typing.length ? `${typing.join(', ')} ${typing.length === 1 ? 'is' : 'are'} typing…` : '\u00a0'}
        </p>
        <div className="visually-hidden" aria-live="polite" aria-atomic="true">
          {announcement}
        </div>
        <Composer conversation={conversation} />
      </section>
      {showContact && contact ? <ContactPanel contact={contact} conversation={conversation} onClose={() => setShowContact(false)} /> : null}
    </div>
  );
}

const retryHandlers = new WeakMap<object, (m: InboxMessage) => void>();
/** A stable onRetry per retry function, so memoized messages do not re-render. */
function retryMessage(retry: (m: InboxMessage) => Promise<void>) {
  let h = retryHandlers.get(retry);
  if (!h) {
    h = (m) => void retry(m);
    retryHandlers.set(retry, h);
  }
  return h;
}
