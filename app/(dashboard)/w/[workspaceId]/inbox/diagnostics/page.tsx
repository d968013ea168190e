import type { Metadata } from 'next';
import { Diagnostics, type SweepRow } from '@/components/inbox/diagnostics';
import { workspaceMember } from '@/lib/data/workspace-member';
import { createClient } from '@/lib/supabase/server';

export const metadata: Metadata = { title: 'Diagnostics' };

export default async function DiagnosticsPage({ params }: { params: Promise<{ workspaceId: string }> }) {
  const viewer = await workspaceMember(params);
  const supabase = await createClient();
  // the workspace's latest reconciliations with Twilio's log (RLS: its members only)
  const { data } = await supabase
    .from('twilio_sweeps')
    .select('id, reason, started_at, finished_at, listed_inbound, recovered_inbound, recovered_statuses, error, sender:whatsapp_senders(label)')
    .eq('distributor_id', viewer.distributor.id)
    .order('started_at', { ascending: false })
    .limit(10);
  const sweeps: SweepRow[] = (data ?? []).map((s) => ({ ...s, sender: (s.sender as { label: string } | null)?.label ?? '' }));
  return <Diagnostics sweeps={sweeps} />;
}
