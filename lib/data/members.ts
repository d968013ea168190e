import 'server-only';
import { createClient } from '@/lib/supabase/server';
import { toAppError } from '@/lib/errors';

export interface Member {
  userId: string;
  email: string;
  displayName: string;
  role: 'owner' | 'agent';
  distributor: { id: string; name: string; whatsappNumber: string };
}

export type Viewer =
  | { kind: 'anonymous' }
  | { kind: 'outsider'; userId: string; email: string } // signed in, but staff of no distributor
  | ({ kind: 'member' } & Member);

/**
 * Who is asking: nobody, a signed-in user without a distributor, or a member. `getUser()` asks the auth server,
 * so a session revoked elsewhere is noticed here instead of being trusted from the cookie.
 */
export async function getViewer(): Promise<Viewer> {
  const supabase = await createClient();
  const { data: auth } = await supabase.auth.getUser();
  if (!auth.user) return { kind: 'anonymous' };
  const { data, error } = await supabase
    .from('distributor_members')
    .select('role, display_name, distributor:distributors(id, name, whatsapp_number)')
    .eq('user_id', auth.user.id)
    .order('created_at')
    .limit(1)
    .maybeSingle();
  if (error) throw toAppError(error);
  const email = auth.user.email ?? '';
  if (!data?.distributor) return { kind: 'outsider', userId: auth.user.id, email };
  return {
    kind: 'member',
    userId: auth.user.id,
    email,
    displayName: data.display_name,
    role: data.role,
    distributor: { id: data.distributor.id, name: data.distributor.name, whatsappNumber: data.distributor.whatsapp_number },
  };
}
