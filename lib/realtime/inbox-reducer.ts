/**
 * The inbox state and the one reducer every source goes through: the server snapshot, realtime changes,
 * catch-up and poll results, history pages, and optimistic sends. Rows are keyed by id, so duplicates and
 * reorders are harmless; a row older than the one held (by updated_at) is ignored; an optimistic reply is
 * replaced by the server row with the same client_msg_id.
 */
import type { ContactRow, ConversationRow, InboxMessage, MessageRow, ReadRow } from './types';

export interface InboxState {
  conversations: Record<string, ConversationRow>;
  contacts: Record<string, ContactRow>;
  messages: Record<string, InboxMessage>;
  reads: Record<string, ReadRow>;
  /** Per conversation: whether the oldest message has been loaded. */
  history: Record<string, { complete: boolean; loaded: boolean }>;
  /** The newest server change seen, for catch-up (see cursor.ts). */
  cursor: { seq: number; updatedAt: string | null };
}

export type InboxAction =
  | { type: 'conversations'; rows: ConversationRow[] }
  | { type: 'contacts'; rows: ContactRow[] }
  | { type: 'messages'; rows: MessageRow[] }
  | { type: 'messageDeleted'; id: string }
  | { type: 'reads'; rows: ReadRow[] }
  | { type: 'history'; conversationId: string; rows: MessageRow[]; complete: boolean }
  /** A catch-up could not read everything that changed: every thread reloads its latest page when opened. */
  | { type: 'historyReset' }
  | { type: 'optimistic'; message: InboxMessage }
  | { type: 'optimisticFailed'; clientMsgId: string; error: string; row?: MessageRow | null };

export const emptyInbox: InboxState = { conversations: {}, contacts: {}, messages: {}, reads: {}, history: {}, cursor: { seq: 0, updatedAt: null } };

export const localId = (clientMsgId: string) => `local:${clientMsgId}`;

export function inboxReducer(state: InboxState, action: InboxAction): InboxState {
  switch (action.type) {
    case 'conversations': {
      const conversations = upsertNewer(state.conversations, action.rows);
      return conversations === state.conversations ? state : { ...state, conversations, cursor: advance(state.cursor, action.rows) };
    }
    case 'contacts': {
      const contacts = upsertNewer(state.contacts, action.rows);
      return contacts === state.contacts ? state : { ...state, contacts };
    }
    case 'reads': {
      let reads = state.reads;
      for (const r of action.rows) {
        const held = reads[r.conversation_id];
        if (held && held.read_inbound_count >= r.read_inbound_count && held.last_read_seq >= r.last_read_seq) continue;
        if (reads === state.reads) reads = { ...reads };
        reads[r.conversation_id] = r;
      }
      return reads === state.reads ? state : { ...state, reads };
    }
    case 'messages':
      return withMessages(state, action.rows);
    case 'history': {
      const next = withMessages(state, action.rows);
      return { ...next, history: { ...next.history, [action.conversationId]: { complete: action.complete, loaded: true } } };
    }
    case 'historyReset':
      return Object.keys(state.history).length === 0 ? state : { ...state, history: {} };
    case 'messageDeleted': {
      if (!state.messages[action.id]) return state;
      const messages = { ...state.messages };
      delete messages[action.id];
      return { ...state, messages };
    }
    case 'optimistic': {
      const key = action.message.client_msg_id;
      // the server row may already be here (a fast realtime INSERT): never shadow it
      if (key && Object.values(state.messages).some((m) => m.client_msg_id === key && !m.local)) return state;
      return { ...state, messages: { ...state.messages, [action.message.id]: action.message } };
    }
    case 'optimisticFailed': {
      let next = state;
      if (action.row) next = withMessages(next, [action.row]);
      const id = localId(action.clientMsgId);
      const held = next.messages[id];
      if (!held) return next;
      return { ...next, messages: { ...next.messages, [id]: { ...held, local: { state: 'failed', error: action.error } } } };
    }
  }
}

/** The inbox's first render: the server's snapshot of the distributor's conversations, contacts and reads. */
export interface InboxSnapshot {
  conversations: ConversationRow[];
  contacts: ContactRow[];
  reads: ReadRow[];
  messages?: MessageRow[];
}

/** The state a snapshot seeds, through the same reducer every later row goes through. */
export function seedInbox(initial: InboxSnapshot | undefined): InboxState {
  if (!initial) return emptyInbox;
  let s = inboxReducer(emptyInbox, { type: 'conversations', rows: initial.conversations });
  s = inboxReducer(s, { type: 'contacts', rows: initial.contacts });
  s = inboxReducer(s, { type: 'reads', rows: initial.reads });
  if (initial.messages) s = inboxReducer(s, { type: 'messages', rows: initial.messages });
  return s;
}

function withMessages(state: InboxState, rows: MessageRow[]): InboxState {
  if (rows.length === 0) return state;
  let messages = upsertNewer(state.messages, rows);
  // a confirmed row replaces the optimistic one with the same client_msg_id
  for (const row of rows) {
    if (row.client_msg_id && messages[localId(row.client_msg_id)]) {
      if (messages === state.messages) messages = { ...messages };
      delete messages[localId(row.client_msg_id)];
    }
  }
  return messages === state.messages ? state : { ...state, messages, cursor: advance(state.cursor, rows) };
}

/** Upserts by id, keeping whichever copy has the later updated_at (ties: the incoming one). */
function upsertNewer<T extends { id: string; updated_at?: string }>(held: Record<string, T>, rows: T[]): Record<string, T> {
  let out = held;
  for (const row of rows) {
    const current = out[row.id];
    if (current && current.updated_at && row.updated_at && Date.parse(current.updated_at) > Date.parse(row.updated_at)) continue;
    if (current && shallowEqual(current, row)) continue;
    if (out === held) out = { ...held };
    out[row.id] = row;
  }
  return out;
}

function shallowEqual(a: object, b: object): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => JSON.stringify((a as Record<string, unknown>)[k]) === JSON.stringify((b as Record<string, unknown>)[k]));
}

function advance(cursor: InboxState['cursor'], rows: Array<{ updated_at: string; seq?: number | null; last_message_seq?: number | null }>): InboxState['cursor'] {
  let { seq, updatedAt } = cursor;
  for (const r of rows) {
    const s = r.seq ?? r.last_message_seq ?? null; // a conversation carries the seq of its latest message
    if (typeof s === 'number' && s > seq) seq = s;
    if (!updatedAt || Date.parse(r.updated_at) > Date.parse(updatedAt)) updatedAt = r.updated_at;
  }
  return seq === cursor.seq && updatedAt === cursor.updatedAt ? cursor : { seq, updatedAt };
}

// ── selectors ──────────────────────────────────────────────────────────────────────────────────────────

/** A conversation's messages in order: by seq (commit order is not display order), optimistic ones last. */
export function selectThread(state: InboxState, conversationId: string): InboxMessage[] {
  return Object.values(state.messages)
    .filter((m) => m.conversation_id === conversationId)
    .sort((a, b) => (a.local ? Infinity : a.seq) - (b.local ? Infinity : b.seq) || a.created_at.localeCompare(b.created_at));
}

export function unreadCount(conversation: ConversationRow, read: ReadRow | undefined): number {
  return Math.max(0, conversation.inbound_count - (read?.read_inbound_count ?? 0));
}

/** The lowest seq among a conversation's server messages held (MAX_SAFE_INTEGER if none): the next older page ends below it. */
export function oldestServerSeq(state: InboxState, conversationId: string): number {
  return Object.values(state.messages)
    .filter((m) => m.conversation_id === conversationId && !m.local)
    .reduce((min, m) => Math.min(min, m.seq), Number.MAX_SAFE_INTEGER);
}

/** Whether marking the conversation read would move the member's cursor: known, and not read up to its newest message. */
export function needsMarkRead(state: InboxState, conversationId: string): boolean {
  const conversation = state.conversations[conversationId];
  const read = state.reads[conversationId];
  if (!conversation) return false;
  return !(read && read.read_inbound_count >= conversation.inbound_count && read.last_read_seq >= (conversation.last_message_seq ?? 0));
}

export type ConversationFilter = 'all' | 'mine' | 'unassigned' | 'open' | 'closed';

export function selectConversations(
  state: InboxState,
  opts: { filter: ConversationFilter; userId: string; query?: string; matchingConversationIds?: ReadonlySet<string> },
): ConversationRow[] {
  const q = normalize(opts.query ?? '');
  return Object.values(state.conversations)
    .filter((c) => {
      if (opts.filter === 'mine' && c.assignee_id !== opts.userId) return false;
      if (opts.filter === 'unassigned' && c.assignee_id !== null) return false;
      if (opts.filter === 'open' && c.status !== 'open') return false;
      if (opts.filter === 'closed' && c.status !== 'closed') return false;
      if (!q) return true;
      const contact = state.contacts[c.contact_id];
      const haystack = normalize([contact?.display_name, contact?.profile_name, contact?.phone, contact?.wa_id, contact?.username, c.last_message_preview].filter(Boolean).join(' '));
      return haystack.includes(q) || (opts.matchingConversationIds?.has(c.id) ?? false);
    })
    .sort((a, b) => (b.last_message_at ?? b.created_at).localeCompare(a.last_message_at ?? a.created_at) || b.id.localeCompare(a.id));
}

export function contactName(contact: ContactRow | undefined): string {
  return contact?.display_name || contact?.profile_name || contact?.phone || contact?.username || contact?.wa_id || 'Unknown contact';
}

function normalize(s: string): string {
  return s.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase().trim();
}
