/**
 * The inbox's one channel: postgres_changes on the distributor's messages, conversations and contact edits,
 * and on the member's own read cursors. `ready` fires once per join, when the change stream is certainly on:
 * on the server's "Subscribed to PostgreSQL" confirmation (whichever of it and SUBSCRIBED comes last), or,
 * from a server that never confirms, a short while after SUBSCRIBED. The catch-up that `ready` starts can
 * therefore not fall into a gap before the stream.
 */
import type { RealtimeChannel, RealtimeChannelSendResponse, RealtimePostgresChangesPayload, SupabaseClient } from '@supabase/supabase-js';
import type { ContactRow, ConversationRow, MessageRow, ReadRow } from '@/lib/realtime/types';
import type { Database } from '@/types/database';

/** How long a join waits for the server to confirm its change stream before catching up anyway. */
export const STREAM_CONFIRM_TIMEOUT_MS = 2000;

export type ChannelStatus = 'SUBSCRIBED' | 'TIMED_OUT' | 'CLOSED' | 'CHANNEL_ERROR';

export interface InboxChannelHandlers {
  message(change: RealtimePostgresChangesPayload<MessageRow>): void;
  conversation(change: RealtimePostgresChangesPayload<ConversationRow>): void;
  contact(change: RealtimePostgresChangesPayload<ContactRow>): void;
  read(change: RealtimePostgresChangesPayload<ReadRow>): void;
  status(status: ChannelStatus, error?: Error): void;
  ready(): void;
}

export interface InboxChannel {
  channel: RealtimeChannel;
  close(): Promise<'ok' | 'timed out' | 'error' | RealtimeChannelSendResponse>;
}

let runs = 0;
/** A topic unique per call: a StrictMode remount must not get the channel instance it is removing. */
export function inboxTopic(distributorId: string, instance: string): string {
  return `inbox:${distributorId}:${instance}:${++runs}`;
}

export function openInboxChannel(
  supabase: SupabaseClient<Database>,
  o: { topic: string; distributorId: string; userId: string; confirmTimeoutMs?: number },
  on: InboxChannelHandlers,
): InboxChannel {
  let confirmed = false;
  let subscribed = false;
  let fallback: ReturnType<typeof setTimeout> | null = null;
  const clearFallback = () => {
    if (fallback) clearTimeout(fallback);
    fallback = null;
  };
  const readyOnce = () => {
    clearFallback();
    confirmed = false;
    subscribed = false;
    on.ready();
  };
  const filter = `distributor_id=eq.${o.distributorId}`;
  const channel = supabase
    // wait: servers that support it answer the join only once the change subscriptions exist (older ones
    // ignore it, and the system confirmation below covers them)
    // private: the join is authorised by the workspace's policy (inbox:<workspace>:…), so it works where a project
    // allows private channels only
    .channel(o.topic, { config: { private: true, postgres_changes_options: { wait: true } } })
    .on('postgres_changes', { event: '*', schema: 'public', table: 'messages', filter }, (p: RealtimePostgresChangesPayload<MessageRow>) => on.message(p))
    .on('postgres_changes', { event: '*', schema: 'public', table: 'conversations', filter }, (p: RealtimePostgresChangesPayload<ConversationRow>) => on.conversation(p))
    .on('postgres_changes', { event: 'UPDATE', schema: 'public', table: 'contacts', filter }, (p: RealtimePostgresChangesPayload<ContactRow>) => on.contact(p))
    .on('postgres_changes', { event: '*', schema: 'public', table: 'conversation_reads', filter: `user_id=eq.${o.userId}` }, (p: RealtimePostgresChangesPayload<ReadRow>) => on.read(p))
    .on('system', {}, (p: { extension?: string; status?: string }) => {
      if (p.extension !== 'postgres_changes' || p.status !== 'ok') return;
      if (subscribed) readyOnce();
      else confirmed = true;
    })
    .subscribe((status, error) => {
      on.status(status as ChannelStatus, error);
      if (status === 'SUBSCRIBED') {
        subscribed = true;
        if (confirmed) readyOnce();
        else fallback = setTimeout(readyOnce, o.confirmTimeoutMs ?? STREAM_CONFIRM_TIMEOUT_MS);
      } else {
        confirmed = false;
        subscribed = false;
        clearFallback();
      }
    });
  return {
    channel,
    close: () => {
      clearFallback();
      return supabase.removeChannel(channel);
    },
  };
}
