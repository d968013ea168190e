'use client';

import Link from 'next/link';
import { useInbox } from './inbox-provider';

/** New inbound messages outside the open conversation. */
export function Toasts() {
  const { toasts, dismissToast } = useInbox();
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className="toast">
          <Link href={`/inbox/${t.conversationId}`} className="toast-link" onClick={() => dismissToast(t.id)}>
            <strong>{t.title}</strong>
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
