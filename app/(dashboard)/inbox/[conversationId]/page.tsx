import { notFound, redirect } from 'next/navigation';
import { getViewer } from '@/lib/data/members';
import { inboxPath } from '@/lib/paths';
import { createClient } from '@/lib/supabase/server';
import { isUuid } from '@/lib/uuid';

/**
 * An older deep link (/inbox/<conversation>): to the conversation in its own workspace when the member can see it
 * (RLS decides), else to the same id in their first workspace, where it is simply not there.
 */
export default async function LegacyConversationLink({ params }: { params: Promise<{ conversationId: string }> }) {
  const { conversationId } = await params;
  if (!isUuid(conversationId)) notFound();
  const viewer = await getViewer();
  if (viewer.kind === 'anonymous') redirect('/login');
  if (viewer.kind !== 'member') redirect('/inbox');
  const supabase = await createClient();
  const { data } = await supabase.from('conversations').select('distributor_id').eq('id', conversationId.toLowerCase()).maybeSingle();
  redirect(inboxPath(data?.distributor_id ?? viewer.distributor.id, conversationId.toLowerCase()));
}
