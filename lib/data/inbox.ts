import 'server-only';
import { createClient } from '@/lib/supabase/server';
import { toAppError } from '@/lib/errors';
import type { InboxBootstrap } from '@/types/inbox';

const SNAPSHOT_CONVERSATIONS = 500;

/**
 * Everything the inbox renders first, in one round of parallel queries as the signed-in member (RLS scopes
 * it): the latest conversations with their contacts, the member's read cursors, teammates and templates.
 * The browser then keeps it live (hooks/use-realtime-inbox.ts) and catches up from here.
 */
export async function loadInbox(distributorId: string, userId: string): Promise<InboxBootstrap> {
  const supabase = await createClient();
  const [conversations, reads, members, templates] = await Promise.all([
    supabase.from('conversations').select('*').eq('distributor_id', distributorId).order('last_message_at', { ascending: false, nullsFirst: false }).limit(SNAPSHOT_CONVERSATIONS),
    supabase.from('conversation_reads').select('*').eq('user_id', userId),
    supabase.from('distributor_members').select('user_id, display_name, role').eq('distributor_id', distributorId).is('removed_at', null).order('display_name'),
    supabase.from('message_templates').select('*').eq('distributor_id', distributorId).eq('approved', true).order('name'),
  ]);
  for (const r of [conversations, reads, members, templates]) if (r.error) throw toAppError(r.error);
  const contactIds = [...new Set(conversations.data!.map((c) => c.contact_id))];
  const contacts = contactIds.length ? await supabase.from('contacts').select('*').in('id', contactIds) : { data: [], error: null };
  if (contacts.error) throw toAppError(contacts.error);
  return {
    snapshot: { conversations: conversations.data!, contacts: contacts.data!, reads: reads.data! },
    members: members.data!.map((m) => ({ userId: m.user_id, displayName: m.display_name, role: m.role })),
    templates: templates.data!,
  };
}
