import type { RealtimePostgresChangesPayload } from '@supabase/supabase-js';
import { expect, test } from 'vitest';
import { inboxChangeHandlers } from './inbox-changes';
import type { InboxAction } from './inbox-reducer';
import type { ContactRow, ConversationRow, MessageRow, ReadRow } from './types';

/** A change as realtime-js hands it over; only the fields the handlers read matter. */
const change = <T extends { [key: string]: unknown }>(eventType: 'INSERT' | 'UPDATE' | 'DELETE', row: Partial<T>): RealtimePostgresChangesPayload<T> =>
  ({ schema: 'public', table: 't', commit_timestamp: '', errors: [], eventType, new: eventType === 'DELETE' ? {} : row, old: eventType === 'DELETE' ? row : {} }) as unknown as RealtimePostgresChangesPayload<T>;

function setup() {
  const actions: InboxAction[] = [];
  const log: string[] = [];
  const handlers = inboxChangeHandlers({
    dispatch: (a) => actions.push(a),
    diagnostics: { event: () => log.push('event'), latency: (m, via) => log.push(`latency ${m.id} ${via}`) },
    inbound: (m) => log.push(`inbound ${m.id}`),
    conversationChanged: (c) => log.push(`conversation ${c.id}`),
  });
  return { handlers, actions, log };
}

test('a new inbound message is dispatched, timed and announced; an outbound one or an update is only dispatched', () => {
  const { handlers, actions, log } = setup();
  handlers.message(change<MessageRow>('INSERT', { id: 'm1', direction: 'inbound' }));
  handlers.message(change<MessageRow>('INSERT', { id: 'm2', direction: 'outbound' }));
  handlers.message(change<MessageRow>('UPDATE', { id: 'm1', direction: 'inbound' }));
  expect(actions.map((a) => a.type === 'messages' && a.rows[0]!.id)).toEqual(['m1', 'm2', 'm1']);
  expect(log).toEqual(['event', 'latency m1 realtime', 'inbound m1', 'event', 'event']);
});

test('a deleted message is removed by its key; a delete without one changes nothing', () => {
  const { handlers, actions } = setup();
  handlers.message(change<MessageRow>('DELETE', { id: 'm1' }));
  handlers.message(change<MessageRow>('DELETE', {}));
  expect(actions).toEqual([{ type: 'messageDeleted', id: 'm1' }]);
});

test('a changed conversation is dispatched and reported (for its contact); deletes of conversations and reads are ignored', () => {
  const { handlers, actions, log } = setup();
  handlers.conversation(change<ConversationRow>('UPDATE', { id: 'c1' }));
  handlers.conversation(change<ConversationRow>('DELETE', { id: 'c1' }));
  handlers.read(change<ReadRow>('DELETE', { conversation_id: 'c1' }));
  handlers.read(change<ReadRow>('INSERT', { conversation_id: 'c1' }));
  handlers.contact(change<ContactRow>('UPDATE', { id: 'k1' }));
  expect(actions.map((a) => a.type)).toEqual(['conversations', 'reads', 'contacts']);
  expect(log).toEqual(['event', 'conversation c1', 'event', 'event', 'event', 'event']);
});
