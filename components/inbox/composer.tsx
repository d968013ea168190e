'use client';

import { useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { ConversationRow, TemplateRow } from '@/lib/realtime/types';
import { fillTemplate, sessionWindowRemaining, templatePlaceholders } from '@/lib/whatsapp';
import { useNow } from '@/hooks/use-now';
import { useInbox } from './inbox-provider';

function formatRemaining(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}

/** The values typed so far, trimmed; empty ones left out so their placeholders still show. */
const filled = (values: Record<string, string>) => Object.fromEntries(Object.entries(values).flatMap(([k, v]) => (v.trim() ? [[k, v.trim()]] : [])));

export function Composer({ conversation }: { conversation: ConversationRow }) {
  const { inbox, team, templates } = useInbox();
  const now = useNow(30_000).getTime();
  const remaining = sessionWindowRemaining(conversation.last_inbound_at, now);
  const open = remaining > 0;
  const [text, setText] = useState('');
  const draftKey = `switchboard:draft:${conversation.id}`;
  const input = useRef<HTMLTextAreaElement>(null);

  // drafts survive switching conversations and reloads
  useEffect(() => {
    // browser storage exists only after hydration; the composer remounts per conversation
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setText(sessionStorage.getItem(draftKey) ?? '');
  }, [draftKey]);
  useEffect(() => {
    if (text) sessionStorage.setItem(draftKey, text);
    else sessionStorage.removeItem(draftKey);
  }, [draftKey, text]);

  const { sendTyping, stopTyping } = team;
  useEffect(() => () => stopTyping(conversation.id), [conversation.id, stopTyping]);

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    const body = text.trim();
    if (!body) return;
    setText('');
    stopTyping(conversation.id);
    void inbox.actions.send(conversation.id, { body });
    input.current?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    }
  };

  if (!open) return <TemplateComposer conversation={conversation} templates={templates} />;

  return (
    <form className="composer" onSubmit={submit} aria-label="Reply">
      <p className="window-note muted small" data-window="open">
        WhatsApp window closes in {formatRemaining(remaining)}
      </p>
      <div className="composer-row">
        <label className="visually-hidden" htmlFor="reply">
          Reply
        </label>
        <textarea
          id="reply"
          ref={input}
          rows={2}
          maxLength={4096}
          placeholder="Write a reply (Enter to send, Shift+Enter for a new line)"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            if (e.target.value) sendTyping(conversation.id);
            else stopTyping(conversation.id);
          }}
          onBlur={() => stopTyping(conversation.id)}
          onKeyDown={onKeyDown}
        />
        <button type="submit" className="button button-primary" disabled={!text.trim()}>
          Send
        </button>
      </div>
    </form>
  );
}

function TemplateComposer({ conversation, templates }: { conversation: ConversationRow; templates: TemplateRow[] }) {
  const { inbox } = useInbox();
  const [templateId, setTemplateId] = useState(templates[0]?.id ?? '');
  const template = templates.find((t) => t.id === templateId);
  const [values, setValues] = useState<Record<string, string>>({});
  const placeholders = useMemo(() => (template ? templatePlaceholders(template.body) : []), [template]);
  const complete = placeholders.every((p) => values[p]?.trim());

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!template || !complete) return;
    const variables = Object.fromEntries(placeholders.map((p) => [p, values[p]!.trim()]));
    void inbox.actions.send(conversation.id, { template: { contentSid: template.content_sid, variables, preview: fillTemplate(template.body, variables) } });
    setValues({});
  };

  return (
    <form className="composer composer-template" onSubmit={submit} aria-label="Send a template">
      <p className="window-note small" data-window="closed">
        {conversation.last_inbound_at
          ? 'The 24-hour WhatsApp window is closed. Send an approved template; free text opens again when the customer replies.'
          : 'The customer has not written yet. Start with an approved template.'}
      </p>
      {templates.length === 0 ? (
        <p className="muted">No approved templates yet. Add them in Twilio’s Content Template Builder.</p>
      ) : (
        <>
          <label className="field">
            Template
            <select value={templateId} onChange={(e) => (setTemplateId(e.target.value), setValues({}))}>
              {templates.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name} ({t.language})
                </option>
              ))}
            </select>
          </label>
          {placeholders.map((p, i) => (
            <label className="field" key={p}>
              {template?.variables[i] ? `${template.variables[i]}` : `Value {{${p}}}`}
              <input value={values[p] ?? ''} maxLength={1024} onChange={(e) => setValues((v) => ({ ...v, [p]: e.target.value }))} />
            </label>
          ))}
          {template ? <p className="template-preview">{fillTemplate(template.body, filled(values))}</p> : null}
          <button type="submit" className="button button-primary" disabled={!template || !complete}>
            Send template
          </button>
        </>
      )}
    </form>
  );
}
