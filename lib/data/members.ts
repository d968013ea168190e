import 'server-only';
import { cache } from 'react';
import { createClient } from '@/lib/supabase/server';
import { toAppError } from '@/lib/errors';
import type { MemberRole } from '@/types/inbox';

export interface Workspace {
  id: string;
  name: string;
  role: MemberRole;
}

export interface Member {
  userId: string;
  email: string;
  displayName: string;
  role: MemberRole;
  distributor: { id: string; name: string; whatsappNumber: string; channelKey: string };
  /** Every workspace the user belongs to, for the switcher (this one included). */
  workspaces: Workspace[];
}

export type Viewer =
  | { kind: 'anonymous' }
  | { kind: 'outsider'; userId: string; email: string } // signed in, but a member of no workspace
  | { kind: 'elsewhere'; userId: string; email: string; workspaces: Workspace[] } // a member, but not of the one asked for
  | ({ kind: 'member' } & Member);

/**
 * Who is asking about `workspaceId` (or about their first workspace when none is named): nobody, a signed-in user
 * without a workspace, a member of other workspaces only, or a member. `getUser()` asks the auth server, so a
 * session revoked elsewhere is noticed here instead of being trusted from the cookie. Cached per request, so a
 * layout and its page ask once.
 */
export const getViewer = cache(async (workspaceId?: string): Promise<Viewer> => {
  const supabase = await createClient();
  const { data: auth } = await supabase.auth.getUser();
  if (!auth.user) return { kind: 'anonymous' };
  const { data, error } = await supabase
    .from('distributor_members')
    .select('role, display_name, created_at, distributor:distributors(id, name, channel_key, senders:whatsapp_senders(whatsapp_number))')
    .eq('user_id', auth.user.id)
    .is('removed_at', null)
    .order('created_at');
  if (error) throw toAppError(error);
  const email = auth.user.email ?? '';
  const rows = (data ?? []).filter((r) => r.distributor);
  if (rows.length === 0) return { kind: 'outsider', userId: auth.user.id, email };
  const workspaces = rows.map((r) => ({ id: r.distributor!.id, name: r.distributor!.name, role: r.role }));
  const row = workspaceId ? rows.find((r) => r.distributor!.id === workspaceId) : rows[0];
  if (!row) return { kind: 'elsewhere', userId: auth.user.id, email, workspaces };
  const d = row.distributor!;
  return {
    kind: 'member',
    userId: auth.user.id,
    email,
    displayName: row.display_name,
    role: row.role,
    distributor: { id: d.id, name: d.name, whatsappNumber: d.senders.map((s) => s.whatsapp_number).sort().join(', '), channelKey: d.channel_key },
    workspaces,
  };
});

