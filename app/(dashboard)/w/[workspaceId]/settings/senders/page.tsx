import type { Metadata } from 'next';
import { SenderCard, SenderForm } from '@/components/settings/senders';
import { workspaceMember } from '@/lib/data/workspace-member';
import { isAdmin } from '@/lib/roles';
import { serverEnv } from '@/lib/env';
import { toAppError } from '@/lib/errors';
import { createClient } from '@/lib/supabase/server';

export const metadata: Metadata = { title: 'WhatsApp senders' };

export default async function SendersPage({ params, searchParams }: { params: Promise<{ workspaceId: string }>; searchParams: Promise<{ welcome?: string }> }) {
  const viewer = await workspaceMember(params);
  const { welcome } = await searchParams;
  const id = viewer.distributor.id;
  const admin = isAdmin(viewer.role);
  const supabase = await createClient();
  const { data, error } = await supabase
    .from('whatsapp_senders')
    .select('id, label, whatsapp_number, messaging_service_sid, account_sid, api_key_sid, checked_at, check_ok, check_message')
    .eq('distributor_id', id)
    .order('created_at');
  if (error) throw toAppError(error);
  // each sender's latest sweep (members may read their workspace's sweeps)
  const { data: sweeps } = await supabase
    .from('twilio_sweeps')
    .select('sender_id, started_at, finished_at, recovered_inbound, recovered_statuses, error')
    .eq('distributor_id', id)
    .order('started_at', { ascending: false })
    .limit(200);
  const lastSweep = new Map<string, NonNullable<typeof sweeps>[number]>();
  for (const s of sweeps ?? []) if (!lastSweep.has(s.sender_id)) lastSweep.set(s.sender_id, s);
  const base = serverEnv().PUBLIC_BASE_URL.replace(/\/+$/, '');
  const urls = { inbound: `${base}/api/twilio/inbound`, status: `${base}/api/twilio/status` };
  return (
    <main className="settings-page" aria-labelledby="senders-title">
      <h1 id="senders-title">WhatsApp senders</h1>
      {welcome ? (
        <p role="status" className="notice">
          Your workspace is ready. Connect the WhatsApp number your customers write to: its Twilio account, and where Twilio should send its
          messages.
        </p>
      ) : null}
      <p className="muted">
        A sender is a WhatsApp number (or a Messaging Service) on a Twilio account. Customers&apos; messages to it appear in this
        workspace&apos;s inbox; replies go out through it. In the Twilio Console, set the sender&apos;s (or the Messaging Service&apos;s)
        incoming-message webhook and status callback to these URLs, method POST:
      </p>
      <dl className="facts">
        <dt>When a message comes in</dt>
        <dd>
          <code>{urls.inbound}</code>
        </dd>
        <dt>Status callback</dt>
        <dd>
          <code>{urls.status}</code>
        </dd>
      </dl>
      {data!.length === 0 ? <p className="muted">No sender yet.</p> : null}
      <ul className="settings-list" aria-label="Senders">
        {data!.map((s) => (
          <SenderCard key={s.id} workspaceId={id} admin={admin} sender={s} lastSweep={lastSweep.get(s.id)} />
        ))}
      </ul>
      {admin ? (
        <>
          <h2>Add a sender</h2>
          <SenderForm workspaceId={id} />
        </>
      ) : null}
    </main>
  );
}
