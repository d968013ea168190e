/**
 * The inbox's reads, as plain functions over the typed client: what a catch-up reads after a gap, a thread's
 * pages, conversations outside the first snapshot, message search. Always scoped to one distributor, so a
 * member of two teams never pulls one team's rows into the other's inbox. No React here: the hook calls
 * these and feeds the rows to the reducer.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from '@/types/database';
import { catchUpFilter, type CatchUpWindow } from '@/lib/realtime/cursor';
import type { ContactRow, ConversationRow, MessageRow, ReadRow } from '@/lib/realtime/types';

/** Any typed client: the browser's, or a test's. */
type BrowserClient = SupabaseClient<Database>;

export const THREAD_PAGE = 50;
const CATCH_UP_PAGE = 1000;
/** At most this many pages per catch-up; past it, loaded threads are refetched when opened. */
const CATCH_UP_PAGES = 10;

interface Paged<T> {
  rows: T[];
  /** False when the cap was reached: there may be more. */
  complete: boolean;
}

export interface CatchUp {
  messages: Paged<MessageRow>;
  conversations: Paged<ConversationRow>;
  reads: ReadRow[];
  contacts: ContactRow[];
}

// No client-side retries anywhere here: polling is the retry, and a backed-off retry would stall it for seconds.

/** Messages in the window, paged forward by seq so a long gap is read to its end (up to the cap). */
export async function changedMessages(supabase: BrowserClient, distributorId: string, window: CatchUpWindow): Promise<Paged<MessageRow>> {
  const rows: MessageRow[] = [];
  let after: number | null = null;
  for (let page = 0; page < CATCH_UP_PAGES; page++) {
    let query = supabase.from('messages').select('*').eq('distributor_id', distributorId).or(catchUpFilter(window));
    if (after !== null) query = query.gt('seq', after);
    const { data, error } = await query.order('seq', { ascending: true }).limit(CATCH_UP_PAGE).retry(false);
    if (error) throw new Error(error.message);
    rows.push(...data);
    if (data.length < CATCH_UP_PAGE) return { rows, complete: true };
    after = data.at(-1)!.seq;
  }
  return { rows, complete: false };
}

/** Conversations changed since `since` (all of them without a cursor), paged by updated_at. */
export async function changedConversations(supabase: BrowserClient, distributorId: string, since: string | null): Promise<Paged<ConversationRow>> {
  const rows: ConversationRow[] = [];
  let from = since ?? '1970-01-01T00:00:00Z';
  for (let page = 0; page < CATCH_UP_PAGES; page++) {
    const { data, error } = await supabase
      .from('conversations')
      .select('*')
      .eq('distributor_id', distributorId)
      .gte('updated_at', from)
      .order('updated_at', { ascending: true })
      .order('id', { ascending: true })
      .limit(CATCH_UP_PAGE)
      .retry(false);
    if (error) throw new Error(error.message);
    rows.push(...data);
    if (data.length < CATCH_UP_PAGE) return { rows, complete: true };
    const last = data.at(-1)!.updated_at;
    if (last === data[0]!.updated_at) return { rows, complete: false }; // a page of one instant: stop
    from = last; // the next page re-reads this instant's rows; the reducer merges them
  }
  return { rows, complete: false };
}

/** Everything that may have changed during a gap, read in parallel. */
export async function readCatchUp(supabase: BrowserClient, distributorId: string, userId: string, window: CatchUpWindow): Promise<CatchUp> {
  const [messages, conversations, reads, contacts] = await Promise.all([
    changedMessages(supabase, distributorId, window),
    changedConversations(supabase, distributorId, window.updatedSince),
    supabase.from('conversation_reads').select('*').eq('user_id', userId).eq('distributor_id', distributorId).retry(false),
    // contacts edited since (names, notes); new customers' contacts come with their conversations
    window.updatedSince
      ? supabase.from('contacts').select('*').eq('distributor_id', distributorId).gte('updated_at', window.updatedSince).limit(1000).retry(false)
      : Promise.resolve({ data: [] as ContactRow[], error: null }),
  ]);
  const error = reads.error ?? contacts.error;
  if (error || !reads.data || !contacts.data) throw new Error(error?.message ?? 'catch-up failed');
  return { messages, conversations, reads: reads.data, contacts: contacts.data };
}

/** The contacts of these conversations that are not in `known` yet (a new customer wrote). */
export async function missingContacts(supabase: BrowserClient, distributorId: string, conversations: ConversationRow[], known: Record<string, unknown>): Promise<ContactRow[]> {
  const missing = [...new Set(conversations.map((c) => c.contact_id).filter((id) => !known[id]))];
  if (missing.length === 0) return [];
  const { data } = await supabase.from('contacts').select('*').eq('distributor_id', distributorId).in('id', missing);
  return data ?? [];
}

/** A page of a thread, newest first: the latest messages, or those before `beforeSeq`. */
export async function threadPage(supabase: BrowserClient, distributorId: string, conversationId: string, beforeSeq?: number): Promise<Paged<MessageRow>> {
  let query = supabase.from('messages').select('*').eq('distributor_id', distributorId).eq('conversation_id', conversationId);
  if (beforeSeq !== undefined) query = query.lt('seq', beforeSeq);
  const { data, error } = await query.order('seq', { ascending: false }).limit(THREAD_PAGE);
  if (error) throw new Error(error.message);
  return { rows: data, complete: data.length < THREAD_PAGE };
}

/** Conversations by id (a deep link, search hits older than the snapshot); at most 200. */
export async function conversationsById(supabase: BrowserClient, distributorId: string, ids: string[]): Promise<ConversationRow[]> {
  if (ids.length === 0) return [];
  const { data, error } = await supabase.from('conversations').select('*').eq('distributor_id', distributorId).in('id', ids.slice(0, 200));
  if (error) return [];
  return data ?? [];
}

/** The conversations whose messages contain `query` (case-insensitive; `%`, `_` and `\` match themselves). */
export async function searchConversationIds(supabase: BrowserClient, distributorId: string, query: string): Promise<Set<string>> {
  const q = query.trim();
  if (q.length < 2) return new Set();
  const pattern = `%${q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
  const { data } = await supabase.from('messages').select('conversation_id').eq('distributor_id', distributorId).ilike('body', pattern).limit(500);
  return new Set((data ?? []).map((r) => r.conversation_id));
}
