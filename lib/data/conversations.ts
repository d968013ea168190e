import 'server-only';
import { createClient } from '@/lib/supabase/server';
import { toAppError } from '@/lib/errors';
import type { ConversationSummary } from '@/types/inbox';


/** The inbox, latest first, with the viewer's unread count per conversation (RLS scopes it to their distributor). */
export async function listConversations(distributorId: string, viewerId: string): Promise<ConversationSummary[]> {
  const supabase = await createClient();
  const [conversations, reads] = await Promise.all([
    supabase
      .from('conversations')
      .select(
        'id, status, assignee_id, last_message_at, last_message_preview, last_message_direction, last_inbound_at, inbound_count, contact:contacts(id, wa_id, phone, profile_name, display_name), assignee:distributor_members(display_name)',
      )
      .eq('distributor_id', distributorId)
      .order('last_message_at', { ascending: false, nullsFirst: false })
      .limit(200),
    supabase.from('conversation_reads').select('conversation_id, read_inbound_count').eq('user_id', viewerId),
  ]);
  if (conversations.error) throw toAppError(conversations.error);
  if (reads.error) throw toAppError(reads.error);
  const readCounts = new Map(reads.data.map((r) => [r.conversation_id, r.read_inbound_count]));
  return conversations.data.map((c) => ({
    id: c.id,
    status: c.status,
    contact: {
      id: c.contact!.id,
      name: c.contact!.display_name ?? c.contact!.profile_name ?? c.contact!.phone ?? c.contact!.wa_id,
      waId: c.contact!.wa_id,
      phone: c.contact!.phone,
    },
    assignee: c.assignee_id && c.assignee ? { userId: c.assignee_id, displayName: c.assignee.display_name } : null,
    lastMessageAt: c.last_message_at,
    lastMessagePreview: c.last_message_preview,
    lastMessageDirection: c.last_message_direction,
    lastInboundAt: c.last_inbound_at,
    unread: Math.max(0, c.inbound_count - (readCounts.get(c.id) ?? 0)),
  }));
}
