'use client';

import Link from 'next/link';
import { contactName } from '@/lib/realtime/inbox-reducer';
import { useInbox } from './inbox-provider';
import { inboxPath } from '@/lib/paths';

/** New inbound messages outside the open conversation. */
export function Toasts() {
  const { toasts, dismissToast, inbox, viewer } = useInbox();
  const { conversations, contacts } = inbox.state;
  const title = (conversationId: string) => {
    const conversation = conversations[conversationId];
    return conversation ? contactName(contacts[conversation.contact_id]) : 'New message';
  };
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className="toast">
          <Link href={inboxPath(viewer.distributor.id, t.conversationId)} className="toast-link" onClick={() => dismissToast(t.id)}>
            <strong>{title(t.conversationId)}</strong>
            <span className="toast-body">{t.body}</span>
          </Link>
          <button type="button" className="link-button" aria-label="Dismiss" onClick={() => dismissToast(t.id)}>
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
