'use client';

import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import type { InboxMessage } from '@/lib/realtime/types';

/** Within this many pixels of the end counts as "at the bottom". */
const BOTTOM_SLACK = 48;

/**
 * A thread's scrolling: it sticks to the bottom only while the reader is there (and when I send, or when a
 * conversation opens); otherwise new messages are counted in `unseen` for the "new messages" button. Older
 * messages loaded above keep what the reader was looking at in place (`holdPosition` before loading them).
 */
export function useThreadScroll(messages: InboxMessage[], viewerId: string) {
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const [unseen, setUnseen] = useState(0);
  const anchor = useRef<{ fromBottom: number } | null>(null);
  const lastCount = useRef(0);
  const lastNewestId = useRef<string | null>(null);
  const lastLocalId = useRef<string | null>(null);

  const scrollToBottom = useCallback(() => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
    atBottom.current = true;
    setUnseen(0);
  }, []);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    // server rows and my unconfirmed replies are tracked apart: a reply still sending (always drawn last)
    // must not hide the customer's messages arriving meanwhile
    const server = messages.filter((m) => !m.local);
    const newest = server.at(-1);
    const newestLocal = messages.findLast((m) => m.local);
    if (anchor.current) {
      // older messages went in above: keep what the reader was looking at where it was
      el.scrollTop = el.scrollHeight - anchor.current.fromBottom;
      anchor.current = null;
    } else if (newestLocal && newestLocal.id !== lastLocalId.current && newestLocal.local?.state === 'sending') {
      scrollToBottom(); // I just sent something
    } else if (newest && newest.id !== lastNewestId.current) {
      const mine = newest.direction === 'outbound' && newest.sent_by === viewerId && lastNewestId.current !== null;
      if (atBottom.current || mine || lastCount.current === 0) scrollToBottom();
      else setUnseen((n) => n + Math.max(1, server.length - lastCount.current));
    }
    lastCount.current = server.length;
    lastNewestId.current = newest?.id ?? null;
    lastLocalId.current = newestLocal?.id ?? null;
  }, [messages, viewerId, scrollToBottom]);

  /** Call from the scroller's onScroll: whether the reader is at the bottom now, and how far from the top. */
  const measure = useCallback(() => {
    const el = scroller.current;
    if (!el) return null;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK;
    if (atBottom.current) setUnseen((n) => (n ? 0 : n));
    return { scrollTop: el.scrollTop };
  }, []);

  /** Before loading older messages: keep the current view in place when they go in above. */
  const holdPosition = useCallback(() => {
    const el = scroller.current;
    if (el) anchor.current = { fromBottom: el.scrollHeight - el.scrollTop };
    return el !== null;
  }, []);
  const releasePosition = useCallback(() => {
    anchor.current = null;
  }, []);

  return { scroller, atBottom, unseen, scrollToBottom, measure, holdPosition, releasePosition };
}
