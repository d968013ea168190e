'use client';

/**
 * The distributor's inbox, live: one channel with postgres_changes on messages, conversations, contact edits and
 * the member's read cursors; snapshot + stream + catch-up (from a cursor, with overlap) on every SUBSCRIBED; polling with
 * jitter only while the channel has been down longer than a short grace period; session check and catch-up on
 * visibilitychange, pageshow and online. Every row, from whatever source, goes through inboxReducer.
 *
 *   const inbox = useRealtimeInbox({ supabase, distributorId, userId, initial });
 *   inbox.status          // 'live' | 'connecting' | 'reconnecting' | 'polling' | 'offline'
 *   inbox.actions.send(conversationId, { body: 'Hola' })
 */
import { useCallback, useEffect, useEffectEvent, useId, useLayoutEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { BrowserClient } from '@/lib/supabase/client';
import { connectionStatus, jittered, type ConnectionStatus } from '@/lib/realtime/connection-status';
import { catchUpWindow } from '@/lib/realtime/cursor';
import { DiagnosticsRecorder, type InboxDiagnostics } from '@/lib/realtime/diagnostics';
import { emptyInbox, inboxReducer, type InboxState } from '@/lib/realtime/inbox-reducer';
import { openInboxChannel, type InboxChannel } from '@/lib/realtime/inbox-channel';
import { conversationsById, missingContacts, readCatchUp, searchConversationIds, threadPage } from '@/lib/realtime/inbox-queries';
import { optimisticReply, postReply, retryInput, type SendInput } from '@/lib/realtime/replies';
import { Backoff, serialRunner, type SerialRunner } from '@/lib/realtime/serial';
import { useResume } from '@/hooks/use-resume';
import type { ContactRow, ConversationRow, InboxMessage, MessageRow, ReadRow } from '@/lib/realtime/types';

export { THREAD_PAGE } from '@/lib/realtime/inbox-queries';
export type { InboxDiagnostics } from '@/lib/realtime/diagnostics';
export type { SendInput } from '@/lib/realtime/replies';
const MARK_READ_INTERVAL_MS = 1000;

export interface InboxSnapshot {
  conversations: ConversationRow[];
  contacts: ContactRow[];
  reads: ReadRow[];
  messages?: MessageRow[];
}

export interface UseRealtimeInboxOptions {
  supabase: BrowserClient;
  distributorId: string;
  userId: string;
  initial?: InboxSnapshot;
  /** How long the channel may be down before polling starts (ms). */
  graceMs?: number;
  /** Poll interval while down (ms, ±20% jitter). */
  pollIntervalMs?: number;
  /** Called for each new inbound message that arrives live (toasts, sounds, notifications). */
  onInbound?: (message: MessageRow) => void;
}

export function useRealtimeInbox({ supabase, distributorId, userId, initial, graceMs = 3000, pollIntervalMs = 5000, onInbound }: UseRealtimeInboxOptions) {
  const [state, dispatch] = useReducer(inboxReducer, initial, seed);
  const stateRef = useRef<InboxState>(state);
  // a layout effect: children's effects (a thread marking itself read) must see this render's state
  useLayoutEffect(() => {
    stateRef.current = state;
  }, [state]);
  // the latest callback, without re-subscribing the channel when the parent passes a new function
  const inboundArrived = useEffectEvent((message: MessageRow) => onInbound?.(message));

  const instance = useId();
  /** Delay before re-creating a channel the server closed; reset on SUBSCRIBED. */
  const [rejoin] = useState(() => new Backoff());
  const [generation, setGeneration] = useState(0);
  const [subscribed, setSubscribed] = useState(false);
  const [everSubscribed, setEverSubscribed] = useState(false);
  const [downSince, setDownSince] = useState<number | null>(() => Date.now());
  const [now, setNow] = useState(() => Date.now());
  const [diagnostics] = useState(() => new DiagnosticsRecorder());

  /** Contacts the inbox does not know yet (a new customer wrote). */
  const fetchContacts = useCallback(
    async (conversations: ConversationRow[]) => {
      const rows = await missingContacts(supabase, distributorId, conversations, stateRef.current.contacts);
      if (rows.length > 0) dispatch({ type: 'contacts', rows });
    },
    [supabase, distributorId],
  );

  // ── catch-up: one at a time; a request while one runs schedules exactly one more ────────────────────
  const [catchUpRunner] = useState(() => serialRunner<string>());
  const catchUpOnce = useCallback(
      async (reason: string) => {
        const started = performance.now();
        let rows = 0;
        try {
          const { messages, conversations, reads, contacts } = await readCatchUp(supabase, distributorId, userId, catchUpWindow(stateRef.current.cursor));
          dispatch({ type: 'contacts', rows: contacts });
          rows = messages.rows.length + conversations.rows.length;
          dispatch({ type: 'conversations', rows: conversations.rows });
          dispatch({ type: 'messages', rows: messages.rows });
          // more changed than a catch-up reads (a long night offline): loaded threads fetch again when opened
          if (!messages.complete || !conversations.complete) dispatch({ type: 'historyReset' });
          dispatch({ type: 'reads', rows: reads });
          for (const m of messages.rows) diagnostics.latency(m, 'catch-up');
          await fetchContacts(conversations.rows);
          diagnostics.catchUp({ reason, rows, ms: Math.round(performance.now() - started) });
        } catch (error) {
          diagnostics.catchUp({ reason, rows, ms: Math.round(performance.now() - started), error: (error as Error).message });
        }
      },
    [supabase, distributorId, userId, fetchContacts, diagnostics],
  );
  const catchUp = useCallback((reason: string): Promise<void> => catchUpRunner(catchUpOnce, reason), [catchUpRunner, catchUpOnce]);

  // ── the channel ──────────────────────────────────────────────────────────────────────────────────────
  useEffect(() => {
    let disposed = false;
    let open: InboxChannel | null = null;
    (async () => {
      // realtime-js only sends a token in the join if it already holds one: make sure it does
      await supabase.realtime.setAuth();
      if (disposed) return;
      open = openInboxChannel(supabase, { topic: `inbox:${distributorId}:${instance}:${nextRun()}`, distributorId, userId }, {
        message: (p) => {
          diagnostics.event();
          if (p.eventType === 'DELETE') {
            if (p.old.id) dispatch({ type: 'messageDeleted', id: p.old.id });
            return;
          }
          dispatch({ type: 'messages', rows: [p.new] });
          if (p.eventType === 'INSERT' && p.new.direction === 'inbound') {
            diagnostics.latency(p.new, 'realtime');
            inboundArrived(p.new);
          }
        },
        conversation: (p) => {
          diagnostics.event();
          if (p.eventType === 'DELETE') return;
          dispatch({ type: 'conversations', rows: [p.new] });
          void fetchContacts([p.new]);
        },
        contact: (p) => {
          diagnostics.event();
          if (p.eventType === 'UPDATE') dispatch({ type: 'contacts', rows: [p.new] });
        },
        read: (p) => {
          diagnostics.event();
          if (p.eventType !== 'DELETE') dispatch({ type: 'reads', rows: [p.new] });
        },
        ready: () => !disposed && void catchUp('subscribed'),
        status: (status, error) => {
          if (disposed) return;
          diagnostics.channel(status, error?.message);
          if (status === 'SUBSCRIBED') {
            rejoin.reset();
            setSubscribed(true);
            setEverSubscribed(true);
            setDownSince(null);
            return;
          }
          setSubscribed(false);
          setDownSince((d) => d ?? Date.now());
          // closed by the server (token expired, access revoked): realtime-js will not rejoin it, so we do,
          // backing off (1 s, 2 s, 4 s … 30 s, with jitter); polling covers the gap meanwhile
          if (status === 'CLOSED') setTimeout(() => !disposed && setGeneration((g) => g + 1), rejoin.next());
        },
      });
    })();
    return () => {
      disposed = true;
      void open?.close();
    };
  }, [supabase, distributorId, userId, instance, generation, rejoin, catchUp, fetchContacts, diagnostics]);

  // ── coming back: visible tab, page restored from the back-forward cache, network back ───────────────
  const { online } = useResume((reason) => {
    void supabase.auth.getSession(); // refreshes the token if it is about to expire
    if (!supabase.realtime.isConnected()) supabase.realtime.connect();
    void catchUp(reason);
  });

  // ── status, and the clock that moves 'reconnecting' to 'polling' ────────────────────────────────────
  const status: ConnectionStatus = connectionStatus({ subscribed, everSubscribed, downSince, online, now, graceMs });
  useEffect(() => {
    // one tick at the end of the grace period, none after it
    if (subscribed || downSince === null || now >= downSince + graceMs) return;
    const t = setTimeout(() => setNow(Date.now()), downSince + graceMs - Date.now() + 10);
    return () => clearTimeout(t);
  }, [subscribed, downSince, graceMs, now]);

  // ── polling, only while down past the grace period ───────────────────────────────────────────────────
  useEffect(() => {
    if (status !== 'polling') return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const tick = async () => {
      if (stopped) return;
      diagnostics.poll();
      await catchUp('poll');
      if (!stopped) timer = setTimeout(tick, jittered(pollIntervalMs));
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [status, catchUp, pollIntervalMs, diagnostics]);

  const readMarks = useRef<Record<string, SerialRunner>>({});

  // ── actions ──────────────────────────────────────────────────────────────────────────────────────────
  const actions = useMemo(() => {
    const history = (conversationId: string, page: { rows: MessageRow[]; complete: boolean }) =>
      dispatch({ type: 'history', conversationId, rows: page.rows, complete: page.complete });
    const loadThread = async (conversationId: string) => {
      if (stateRef.current.history[conversationId]?.loaded) return;
      history(conversationId, await threadPage(supabase, distributorId, conversationId));
    };
    const loadOlder = async (conversationId: string) => {
      const oldest = Object.values(stateRef.current.messages)
        .filter((m) => m.conversation_id === conversationId && !m.local)
        .reduce((min, m) => Math.min(min, m.seq), Number.MAX_SAFE_INTEGER);
      history(conversationId, await threadPage(supabase, distributorId, conversationId, oldest));
    };
    /** Conversations outside the first snapshot (a deep link, search hits), with their contacts. */
    const loadConversations = async (ids: string[]): Promise<ConversationRow[]> => {
      const rows = await conversationsById(supabase, distributorId, ids.filter((id) => !stateRef.current.conversations[id]));
      if (rows.length === 0) return rows;
      dispatch({ type: 'conversations', rows });
      await fetchContacts(rows);
      return rows;
    };
    const loadConversation = async (conversationId: string): Promise<boolean> =>
      Boolean(stateRef.current.conversations[conversationId]) || (await loadConversations([conversationId])).length > 0;
    const send = async (conversationId: string, input: SendInput, reuseClientMsgId?: string) => {
      const clientMsgId = reuseClientMsgId ?? crypto.randomUUID();
      dispatch({ type: 'optimistic', message: optimisticReply({ conversationId, distributorId, userId, clientMsgId, input }) });
      const outcome = await postReply(conversationId, clientMsgId, input);
      if (outcome.ok) dispatch({ type: 'messages', rows: [outcome.row] });
      else dispatch({ type: 'optimisticFailed', clientMsgId, error: outcome.error, row: outcome.row });
    };
    /**
     * Sends a failed message again. One that never got a server row keeps its client_msg_id: if the first
     * request did reach the server (only its answer was lost), the server answers with that row instead of
     * sending a second WhatsApp message. One Twilio refused is a server row: its retry is a new message.
     */
    const retry = async (message: InboxMessage) => {
      if (message.local) dispatch({ type: 'messageDeleted', id: message.id });
      await send(message.conversation_id, retryInput(message), message.local ? (message.client_msg_id ?? undefined) : undefined);
    };
    /**
     * Marks a conversation read up to its newest message. At most one call per conversation per second: a busy
     * open thread costs one write a second, not one per message (the function reads the newest seq itself, so
     * the trailing call covers everything that arrived meanwhile).
     */
    const markRead = (conversationId: string): Promise<void> => {
      const conversation = stateRef.current.conversations[conversationId];
      const read = stateRef.current.reads[conversationId];
      if (!conversation || (read && read.read_inbound_count >= conversation.inbound_count && read.last_read_seq >= (conversation.last_message_seq ?? 0))) return Promise.resolve();
      const runner = (readMarks.current[conversationId] ??= serialRunner({ minIntervalMs: MARK_READ_INTERVAL_MS }));
      return runner(async () => {
        const { data, error } = await supabase.rpc('mark_conversation_read', { p_conversation_id: conversationId });
        if (!error && data) dispatch({ type: 'reads', rows: [data as ReadRow] });
      }, undefined);
    };
    const updateConversation = async (conversationId: string, patch: { assignee_id?: string | null; status?: 'open' | 'closed' }) => {
      const { data, error } = await supabase.from('conversations').update(patch).eq('id', conversationId).select('*').single();
      if (error) throw new Error(error.message);
      dispatch({ type: 'conversations', rows: [data] });
    };
    const updateContact = async (contactId: string, patch: { display_name?: string | null; notes?: string | null }) => {
      const { data, error } = await supabase.from('contacts').update(patch).eq('id', contactId).select('*').single();
      if (error) throw new Error(error.message);
      dispatch({ type: 'contacts', rows: [data] });
    };
    const searchMessages = (query: string): Promise<Set<string>> => searchConversationIds(supabase, distributorId, query);
    return {
      loadConversation,
      loadConversations: async (ids: string[]) => void (await loadConversations(ids)),
      loadThread,
      loadOlder,
      send,
      retry,
      markRead,
      assign: (conversationId: string, assigneeId: string | null) => updateConversation(conversationId, { assignee_id: assigneeId }),
      setStatus: (conversationId: string, status: 'open' | 'closed') => updateConversation(conversationId, { status }),
      updateContact,
      searchMessages,
      catchUp,
      reconnect: () => {
        supabase.realtime.connect();
        setGeneration((g) => g + 1);
      },
    };
  }, [supabase, distributorId, userId, catchUp, fetchContacts]);

  /** Diagnostics are counters, not state: read them when showing them (the diagnostics page ticks). */
  const readDiagnostics = useCallback((): InboxDiagnostics => diagnostics.data, [diagnostics]);

  return { state, status, readDiagnostics, actions };
}

export type RealtimeInbox = ReturnType<typeof useRealtimeInbox>;

let runs = 0;
/** Channel topics are unique per effect run: a StrictMode remount must not get the instance it is removing. */
function nextRun(): number {
  return ++runs;
}

function seed(initial: InboxSnapshot | undefined): InboxState {
  if (!initial) return emptyInbox;
  let s = inboxReducer(emptyInbox, { type: 'conversations', rows: initial.conversations });
  s = inboxReducer(s, { type: 'contacts', rows: initial.contacts });
  s = inboxReducer(s, { type: 'reads', rows: initial.reads });
  if (initial.messages) s = inboxReducer(s, { type: 'messages', rows: initial.messages });
  return s;
}
