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
import { useCallback, useEffect, useId, useLayoutEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { RealtimeChannel, RealtimePostgresChangesPayload } from '@supabase/supabase-js';
import type { BrowserClient } from '@/lib/supabase/client';
import { connectionStatus, jittered, type ConnectionStatus } from '@/lib/realtime/connection-status';
import { catchUpFilter, catchUpWindow, type CatchUpWindow } from '@/lib/realtime/cursor';
import { emptyInbox, inboxReducer, localId, type InboxState } from '@/lib/realtime/inbox-reducer';
import type { ContactRow, ConversationRow, InboxMessage, MessageRow, ReadRow } from '@/lib/realtime/types';

export const THREAD_PAGE = 50;
const MARK_READ_INTERVAL_MS = 1000;
const CATCH_UP_PAGE = 1000;
/** How long a join waits for the server to confirm its change stream before catching up anyway. */
const STREAM_CONFIRM_TIMEOUT_MS = 2000;
/** At most this many pages per catch-up; past it, loaded threads are refetched when opened. */
const CATCH_UP_PAGES = 10;

export interface InboxSnapshot {
  conversations: ConversationRow[];
  contacts: ContactRow[];
  reads: ReadRow[];
  messages?: MessageRow[];
}

export type SendInput = { body: string } | { template: { contentSid: string; variables: Record<string, string>; preview: string } };

export interface InboxDiagnostics {
  channelStates: Array<{ status: string; at: number; error?: string }>;
  lastEventAt: number | null;
  events: number;
  catchUps: Array<{ reason: string; at: number; rows: number; ms: number; error?: string }>;
  polls: number;
  /** Webhook-to-screen: the message row's created_at (database clock) to its arrival here. */
  latencies: Array<{ messageId: string; ms: number; via: 'realtime' | 'catch-up' }>;
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
  const handlers = useRef({ onInbound });
  useEffect(() => {
    handlers.current = { onInbound };
  });

  const instance = useId();
  /** Channel re-creations since the last SUBSCRIBED (for backoff). */
  const rejoins = useRef(0);
  const [generation, setGeneration] = useState(0);
  const [subscribed, setSubscribed] = useState(false);
  const [everSubscribed, setEverSubscribed] = useState(false);
  const [downSince, setDownSince] = useState<number | null>(() => Date.now());
  const [online, setOnline] = useState(() => (typeof navigator === 'undefined' ? true : navigator.onLine));
  const [now, setNow] = useState(() => Date.now());
  const diagnostics = useRef<InboxDiagnostics>({ channelStates: [], lastEventAt: null, events: 0, catchUps: [], polls: 0, latencies: [] });

  const [mountedAt] = useState(() => Date.now());
  const noteLatency = useCallback((row: MessageRow, via: 'realtime' | 'catch-up') => {
    const d = diagnostics.current;
    if (row.direction !== 'inbound' || d.latencies.some((l) => l.messageId === row.id)) return;
    // catch-up also brings what was written before this page opened: that is history, not latency
    if (via === 'catch-up' && Date.parse(row.created_at) < mountedAt) return;
    d.latencies.push({ messageId: row.id, ms: Date.now() - Date.parse(row.created_at), via });
    if (d.latencies.length > 500) d.latencies.splice(0, d.latencies.length - 500);
  }, [mountedAt]);

  /** Contacts the inbox does not know yet (a new customer wrote). */
  const fetchContacts = useCallback(
    async (conversations: ConversationRow[]) => {
      const known = stateRef.current.contacts;
      const missing = [...new Set(conversations.map((c) => c.contact_id).filter((id) => !known[id]))];
      if (missing.length === 0) return;
      const { data } = await supabase.from('contacts').select('*').eq('distributor_id', distributorId).in('id', missing);
      if (data) dispatch({ type: 'contacts', rows: data });
    },
    [supabase, distributorId],
  );

  // ── catch-up reads, paged forward so a long gap is read to its end (up to a cap) ───────────────────────
  const pagedMessages = useCallback(
    async (window: CatchUpWindow) => {
      const data: MessageRow[] = [];
      let after: number | null = null;
      for (let page = 0; page < CATCH_UP_PAGES; page++) {
        let query = supabase.from('messages').select('*').eq('distributor_id', distributorId).or(catchUpFilter(window));
        if (after !== null) query = query.gt('seq', after);
        // no client-side retries: polling is the retry, and a backed-off retry would stall it for seconds
        const res = await query.order('seq', { ascending: true }).limit(CATCH_UP_PAGE).retry(false);
        if (res.error) return { data: null, error: res.error, complete: false };
        data.push(...res.data);
        if (res.data.length < CATCH_UP_PAGE) return { data, error: null, complete: true };
        after = res.data.at(-1)!.seq;
      }
      return { data, error: null, complete: false };
    },
    [supabase, distributorId],
  );
  const pagedConversations = useCallback(
    async (since: string | null) => {
      const data: ConversationRow[] = [];
      let from = since ?? '1970-01-01T00:00:00Z';
      for (let page = 0; page < CATCH_UP_PAGES; page++) {
        const res = await supabase
          .from('conversations')
          .select('*')
          .eq('distributor_id', distributorId)
          .gte('updated_at', from)
          .order('updated_at', { ascending: true })
          .order('id', { ascending: true })
          .limit(CATCH_UP_PAGE)
          .retry(false);
        if (res.error) return { data: null, error: res.error, complete: false };
        data.push(...res.data);
        if (res.data.length < CATCH_UP_PAGE) return { data, error: null, complete: true };
        const last = res.data.at(-1)!.updated_at;
        if (last === res.data[0]!.updated_at) return { data, error: null, complete: false }; // a page of one instant: stop
        from = last; // the next page re-reads this instant's rows; the reducer merges them
      }
      return { data, error: null, complete: false };
    },
    [supabase, distributorId],
  );

  // ── catch-up: one at a time; a request while one runs schedules exactly one more ────────────────────
  const catchUpState = useRef<{ running: Promise<void> | null; again: boolean }>({ running: null, again: false });
  const catchUp = useCallback(
    (reason: string): Promise<void> => {
      const cs = catchUpState.current;
      if (cs.running) {
        cs.again = true;
        return cs.running;
      }
      const run = async () => {
        const started = performance.now();
        const window = catchUpWindow(stateRef.current.cursor);
        let rows = 0;
        try {
          // no client-side retries: polling is the retry, and a backed-off retry would stall it for seconds
          const [messages, conversations, reads, contacts] = await Promise.all([
            pagedMessages(window),
            pagedConversations(window.updatedSince),
            supabase.from('conversation_reads').select('*').eq('user_id', userId).eq('distributor_id', distributorId).retry(false),
            // contacts edited since (names, notes); new customers' contacts come with their conversations
            window.updatedSince
              ? supabase.from('contacts').select('*').eq('distributor_id', distributorId).gte('updated_at', window.updatedSince).limit(1000).retry(false)
              : Promise.resolve({ data: [] as ContactRow[], error: null }),
          ]);
          const error = messages.error ?? conversations.error ?? reads.error ?? contacts.error;
          if (error || !messages.data || !conversations.data || !reads.data || !contacts.data) throw new Error(error?.message ?? 'catch-up failed');
          dispatch({ type: 'contacts', rows: contacts.data });
          rows = messages.data.length + conversations.data.length;
          dispatch({ type: 'conversations', rows: conversations.data });
          dispatch({ type: 'messages', rows: messages.data });
          // more changed than a catch-up reads (a long night offline): loaded threads fetch again when opened
          if (!messages.complete || !conversations.complete) dispatch({ type: 'historyReset' });
          dispatch({ type: 'reads', rows: reads.data });
          for (const m of messages.data) noteLatency(m, 'catch-up');
          await fetchContacts(conversations.data);
          diagnostics.current.catchUps.push({ reason, at: Date.now(), rows, ms: Math.round(performance.now() - started) });
        } catch (error) {
          diagnostics.current.catchUps.push({ reason, at: Date.now(), rows, ms: Math.round(performance.now() - started), error: (error as Error).message });
        }
        if (diagnostics.current.catchUps.length > 200) diagnostics.current.catchUps.splice(0, 100);
      };
      cs.running = (async () => {
        do {
          cs.again = false;
          await run();
        } while (cs.again);
        cs.running = null;
      })();
      return cs.running;
    },
    [supabase, distributorId, userId, fetchContacts, noteLatency, pagedMessages, pagedConversations],
  );

  // ── the channel ──────────────────────────────────────────────────────────────────────────────────────
  useEffect(() => {
    let disposed = false;
    let channel: RealtimeChannel | null = null;
    let streamConfirmed = false;
    let awaiting: ReturnType<typeof setTimeout> | null = null;
    const mark = (status: string, error?: string) => {
      const d = diagnostics.current;
      d.channelStates.push({ status, at: Date.now(), error });
      if (d.channelStates.length > 100) d.channelStates.splice(0, 50);
    };
    const seen = () => {
      diagnostics.current.events++;
      diagnostics.current.lastEventAt = Date.now();
    };
    (async () => {
      // realtime-js only sends a token in the join if it already holds one: make sure it does
      await supabase.realtime.setAuth();
      if (disposed) return;
      const filter = `distributor_id=eq.${distributorId}`;
      channel = supabase
        // wait: servers that support it answer the join only once the change subscriptions exist, so the
        // catch-up that SUBSCRIBED starts cannot fall into a gap before the stream (older servers ignore it)
        .channel(`inbox:${distributorId}:${instance}:${nextRun()}`, { config: { postgres_changes_options: { wait: true } } })
        .on('postgres_changes', { event: '*', schema: 'public', table: 'messages', filter }, (p: RealtimePostgresChangesPayload<MessageRow>) => {
          seen();
          if (p.eventType === 'DELETE') {
            if (p.old.id) dispatch({ type: 'messageDeleted', id: p.old.id });
            return;
          }
          dispatch({ type: 'messages', rows: [p.new] });
          if (p.eventType === 'INSERT' && p.new.direction === 'inbound') {
            noteLatency(p.new, 'realtime');
            handlers.current.onInbound?.(p.new);
          }
        })
        .on('postgres_changes', { event: '*', schema: 'public', table: 'conversations', filter }, (p: RealtimePostgresChangesPayload<ConversationRow>) => {
          seen();
          if (p.eventType === 'DELETE') return;
          dispatch({ type: 'conversations', rows: [p.new] });
          void fetchContacts([p.new]);
        })
        .on('postgres_changes', { event: 'UPDATE', schema: 'public', table: 'contacts', filter }, (p: RealtimePostgresChangesPayload<ContactRow>) => {
          seen();
          if (p.eventType === 'UPDATE') dispatch({ type: 'contacts', rows: [p.new] });
        })
        .on('postgres_changes', { event: '*', schema: 'public', table: 'conversation_reads', filter: `user_id=eq.${userId}` }, (p: RealtimePostgresChangesPayload<ReadRow>) => {
          seen();
          if (p.eventType !== 'DELETE') dispatch({ type: 'reads', rows: [p.new] });
        })
        // The catch-up of each join runs once the server confirms the change stream ("Subscribed to
        // PostgreSQL"), whichever of that and SUBSCRIBED comes first: a server without `wait` subscribes only
        // after answering the join, and a catch-up run before that could miss a commit in between.
        .on('system', {}, (p: { extension?: string; status?: string }) => {
          if (p.extension !== 'postgres_changes' || p.status !== 'ok') return;
          if (awaiting) {
            clearTimeout(awaiting);
            awaiting = null;
            void catchUp('subscribed');
          } else streamConfirmed = true;
        })
        .subscribe((status, error) => {
          if (disposed) return;
          mark(status, error?.message);
          if (status === 'SUBSCRIBED') {
            rejoins.current = 0;
            setSubscribed(true);
            setEverSubscribed(true);
            setDownSince(null);
            if (streamConfirmed) {
              streamConfirmed = false;
              void catchUp('subscribed');
            } else {
              // a server that never confirms still gets its catch-up
              awaiting = setTimeout(() => {
                awaiting = null;
                void catchUp('subscribed');
              }, STREAM_CONFIRM_TIMEOUT_MS);
            }
          } else {
            streamConfirmed = false;
            setSubscribed(false);
            setDownSince((d) => d ?? Date.now());
            // closed by the server (token expired, access revoked): realtime-js will not rejoin it, so we do,
            // backing off (1 s, 2 s, 4 s … 30 s, with jitter); polling covers the gap meanwhile
            if (status === 'CLOSED') {
              const delay = jittered(Math.min(30_000, 1000 * 2 ** rejoins.current++));
              setTimeout(() => !disposed && setGeneration((g) => g + 1), delay);
            }
          }
        });
    })();
    return () => {
      disposed = true;
      if (awaiting) clearTimeout(awaiting);
      if (channel) void supabase.removeChannel(channel);
    };
  }, [supabase, distributorId, userId, instance, generation, catchUp, fetchContacts, noteLatency]);

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
      diagnostics.current.polls++;
      await catchUp('poll');
      if (!stopped) timer = setTimeout(tick, jittered(pollIntervalMs));
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [status, catchUp, pollIntervalMs]);

  // ── coming back: visible tab, page restored from the back-forward cache, network back ───────────────
  useEffect(() => {
    const resume = (reason: string) => {
      void supabase.auth.getSession(); // refreshes the token if it is about to expire
      if (!supabase.realtime.isConnected()) supabase.realtime.connect();
      void catchUp(reason);
    };
    const onVisible = () => document.visibilityState === 'visible' && resume('visible');
    const onPageShow = (e: PageTransitionEvent) => e.persisted && resume('pageshow');
    const onOnline = () => {
      setOnline(true);
      resume('online');
    };
    const onOffline = () => setOnline(false);
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('pageshow', onPageShow);
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', onOffline);
    return () => {
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('pageshow', onPageShow);
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
    };
  }, [supabase, catchUp]);

  const readMarks = useRef<Record<string, { running: Promise<void> | null; again: boolean; last: number }>>({});

  // ── actions ──────────────────────────────────────────────────────────────────────────────────────────
  const actions = useMemo(() => {
    const loadThread = async (conversationId: string) => {
      if (stateRef.current.history[conversationId]?.loaded) return;
      const { data, error } = await supabase
        .from('messages')
        .select('*')
        .eq('distributor_id', distributorId)
        .eq('conversation_id', conversationId)
        .order('seq', { ascending: false })
        .limit(THREAD_PAGE);
      if (error) throw new Error(error.message);
      dispatch({ type: 'history', conversationId, rows: data, complete: data.length < THREAD_PAGE });
    };
    /** A conversation outside the first snapshot (a deep link to an old one), with its contact. */
    const loadConversation = async (conversationId: string): Promise<boolean> => {
      // this distributor's only: a member of two teams must not pull the other team's conversation in here
      const { data, error } = await supabase.from('conversations').select('*').eq('distributor_id', distributorId).eq('id', conversationId).maybeSingle();
      if (error || !data) return false;
      dispatch({ type: 'conversations', rows: [data] });
      await fetchContacts([data]);
      return true;
    };
    /** Conversations found by a search but older than the snapshot, with their contacts. */
    const loadConversations = async (ids: string[]) => {
      const missing = ids.filter((id) => !stateRef.current.conversations[id]).slice(0, 200);
      if (missing.length === 0) return;
      const { data, error } = await supabase.from('conversations').select('*').eq('distributor_id', distributorId).in('id', missing);
      if (error || !data) return;
      dispatch({ type: 'conversations', rows: data });
      await fetchContacts(data);
    };
    const loadOlder = async (conversationId: string) => {
      const oldest = Object.values(stateRef.current.messages)
        .filter((m) => m.conversation_id === conversationId && !m.local)
        .reduce((min, m) => Math.min(min, m.seq), Number.MAX_SAFE_INTEGER);
      const { data, error } = await supabase
        .from('messages')
        .select('*')
        .eq('distributor_id', distributorId)
        .eq('conversation_id', conversationId)
        .lt('seq', oldest)
        .order('seq', { ascending: false })
        .limit(THREAD_PAGE);
      if (error) throw new Error(error.message);
      dispatch({ type: 'history', conversationId, rows: data, complete: data.length < THREAD_PAGE });
    };
    const send = async (conversationId: string, input: SendInput, reuseClientMsgId?: string) => {
      const clientMsgId = reuseClientMsgId ?? crypto.randomUUID();
      const nowIso = new Date().toISOString();
      const body = 'body' in input ? input.body : input.template.preview;
      const optimistic: InboxMessage = {
        id: localId(clientMsgId), seq: 0, conversation_id: conversationId, distributor_id: distributorId, direction: 'outbound', body, media: [],
        message_type: 'text', metadata: {}, twilio_sid: null, client_msg_id: clientMsgId, status: 'queued', error_code: null, error_message: null,
        sent_by: userId, content_sid: 'template' in input ? input.template.contentSid : null, content_variables: 'template' in input ? input.template.variables : null,
        created_at: nowIso, updated_at: nowIso, status_updated_at: nowIso, local: { state: 'sending' },
      };
      dispatch({ type: 'optimistic', message: optimistic });
      try {
        const res = await fetch(`/api/conversations/${conversationId}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(
            'body' in input
              ? { client_msg_id: clientMsgId, body: input.body }
              : { client_msg_id: clientMsgId, template: { content_sid: input.template.contentSid, variables: input.template.variables } },
          ),
        });
        const json = (await res.json().catch(() => ({}))) as { message?: MessageRow; error?: { message?: string; details?: { message?: MessageRow } } };
        if (res.ok && json.message) dispatch({ type: 'messages', rows: [json.message] });
        else dispatch({ type: 'optimisticFailed', clientMsgId, error: json.error?.message ?? `Sending failed (${res.status}).`, row: json.error?.details?.message ?? null });
      } catch {
        dispatch({ type: 'optimisticFailed', clientMsgId, error: 'No connection: the message was not sent.' });
      }
    };
    /**
     * Sends a failed message again. One that never got a server row keeps its client_msg_id: if the first
     * request did reach the server (only its answer was lost), the server answers with that row instead of
     * sending a second WhatsApp message. One Twilio refused is a server row: its retry is a new message.
     */
    const retry = async (message: InboxMessage) => {
      if (message.local) dispatch({ type: 'messageDeleted', id: message.id });
      const input: SendInput = message.content_sid
        ? { template: { contentSid: message.content_sid, variables: (message.content_variables as Record<string, string> | null) ?? {}, preview: message.body } }
        : { body: message.body };
      await send(message.conversation_id, input, message.local ? (message.client_msg_id ?? undefined) : undefined);
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
      const slot = (readMarks.current[conversationId] ??= { running: null, again: false, last: 0 });
      if (slot.running) {
        slot.again = true;
        return slot.running;
      }
      slot.running = (async () => {
        do {
          slot.again = false;
          const wait = slot.last + MARK_READ_INTERVAL_MS - Date.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          slot.last = Date.now();
          const { data, error } = await supabase.rpc('mark_conversation_read', { p_conversation_id: conversationId });
          if (!error && data) dispatch({ type: 'reads', rows: [data as ReadRow] });
        } while (slot.again);
        slot.running = null;
      })();
      return slot.running;
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
    const searchMessages = async (query: string): Promise<Set<string>> => {
      const q = query.trim();
      if (q.length < 2) return new Set();
      const pattern = `%${q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
      const { data } = await supabase.from('messages').select('conversation_id').eq('distributor_id', distributorId).ilike('body', pattern).limit(500);
      return new Set((data ?? []).map((r) => r.conversation_id));
    };
    return {
      loadConversation,
      loadConversations,
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
  const readDiagnostics = useCallback((): InboxDiagnostics => diagnostics.current, []);

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
