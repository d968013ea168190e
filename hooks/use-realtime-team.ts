'use client';

/**
 * Who of the team is online, what each is looking at, and who is typing where: presence and broadcast on the
 * workspace's private channel `distributor:<id>:<channel key>` (RLS on realtime.messages lets only its members in;
 * the key changes when somebody is removed, so a removed member's socket is left on a topic nobody uses). Never
 * touches a table. Presence is keyed by user id, re-tracked after every (re)join, and updated at most every
 * few seconds (Supabase allows 5 presence calls per 30 s per channel); typing is a throttled broadcast that
 * lapses on its own.
 *
 *   const team = useRealtimeTeam({ supabase, distributorId, channelKey, me: { id, name }, viewing: conversationId });
 *   team.teammates, team.typingIn(conversationId), team.sendTyping(conversationId)
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { RealtimeChannel } from '@supabase/supabase-js';
import type { BrowserClient } from '@/lib/supabase/client';
import { Backoff } from '@/lib/realtime/serial';
import { teammatesFrom, typingIn, typingPrune, typingReceived, typingStopped, type PresenceMeta, type Teammate, type TypingState } from '@/lib/realtime/team';

export interface UseRealtimeTeamOptions {
  supabase: BrowserClient;
  distributorId: string;
  /** The workspace's current channel key (distributors.channel_key): it changes when a member is removed. */
  channelKey: string;
  me: { id: string; name: string };
  /** The conversation on screen, shared with teammates. */
  viewing: string | null;
  /** Show someone as online this long after their last connection went (ms). */
  offlineGraceMs?: number;
  /** A typing indicator lapses this long after the last keystroke event (ms). */
  typingTtlMs?: number;
  /** At most one typing event per this many ms while typing. */
  typingThrottleMs?: number;
  /** At most one presence update per this many ms (5 per 30 s is Supabase's limit). */
  presenceIntervalMs?: number;
}

export function useRealtimeTeam({
  supabase,
  distributorId,
  channelKey,
  me,
  viewing,
  offlineGraceMs = 10_000,
  typingTtlMs = 5_000,
  typingThrottleMs = 2_000,
  presenceIntervalMs = 6_500,
}: UseRealtimeTeamOptions) {
  const [teammates, setTeammates] = useState<Record<string, Teammate>>({});
  const [typing, setTyping] = useState<TypingState>({});
  const [joined, setJoined] = useState(false);
  const [generation, setGeneration] = useState(0);
  const presence = useRef<Record<string, Array<Partial<PresenceMeta>>>>({});
  const channelRef = useRef<RealtimeChannel | null>(null);
  const meta = useRef<PresenceMeta>({ name: me.name, viewing, online_at: new Date().toISOString() });
  const presenceTimer = useRef<{ last: number; pending: ReturnType<typeof setTimeout> | null }>({ last: 0, pending: null });
  const lastTyping = useRef(0);
  /** Delay before re-creating a channel the server closed; reset on SUBSCRIBED. */
  const [rejoin] = useState(() => new Backoff());

  const track = useCallback(() => {
    const channel = channelRef.current;
    if (!channel) return;
    presenceTimer.current.last = Date.now();
    void channel.track({ ...meta.current });
  }, []);

  /** Tracks the latest meta now, or as soon as the presence budget allows (never more than one waiting). */
  const scheduleTrack = useCallback(() => {
    const p = presenceTimer.current;
    if (p.pending) return;
    const wait = Math.max(0, p.last + presenceIntervalMs - Date.now());
    if (wait === 0) return track();
    p.pending = setTimeout(() => {
      p.pending = null;
      track();
    }, wait);
  }, [presenceIntervalMs, track]);

  useEffect(() => {
    let disposed = false;
    let channel: RealtimeChannel | null = null;
    const topic = `distributor:${distributorId}:${channelKey}`;
    (async () => {
      await supabase.realtime.setAuth();
      // the room has one owner: make sure a previous instance (a reconnect, a remount) is really gone first
      for (const old of supabase.getChannels()) if (old.topic === `realtime:${topic}`) await supabase.removeChannel(old);
      if (disposed) return;
      channel = supabase.channel(topic, { config: { private: true, presence: { key: me.id }, broadcast: { self: false } } });
      channel
        .on('presence', { event: 'sync' }, () => {
          if (disposed) return;
          presence.current = channel!.presenceState<PresenceMeta>();
          setTeammates((prev) => teammatesFrom(presence.current, prev, Date.now(), offlineGraceMs));
        })
        .on('broadcast', { event: 'typing' }, ({ payload }) => {
          if (disposed) return;
          const e = payload as { user_id?: string; name?: string; conversation_id?: string; stopped?: boolean };
          if (!e.user_id || !e.conversation_id) return;
          if (e.stopped) setTyping((s) => typingStopped(s, e.user_id!));
          else setTyping((s) => typingReceived(s, { user_id: e.user_id!, name: e.name ?? 'Teammate', conversation_id: e.conversation_id! }, Date.now(), typingTtlMs));
        })
        .subscribe((status) => {
          if (disposed) return;
          if (status === 'SUBSCRIBED') {
            rejoin.reset();
            setJoined(true);
            channelRef.current = channel;
            track(); // after every (re)join: the server forgot us when the socket went
          } else {
            setJoined(false);
            channelRef.current = null;
            // closed by the server (token expired, access revoked): realtime-js will not rejoin it, so we do,
            // backing off (1 s, 2 s, 4 s … 30 s, with jitter)
            if (status === 'CLOSED') setTimeout(() => !disposed && setGeneration((g) => g + 1), rejoin.next());
          }
        });
    })();
    const p = presenceTimer.current;
    return () => {
      disposed = true;
      channelRef.current = null;
      if (p.pending) clearTimeout(p.pending);
      p.pending = null;
      if (channel) void supabase.removeChannel(channel);
    };
  }, [supabase, distributorId, channelKey, me.id, offlineGraceMs, typingTtlMs, track, generation, rejoin]);

  // what I look at, shared within the presence budget
  useEffect(() => {
    meta.current = { ...meta.current, name: me.name, viewing };
    if (channelRef.current) scheduleTrack();
  }, [viewing, me.name, scheduleTrack]);

  // lapse typing indicators and grace-period teammates on their own
  useEffect(() => {
    const t = setInterval(() => {
      const now = Date.now();
      setTyping((s) => typingPrune(s, now));
      setTeammates((prev) => (Object.values(prev).some((p) => p.leftAt !== null) ? teammatesFrom(presence.current, prev, now, offlineGraceMs) : prev));
    }, 1000);
    return () => clearInterval(t);
  }, [offlineGraceMs]);

  const sendTyping = useCallback(
    (conversationId: string) => {
      const now = Date.now();
      if (now - lastTyping.current < typingThrottleMs || !channelRef.current) return;
      lastTyping.current = now;
      void channelRef.current.send({ type: 'broadcast', event: 'typing', payload: { user_id: me.id, name: me.name, conversation_id: conversationId } });
    },
    [me.id, me.name, typingThrottleMs],
  );

  const stopTyping = useCallback(
    (conversationId: string) => {
      if (!lastTyping.current || !channelRef.current) return;
      lastTyping.current = 0;
      void channelRef.current.send({ type: 'broadcast', event: 'typing', payload: { user_id: me.id, name: me.name, conversation_id: conversationId, stopped: true } });
    },
    [me.id, me.name],
  );

  return {
    joined,
    /** Everyone online (me included), keyed by user id. */
    teammates,
    typingIn: useCallback((conversationId: string) => typingIn(typing, conversationId, me.id), [typing, me.id]),
    sendTyping,
    stopTyping,
  };
}

export type RealtimeTeam = ReturnType<typeof useRealtimeTeam>;
