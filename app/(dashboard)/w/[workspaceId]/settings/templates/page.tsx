import type { Metadata } from 'next';
import { utcStamp } from '@/lib/format-time';
import { SyncTemplatesButton } from '@/components/settings/templates';
import { workspaceMember } from '@/lib/data/workspace-member';
import { isAdmin } from '@/lib/roles';
import { toAppError } from '@/lib/errors';
import { createClient } from '@/lib/supabase/server';

export const metadata: Metadata = { title: 'Templates' };

const STATUS_TEXT: Record<string, string> = {
  approved: 'Approved',
  pending: 'Waiting for WhatsApp',
  received: 'Submitted',
  rejected: 'Rejected',
  paused: 'Paused by WhatsApp',
  disabled: 'Disabled',
  unsubmitted: 'Not submitted',
};

/** The templates of the workspace's Twilio accounts; only approved ones are offered in the composer. */
export default async function TemplatesPage({ params }: { params: Promise<{ workspaceId: string }> }) {
  const viewer = await workspaceMember(params);
  const id = viewer.distributor.id;
  const supabase = await createClient();
  const [templates, senders] = await Promise.all([
    supabase.from('message_templates').select('id, name, language, body, approval_status, category, rejection_reason, account_sid').eq('distributor_id', id).order('name'),
    supabase.from('whatsapp_senders').select('label, account_sid, templates_synced_at, templates_sync_error').eq('distributor_id', id).not('account_sid', 'is', null),
  ]);
  if (templates.error) throw toAppError(templates.error);
  if (senders.error) throw toAppError(senders.error);
  const lastSync = senders.data!.map((s) => s.templates_synced_at).filter(Boolean).sort().at(-1);
  return (
    <main className="settings-page" aria-labelledby="templates-title">
      <h1 id="templates-title">Templates</h1>
      <p className="muted">
        Outside WhatsApp&apos;s 24-hour window a conversation can only be opened with an approved template. Templates are created and
        approved in Twilio (Content Template Builder); they are synced from there every hour and whenever you ask.
      </p>
      <p className="small">{lastSync ? `Last synced ${utcStamp(lastSync)}.` : 'Not synced yet.'}</p>
      {senders.data!.filter((s) => s.templates_sync_error).map((s) => (
        <p key={s.account_sid} className="form-error small">
          {s.label}: {s.templates_sync_error}
        </p>
      ))}
      {isAdmin(viewer.role) ? <SyncTemplatesButton workspaceId={id} /> : null}
      {templates.data!.length === 0 ? <p className="muted">No templates yet.</p> : null}
      <ul className="settings-list" aria-label="Templates">
        {templates.data!.map((t) => (
          <li key={t.id} className="settings-row">
            <div className="settings-row-main">
              <strong>{t.name}</strong>
              <span className="muted small">
                {[t.language, t.category, STATUS_TEXT[t.approval_status] ?? t.approval_status].filter(Boolean).join(' · ')}
                {t.approval_status === 'approved' ? '' : ' · not offered in the inbox'}
              </span>
              <span className="template-body">{t.body}</span>
              {t.rejection_reason ? <span className="form-error small">Rejected: {t.rejection_reason}</span> : null}
            </div>
          </li>
        ))}
      </ul>
    </main>
  );
}
