'use client';

/**
 * The member's standing in the open workspace, live: their role, the workspace's name and its current channel key,
 * and whether they still belong to it. One small channel with postgres_changes on the member's own membership row
 * (a policy lets users read their own memberships, removed ones included, so the removal itself reaches them) and on
 * the workspace's row (its channel key moves when somebody is removed; the team channel follows it). After every
 * SUBSCRIBED the two rows are read once, so a change made while the socket was down is not missed.
 *
 *   const access = useWorkspaceAccess({ supabase, distributorId, userId, initial: { role, name, channelKey } });
 *   access.removed   // true once an admin removed this member (or they left): the screen says so
 */
import { useEffect, useId, useState } from 'react';
import type { RealtimeChannel } from '@supabase/supabase-js';
import type { BrowserClient } from '@/lib/supabase/client';
import type { MemberRole } from '@/types/inbox';

export interface WorkspaceAccess {
  role: MemberRole;
  name: string;
  channelKey: string;
  removed: boolean;
}

interface MemberRow {
  distributor_id: string;
  user_id: string;
  role: MemberRole;
  removed_at: string | null;
}
interface DistributorRow {
  id: string;
  name: string;
  channel_key: string;
}

export function useWorkspaceAccess({
  supabase,
  distributorId,
  userId,
  initial,
}: {
  supabase: BrowserClient;
  distributorId: string;
  userId: string;
  initial: Omit<WorkspaceAccess, 'removed'>;
}): WorkspaceAccess {
  const [access, setAccess] = useState<WorkspaceAccess>({ ...initial, removed: false });
  const instance = useId();

  useEffect(() => {
    let disposed = false;
    let channel: RealtimeChannel | null = null;
    const member = (row: Partial<MemberRow>) => {
      if (disposed || row.distributor_id !== distributorId || row.user_id !== userId) return;
      setAccess((a) => ({ ...a, role: row.role ?? a.role, removed: a.removed || row.removed_at != null }));
    };
    const workspace = (row: Partial<DistributorRow>) => {
      if (disposed || row.id !== distributorId) return;
      setAccess((a) => ({ ...a, name: row.name ?? a.name, channelKey: row.channel_key ?? a.channelKey }));
    };
    /** Reads both rows: after a (re)join, whatever changed while the socket was down. */
    const reread = async () => {
      const [m, d] = await Promise.all([
        supabase.from('distributor_members').select('distributor_id, user_id, role, removed_at').eq('distributor_id', distributorId).eq('user_id', userId).maybeSingle(),
        supabase.from('distributors').select('id, name, channel_key').eq('id', distributorId).maybeSingle(),
      ]);
      if (disposed || m.error || d.error) return; // a failed read changes nothing; the next join reads again
      // no membership row at all: the workspace was deleted (its rows went with it)
      if (!m.data) setAccess((a) => ({ ...a, removed: true }));
      else member(m.data);
      if (d.data) workspace(d.data);
    };
    (async () => {
      await supabase.realtime.setAuth();
      if (disposed) return;
      channel = supabase
        .channel(`access:${distributorId}:${userId}:${instance}`, { config: { private: true } })
        .on('postgres_changes', { event: 'UPDATE', schema: 'public', table: 'distributor_members', filter: `user_id=eq.${userId}` }, (p) => member(p.new as MemberRow))
        .on('postgres_changes', { event: 'DELETE', schema: 'public', table: 'distributor_members', filter: `user_id=eq.${userId}` }, () => void reread())
        .on('postgres_changes', { event: 'UPDATE', schema: 'public', table: 'distributors', filter: `id=eq.${distributorId}` }, (p) => workspace(p.new as DistributorRow))
        .subscribe((status) => {
          if (status === 'SUBSCRIBED') void reread();
        });
    })();
    return () => {
      disposed = true;
      if (channel) void supabase.removeChannel(channel);
    };
  }, [supabase, distributorId, userId, instance]);

  return access;
}
