import { describe, expect, test } from 'vitest';
import { emptyInbox, inboxReducer, localId, needsMarkRead, oldestServerSeq, seedInbox, selectConversations, selectThread, unreadCount, type InboxState } from './inbox-reducer';
import type { ConversationRow, InboxMessage, MessageRow, ReadRow } from './types';

const t = (s: number) => new Date(Date.UTC(2026, 10, 21, 12, 0, s)).toISOString();
const msg = (seq: number, patch: Partial<MessageRow> = {}): MessageRow => ({
  id: `m${seq}`, seq, conversation_id: 'c1', distributor_id: 'd1', direction: 'inbound', body: `#${seq}`, media: [], message_type: 'text',
  metadata: {}, twilio_sid: null, client_msg_id: null, status: 'received', error_code: null, error_message: null, sent_by: null,
  content_sid: null, content_variables: null, created_at: t(seq), updated_at: t(seq), status_updated_at: t(seq), ...patch,
});
const conv = (id: string, patch: Partial<ConversationRow> = {}): ConversationRow => ({
  id, distributor_id: 'd1', sender_id: 's1', contact_id: `k${id}`, status: 'open', assignee_id: null, last_message_at: t(0), last_message_preview: null,
  last_message_direction: null, last_message_seq: null, last_inbound_at: null, inbound_count: 0, created_at: t(0), updated_at: t(0), ...patch,
});
const run = (...actions: Parameters<typeof inboxReducer>[1][]) => actions.reduce<InboxState>(inboxReducer, emptyInbox);
const seqs = (s: InboxState) => selectThread(s, 'c1').map((m) => m.seq);

describe('messages', () => {
  test('duplicates from several sources collapse into one row', () => {
    const s = run({ type: 'messages', rows: [msg(1), msg(2)] }, { type: 'messages', rows: [msg(2), msg(1)] }, { type: 'history', conversationId: 'c1', rows: [msg(1)], complete: true });
    expect(seqs(s)).toEqual([1, 2]);
  });

  test('rows arriving out of order are shown in seq order', () => {
    expect(seqs(run({ type: 'messages', rows: [msg(5)] }, { type: 'messages', rows: [msg(3)] }, { type: 'messages', rows: [msg(4)] }))).toEqual([3, 4, 5]);
  });

  test('an older copy of a row never overwrites a newer one (status only moves forward)', () => {
    const delivered = msg(1, { direction: 'outbound', status: 'delivered', updated_at: t(10) });
    const sent = msg(1, { direction: 'outbound', status: 'sent', updated_at: t(5) });
    expect(run({ type: 'messages', rows: [delivered] }, { type: 'messages', rows: [sent] }).messages.m1!.status).toBe('delivered');
    expect(run({ type: 'messages', rows: [sent] }, { type: 'messages', rows: [delivered] }).messages.m1!.status).toBe('delivered');
  });

  test('a history reset keeps the rows but makes every thread load its latest page again', () => {
    const s = run({ type: 'history', conversationId: 'c1', rows: [msg(1)], complete: true }, { type: 'historyReset' });
    expect(s.history).toEqual({});
    expect(seqs(s)).toEqual([1]);
    expect(inboxReducer(s, { type: 'historyReset' })).toBe(s);
  });

  test('deletes remove the row; deleting an unknown row changes nothing', () => {
    const s = run({ type: 'messages', rows: [msg(1), msg(2)] }, { type: 'messageDeleted', id: 'm1' });
    expect(seqs(s)).toEqual([2]);
    expect(inboxReducer(s, { type: 'messageDeleted', id: 'nope' })).toBe(s);
  });

  test('an optimistic reply is replaced by the server row with its client_msg_id, whichever comes first', () => {
    const optimistic: InboxMessage = { ...msg(0, { id: localId('abc'), client_msg_id: 'abc', direction: 'outbound', status: 'queued' }), local: { state: 'sending' } };
    const server = msg(7, { client_msg_id: 'abc', direction: 'outbound', status: 'queued' });
    const a = run({ type: 'optimistic', message: optimistic }, { type: 'messages', rows: [msg(6)] });
    expect(selectThread(a, 'c1').map((m) => m.id)).toEqual(['m6', localId('abc')]); // optimistic sorts last
    const b = inboxReducer(a, { type: 'messages', rows: [server] });
    expect(selectThread(b, 'c1').map((m) => m.id)).toEqual(['m6', 'm7']);
    // server row first, then a late optimistic dispatch: no duplicate
    expect(Object.keys(run({ type: 'messages', rows: [server] }, { type: 'optimistic', message: optimistic }).messages)).toEqual(['m7']);
  });

  test('a failed optimistic send keeps its text and carries the reason', () => {
    const optimistic: InboxMessage = { ...msg(0, { id: localId('x'), client_msg_id: 'x', direction: 'outbound', status: 'queued' }), local: { state: 'sending' } };
    const s = run({ type: 'optimistic', message: optimistic }, { type: 'optimisticFailed', clientMsgId: 'x', error: 'Could not reach Twilio.' });
    expect(s.messages[localId('x')]!.local).toEqual({ state: 'failed', error: 'Could not reach Twilio.' });
  });
});

describe('cursor', () => {
  test('advances to the highest seq and the latest updated_at seen, whatever the arrival order', () => {
    const s = run({ type: 'messages', rows: [msg(9, { updated_at: t(2) })] }, { type: 'messages', rows: [msg(3, { updated_at: t(30) })] }, { type: 'conversations', rows: [conv('c1', { updated_at: t(20) })] });
    expect(s.cursor).toEqual({ seq: 9, updatedAt: t(30) });
  });
});

describe('conversations', () => {
  test('latest first; filters; search over name, number and preview, plus server-side message matches', () => {
    const s = run(
      { type: 'conversations', rows: [conv('a', { last_message_at: t(1), assignee_id: 'me' }), conv('b', { last_message_at: t(3), status: 'closed' }), conv('c', { last_message_at: t(2), last_message_preview: 'Cinco cajas' })] },
      { type: 'contacts', rows: [{ id: 'ka', distributor_id: 'd1', wa_id: '+1555', phone: '+1555', bsuid: null, parent_bsuid: null, username: null, profile_name: 'Lucía Méndez', display_name: null, notes: null, created_at: t(0), updated_at: t(0) }] },
    );
    const ids = (o: Parameters<typeof selectConversations>[1]) => selectConversations(s, o).map((c) => c.id);
    expect(ids({ filter: 'all', userId: 'me' })).toEqual(['b', 'c', 'a']);
    expect(ids({ filter: 'mine', userId: 'me' })).toEqual(['a']);
    expect(ids({ filter: 'unassigned', userId: 'me' })).toEqual(['b', 'c']);
    expect(ids({ filter: 'closed', userId: 'me' })).toEqual(['b']);
    expect(ids({ filter: 'all', userId: 'me', query: 'lucia' })).toEqual(['a']);
    expect(ids({ filter: 'all', userId: 'me', query: 'cajas' })).toEqual(['c']);
    expect(ids({ filter: 'all', userId: 'me', query: 'aceite', matchingConversationIds: new Set(['b']) })).toEqual(['b']);
  });

  test('unread is inbound messages since the member last read', () => {
    expect(unreadCount(conv('a', { inbound_count: 5 }), undefined)).toBe(5);
    expect(unreadCount(conv('a', { inbound_count: 5 }), { conversation_id: 'a', user_id: 'u', distributor_id: 'd1', last_read_seq: 3, read_inbound_count: 4, read_at: t(0) })).toBe(1);
  });

  test('read cursors only move forward', () => {
    const r = (n: number) => ({ conversation_id: 'a', user_id: 'u', distributor_id: 'd1', last_read_seq: n, read_inbound_count: n, read_at: t(n) });
    expect(run({ type: 'reads', rows: [r(5)] }, { type: 'reads', rows: [r(3)] }).reads.a!.read_inbound_count).toBe(5);
  });
});

describe('snapshot and selectors the hook reads', () => {
  const read = (patch: Partial<ReadRow>): ReadRow => ({ conversation_id: 'c1', user_id: 'u1', distributor_id: 'd1', last_read_seq: 0, read_inbound_count: 0, read_at: t(0), ...patch });

  test('a snapshot seeds the same state as its rows fed through the reducer; none is the empty inbox', () => {
    const snapshot = { conversations: [conv('c1', { last_message_seq: 2 })], contacts: [], reads: [read({ last_read_seq: 1 })], messages: [msg(1), msg(2)] };
    const fed = run({ type: 'conversations', rows: snapshot.conversations }, { type: 'reads', rows: snapshot.reads }, { type: 'messages', rows: snapshot.messages });
    expect(seedInbox(snapshot)).toEqual(fed);
    expect(seedInbox(undefined)).toBe(emptyInbox);
  });

  test('the oldest held server seq ignores other threads and optimistic rows', () => {
    const optimistic: InboxMessage = { ...msg(0, { id: localId('x'), client_msg_id: 'x' }), local: { state: 'sending' } };
    const s = run({ type: 'messages', rows: [msg(7), msg(5), msg(3, { conversation_id: 'c2' })] }, { type: 'optimistic', message: optimistic });
    expect(oldestServerSeq(s, 'c1')).toBe(5);
    expect(oldestServerSeq(s, 'c3')).toBe(Number.MAX_SAFE_INTEGER);
  });

  test('marking read is needed only for a known conversation the cursor does not cover yet', () => {
    const c = conv('c1', { inbound_count: 2, last_message_seq: 4 });
    expect(needsMarkRead(emptyInbox, 'c1')).toBe(false);
    expect(needsMarkRead(run({ type: 'conversations', rows: [c] }), 'c1')).toBe(true);
    const covered = run({ type: 'conversations', rows: [c] }, { type: 'reads', rows: [read({ read_inbound_count: 2, last_read_seq: 4 })] });
    expect(needsMarkRead(covered, 'c1')).toBe(false);
    const behind = run({ type: 'conversations', rows: [c] }, { type: 'reads', rows: [read({ read_inbound_count: 2, last_read_seq: 3 })] });
    expect(needsMarkRead(behind, 'c1')).toBe(true);
  });
});
