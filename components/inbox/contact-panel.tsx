'use client';

import { useState, type FormEvent } from 'react';
import type { ContactRow, ConversationRow } from '@/lib/realtime/types';
import { useInbox } from './inbox-provider';

export function ContactPanel({ contact, conversation, onClose }: { contact: ContactRow; conversation: ConversationRow; onClose(): void }) {
  const { inbox } = useInbox();
  // only what this member typed is a draft; untouched fields follow the live row (a teammate may edit them)
  const [draft, setDraft] = useState<{ display_name?: string; notes?: string }>({});
  const name = draft.display_name ?? contact.display_name ?? '';
  const notes = draft.notes ?? contact.notes ?? '';
  const [state, setState] = useState<{ kind: 'idle' | 'saving' | 'saved' } | { kind: 'error'; message: string }>({ kind: 'idle' });

  const save = async (e: FormEvent) => {
    e.preventDefault();
    // send only the fields changed here, so a teammate's edit of the other one is not overwritten
    const patch = Object.fromEntries(Object.entries(draft).map(([k, v]) => [k, v.trim() || null])) as { display_name?: string | null; notes?: string | null };
    if (Object.keys(patch).length === 0) return setState({ kind: 'saved' });
    setState({ kind: 'saving' });
    try {
      await inbox.actions.updateContact(contact.id, patch);
      setDraft({});
      setState({ kind: 'saved' });
    } catch (error) {
      setState({ kind: 'error', message: (error as Error).message });
    }
  };

  return (
    <aside id="contact-panel" className="contact-panel" aria-label="Contact">
      <div className="contact-head">
        <h2>Contact</h2>
        <button type="button" className="link-button" onClick={onClose} aria-label="Close contact panel">
          ✕
        </button>
      </div>
      <dl className="contact-facts">
        <dt>WhatsApp</dt>
        <dd>{contact.phone ?? contact.wa_id}</dd>
        {contact.profile_name ? (
          <>
            <dt>Profile name</dt>
            <dd>{contact.profile_name}</dd>
          </>
        ) : null}
        {contact.username ? (
          <>
            <dt>Username</dt>
            <dd>@{contact.username}</dd>
          </>
        ) : null}
        <dt>Customer since</dt>
        <dd>{new Date(contact.created_at).toLocaleDateString()}</dd>
        <dt>Messages received</dt>
        <dd>{conversation.inbound_count}</dd>
      </dl>
      <form className="stack" onSubmit={save}>
        <label className="field">
          Name
          <input value={name} maxLength={200} onChange={(e) => setDraft((d) => ({ ...d, display_name: e.target.value }))} placeholder={contact.profile_name ?? ''} />
        </label>
        <label className="field">
          Notes
          <textarea value={notes} rows={5} maxLength={4000} onChange={(e) => setDraft((d) => ({ ...d, notes: e.target.value }))} />
        </label>
        <button type="submit" className="button button-primary" disabled={state.kind === 'saving'}>
          {state.kind === 'saving' ? 'Saving…' : 'Save'}
        </button>
        <p role="status" className={state.kind === 'error' ? 'form-error' : 'muted small'}>
          {state.kind === 'saved' ? 'Saved.' : state.kind === 'error' ? state.message : ''}
        </p>
      </form>
    </aside>
  );
}
