'use client';

/**
 * The distributor's inbox, live: one channel with postgres_changes on messages, conversations, contact edits and
 * the member's read cursors; snapshot + stream + catch-up (from a cursor, with overlap) on every SUBSCRIBED; polling with
 * jitter only while the channel has been down longer than a short grace period; session check and catch-up on
 * visibilitychange, pageshow and online. Every row, from whatever source, goes through inboxReducer.
 * What is not React state wiring lives in lib/realtime: inbox-changes.ts (a channel change → reducer actions),
 * inbox-catch-up.ts, inbox-queries.ts and inbox-writes.ts (the reads and writes), inbox-reducer.ts (the state).
 *
 *   const inbox = useRealtimeInbox({ supabase, distributorId, userId, initial });
 *   inbox.status          // 'live' | 'connecting' | 'reconnecting' | 'polling' | 'offline'
 *   inbox.actions.send(conversationId, { body: 'Hola' })
 */
import { useCallback, useEffect, useEffectEvent, useId, useLayoutEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { BrowserClient } from '@/lib/supabase/client';
import { connectionStatus, type ConnectionStatus } from '@/lib/realtime/connection-status';
import { DiagnosticsRecorder, type InboxDiagnostics } from '@/lib/realtime/diagnostics';
import { inboxChangeHandlers } from '@/lib/realtime/inbox-changes';
import { catchUpInbox } from '@/lib/realtime/inbox-catch-up';
import { inboxTopic, openInboxChannel, type InboxChannel } from '@/lib/realtime/inbox-channel';
import { conversationsById, missingContacts, searchConversationIds, threadPage } from '@/lib/realtime/inbox-queries';
import { inboxReducer, needsMarkRead, oldestServerSeq, seedInbox, type InboxSnapshot, type InboxState } from '@/lib/realtime/inbox-reducer';
import { markConversationRead, updateContact, updateConversation, type ContactPatch, type ConversationPatch } from '@/lib/realtime/inbox-writes';
import { optimisticReply, postReply, retryInput, type SendInput } from '@/lib/realtime/replies';
import { Backoff, repeatJittered, serialRunner, type SerialRunner } from '@/lib/realtime/serial';
import { useResume } from '@/hooks/use-resume';
import type { ConversationRow, InboxMessage, MessageRow } from '@/lib/realtime/types';

export { THREAD_PAGE } from '@/lib/realtime/inbox-queries';
export type { InboxDiagnostics } from '@/lib/realtime/diagnostics';
export type { InboxSnapshot } from '@/lib/realtime/inbox-reducer';
export type { SendInput } from '@/lib/realtime/replies';
const MARK_READ_INTERVAL_MS = 1000;

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
  const [state, dispatch] = useReducer(inboxReducer, initial, seedInbox);
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
  /** The socket answered its last heartbeat (or a join, which proves as much). */
  const [socketHealthy, setSocketHealthy] = useState(true);
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
    (reason: string) => catchUpInbox({ supabase, distributorId, userId, cursor: stateRef.current.cursor, dispatch, diagnostics, fetchContacts }, reason),
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
      open = openInboxChannel(supabase, { topic: inboxTopic(distributorId, instance), distributorId, userId }, {
        ...inboxChangeHandlers({ dispatch, diagnostics, inbound: (m) => inboundArrived(m), conversationChanged: (c) => void fetchContacts([c]) }),
        ready: () => !disposed && void catchUp('subscribed'),
        status: (status, error) => {
          if (disposed) return;
          diagnostics.channel(status, error?.message);
          if (status === 'SUBSCRIBED') {
            rejoin.reset();
            setSocketHealthy(true);
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

  // ── the socket's own heartbeat: a channel looks joined until realtime-js notices the socket is dead ──────
  useEffect(() => {
    supabase.realtime.onHeartbeat((beat) => {
      if (beat === 'ok') setSocketHealthy(true);
      else if (beat === 'timeout' || beat === 'error' || beat === 'disconnected') setSocketHealthy(false);
    });
    return () => supabase.realtime.onHeartbeat(() => {});
  }, [supabase]);

  // ── coming back: visible tab, page restored from the back-forward cache, network back ───────────────
  const { online } = useResume((reason) => {
    void supabase.auth.getSession(); // refreshes the token if it is about to expire
    if (!supabase.realtime.isConnected()) supabase.realtime.connect();
    void catchUp(reason);
  });

  // ── status, and the clock that moves 'reconnecting' to 'polling' ────────────────────────────────────
  const status: ConnectionStatus = connectionStatus({ subscribed, everSubscribed, downSince, online, socketHealthy, now, graceMs });
  useEffect(() => {
    // one tick at the end of the grace period, none after it
    if (subscribed || downSince === null || now >= downSince + graceMs) return;
    const t = setTimeout(() => setNow(Date.now()), downSince + graceMs - Date.now() + 10);
    return () => clearTimeout(t);
  }, [subscribed, downSince, graceMs, now]);

  // ── polling, only while down past the grace period ───────────────────────────────────────────────────
  useEffect(() => {
    if (status !== 'polling') return;
    return repeatJittered(() => {
      diagnostics.poll();
      return catchUp('poll');
    }, pollIntervalMs);
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
    const loadOlder = async (conversationId: string) =>
      history(conversationId, await threadPage(supabase, distributorId, conversationId, oldestServerSeq(stateRef.current, conversationId)));
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
      if (!needsMarkRead(stateRef.current, conversationId)) return Promise.resolve();
      const runner = (readMarks.current[conversationId] ??= serialRunner({ minIntervalMs: MARK_READ_INTERVAL_MS }));
      return runner(async () => {
        const read = await markConversationRead(supabase, conversationId);
        if (read) dispatch({ type: 'reads', rows: [read] });
      }, undefined);
    };
    const patchConversation = async (conversationId: string, patch: ConversationPatch) =>
      dispatch({ type: 'conversations', rows: [await updateConversation(supabase, conversationId, patch)] });
    const patchContact = async (contactId: string, patch: ContactPatch) =>
      dispatch({ type: 'contacts', rows: [await updateContact(supabase, contactId, patch)] });
    const searchMessages = (query: string): Promise<Set<string>> => searchConversationIds(supabase, distributorId, query);
    return {
      loadConversation,
      loadConversations: async (ids: string[]) => void (await loadConversations(ids)),
      loadThread,
      loadOlder,
      send,
      retry,
      markRead,
      assign: (conversationId: string, assigneeId: string | null) => patchConversation(conversationId, { assignee_id: assigneeId }),
      setStatus: (conversationId: string, status: 'open' | 'closed') => patchConversation(conversationId, { status }),
      updateContact: patchContact,
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
