'use client';

import { memo } from 'react';
import type { InboxMessage, MessageStatus } from '@/lib/realtime/types';

type Tick = 'sending' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed';

/** Where an outbound message is on its way, as the sender cares about it. */
export function tickOf(message: InboxMessage): Tick {
  if (message.local) return message.local.state === 'failed' ? 'failed' : 'sending';
  const s: MessageStatus = message.status;
  if (s === 'failed' || s === 'undelivered' || s === 'canceled') return 'failed';
  if (s === 'read' || s === 'delivered' || s === 'sent') return s;
  return 'queued';
}

const TICK_LABEL: Record<Tick, string> = {
  sending: 'Sending',
  queued: 'Queued',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Not delivered',
};
/** Drawn, not emoji: the ticks must look the same on every machine. */
function TickIcon({ tick }: { tick: Tick }) {
  const common = { width: 16, height: 11, viewBox: '0 0 16 11', fill: 'none', stroke: 'currentColor', strokeWidth: 1.6, strokeLinecap: 'round' as const, strokeLinejoin: 'round' as const, 'aria-hidden': true };
  if (tick === 'sending' || tick === 'queued')
    return (
      <svg {...common} viewBox="0 0 11 11" width={11}>
        <circle cx="5.5" cy="5.5" r="4.5" />
        <path d="M5.5 3v2.7l1.8 1.1" />
      </svg>
    );
  if (tick === 'failed')
    return (
      <svg {...common} viewBox="0 0 11 11" width={11}>
        <circle cx="5.5" cy="5.5" r="4.5" />
        <path d="M5.5 3v3M5.5 8v.1" />
      </svg>
    );
  if (tick === 'sent')
    return (
      <svg {...common}>
        <path d="M1.5 6l3 3 6-7" />
      </svg>
    );
  return (
    <svg {...common}>
      <path d="M1 6l3 3 6-7M7 8.5l.5.5 6-7" />
    </svg>
  );
}

interface MediaItem {
  url?: string;
  content_type?: string;
}

function Media({ message }: { message: InboxMessage }) {
  const media = Array.isArray(message.media) ? (message.media as MediaItem[]) : [];
  if (media.length === 0 || message.local) return null;
  return (
    <div className="media">
      {media.map((m, i) => {
        const src = `/api/media/${message.id}/${i}`;
        const type = m.content_type ?? '';
        if (/^image\/(png|jpeg|gif|webp)$/.test(type))
          return (
            <a key={i} href={src} target="_blank" rel="noreferrer">
              {/* eslint-disable-next-line @next/next/no-img-element -- private media through our own route, not a static asset */}
              <img src={src} alt={`Image from the customer (${i + 1})`} loading="lazy" />
            </a>
          );
        if (type.startsWith('audio/')) return <audio key={i} src={src} controls preload="none" aria-label="Voice message" />;
        if (type.startsWith('video/')) return <video key={i} src={src} controls preload="none" aria-label="Video" />;
        return (
          <a key={i} className="attachment" href={src} download>
            Download attachment ({type || 'file'})
          </a>
        );
      })}
    </div>
  );
}

export const MessageItem = memo(function MessageItem({ message, authorName, onRetry }: { message: InboxMessage; authorName?: string; onRetry(message: InboxMessage): void }) {
  const outbound = message.direction === 'outbound';
  const tick = outbound ? tickOf(message) : null;
  const time = new Date(message.created_at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  // error_message is already the readable text: the server writes it from the Twilio code when it records the failure
  const failure = tick === 'failed' ? (message.local?.error ?? message.error_message ?? 'The message was not delivered.') : null;
  return (
    <li className={`message message-${message.direction}${tick === 'failed' ? ' message-failed' : ''}`} data-message-id={message.id} data-client-msg-id={message.client_msg_id ?? undefined} data-status={tick ?? 'received'}>
      <div className="bubble">
        {outbound && authorName ? <span className="author muted">{authorName}</span> : null}
        <Media message={message} />
        {message.body ? <p className="message-body">{message.body}</p> : null}
        <span className="message-meta">
          <time dateTime={message.created_at} suppressHydrationWarning>
            {time}
          </time>
          {tick ? (
            <span className={`tick tick-${tick}`} title={TICK_LABEL[tick]}>
              <TickIcon tick={tick} />
              <span className="visually-hidden">{TICK_LABEL[tick]}</span>
            </span>
          ) : null}
        </span>
      </div>
      {failure ? (
        <div className="failure" role="alert">
          <span>{failure}</span>
          <button type="button" className="link-button" onClick={() => onRetry(message)}>
            Retry
          </button>
        </div>
      ) : null}
    </li>
  );
});
