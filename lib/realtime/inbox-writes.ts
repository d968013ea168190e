/**
 * The inbox's writes through the typed client (RLS decides what a member may change): marking a conversation
 * read, assigning or closing it, editing a contact. Each returns the row as the server stored it, for the
 * reducer. Replies go through the send route instead (replies.ts).
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from '@/types/database';
import type { ContactRow, ConversationRow, ReadRow } from '@/lib/realtime/types';

export type ConversationPatch = { assignee_id?: string | null; status?: 'open' | 'closed' };
export type ContactPatch = { display_name?: string | null; notes?: string | null };

/** Moves the member's read cursor to the conversation's newest message; null if the server refused. */
export async function markConversationRead(supabase: SupabaseClient<Database>, conversationId: string): Promise<ReadRow | null> {
  const { data, error } = await supabase.rpc('mark_conversation_read', { p_conversation_id: conversationId });
  return !error && data ? (data as ReadRow) : null;
}

export async function updateConversation(supabase: SupabaseClient<Database>, conversationId: string, patch: ConversationPatch): Promise<ConversationRow> {
  const { data, error } = await supabase.from('conversations').update(patch).eq('id', conversationId).select('*').single();
  if (error) throw new Error(error.message);
  return data;
}

export async function updateContact(supabase: SupabaseClient<Database>, contactId: string, patch: ContactPatch): Promise<ContactRow> {
  const { data, error } = await supabase.from('contacts').update(patch).eq('id', contactId).select('*').single();
  if (error) throw new Error(error.message);
  return data;
}
