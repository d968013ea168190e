'use client';

import { useActionState, useId, useState } from 'react';
import { utcStamp } from '@/lib/format-time';
import { deleteSender, recheckSender, reconcileSender, saveSender, type SenderFormState } from '@/lib/actions/senders';
import { Button } from '@/components/ui/button';
import { FormMessage } from '@/components/ui/form-message';

export interface SenderSummary {
  id: string;
  label: string;
  whatsapp_number: string;
  messaging_service_sid: string | null;
  account_sid: string | null;
  api_key_sid: string | null;
  checked_at: string | null;
  check_ok: boolean | null;
  check_message: string | null;
}

/** The sender's last reconciliation with Twilio's log (twilio_sweeps). */
export interface SweepSummary {
  finished_at: string | null;
  started_at: string;
  recovered_inbound: number;
  recovered_statuses: number;
  error: string | null;
}

function sweepText(sweep: SweepSummary | undefined): string {
  if (!sweep) return "Not reconciled with Twilio's log yet";
  if (!sweep.finished_at) return `Reconciling with Twilio's log since ${utcStamp(sweep.started_at)}…`;
  if (sweep.error) return `Last reconciliation (${utcStamp(sweep.finished_at)}) failed: ${sweep.error}`;
  return `Reconciled with Twilio's log ${utcStamp(sweep.finished_at)}: ${sweep.recovered_inbound} missed messages recovered, ${sweep.recovered_statuses} statuses`;
}

export function SenderCard({ workspaceId, admin, sender, lastSweep }: { workspaceId: string; admin: boolean; sender: SenderSummary; lastSweep?: SweepSummary }) {
  const [checkState, checkAction, checking] = useActionState<SenderFormState, FormData>(recheckSender, {});
  const [sweepState, sweepAction, sweeping] = useActionState<SenderFormState, FormData>(reconcileSender, {});
  const [deleteState, deleteAction, deleting] = useActionState<SenderFormState, FormData>(deleteSender, {});
  const [editing, setEditing] = useState(false);
  const title = useId();
  const status = !sender.account_sid
    ? 'No Twilio credentials yet: messages to this number are refused until an admin adds them.'
    : sender.check_ok === false
      ? `Last check failed: ${sender.check_message ?? 'unknown reason'}`
      : sender.checked_at
        ? `Checked ${utcStamp(sender.checked_at)}`
        : 'Not checked yet';
  return (
    <li className="settings-row sender" aria-labelledby={title}>
      <div className="settings-row-main">
        <strong id={title}>{sender.label}</strong>
        <span>
          WhatsApp {sender.whatsapp_number}
          {sender.messaging_service_sid ? ` · Messaging Service ${sender.messaging_service_sid}` : ''}
        </span>
        <span className="muted small">
          {sender.account_sid ? `Account ${sender.account_sid}${sender.api_key_sid ? ` · API key ${sender.api_key_sid}` : ' · Auth Token'}` : null}
        </span>
        <span className={sender.check_ok === false || !sender.account_sid ? 'form-error small' : 'muted small'}>{status}</span>
        {sender.account_sid ? <span className={lastSweep?.error ? 'form-error small' : 'muted small'}>{sweepText(lastSweep)}</span> : null}
      </div>
      {admin ? (
        <div className="settings-row-actions">
          <form action={checkAction}>
            <input type="hidden" name="workspace_id" value={workspaceId} />
            <input type="hidden" name="sender_id" value={sender.id} />
            <Button type="submit" variant="ghost" disabled={checking || !sender.account_sid} aria-label={`Check ${sender.label}`}>
              {checking ? 'Checking…' : 'Check'}
            </Button>
          </form>
          <form action={sweepAction}>
            <input type="hidden" name="workspace_id" value={workspaceId} />
            <input type="hidden" name="sender_id" value={sender.id} />
            <Button type="submit" variant="ghost" disabled={sweeping || !sender.account_sid} aria-label={`Reconcile ${sender.label} with Twilio`}>
              {sweeping ? 'Reconciling…' : 'Reconcile'}
            </Button>
          </form>
          <Button type="button" variant="ghost" aria-expanded={editing} onClick={() => setEditing((e) => !e)} aria-label={`Edit ${sender.label}`}>
            Edit
          </Button>
          <form action={deleteAction} onSubmit={(e) => !confirm(`Delete ${sender.label}?`) && e.preventDefault()}>
            <input type="hidden" name="workspace_id" value={workspaceId} />
            <input type="hidden" name="sender_id" value={sender.id} />
            <Button type="submit" variant="ghost" disabled={deleting} aria-label={`Delete ${sender.label}`}>
              Delete
            </Button>
          </form>
        </div>
      ) : null}
      <FormMessage state={checkState.error || checkState.ok ? checkState : sweepState.error || sweepState.ok ? sweepState : deleteState} />
      {editing ? <SenderForm workspaceId={workspaceId} sender={sender} /> : null}
    </li>
  );
}

export function SenderForm({ workspaceId, sender }: { workspaceId: string; sender?: SenderSummary }) {
  const [state, action, pending] = useActionState<SenderFormState, FormData>(saveSender, {});
  const v = state.values ?? {};
  const initial = (name: keyof SenderSummary) => v[name] ?? (sender?.[name] as string | null) ?? '';
  const invalid = (field: SenderFormState['field']) => (state.field === field ? true : undefined);
  const editing = Boolean(sender);
  return (
    <form action={action} className="stack card" aria-label={editing ? `Edit ${sender!.label}` : 'Add a sender'}>
      <input type="hidden" name="workspace_id" value={workspaceId} />
      {sender ? <input type="hidden" name="sender_id" value={sender.id} /> : null}
      <label className="field">
        <span>Label</span>
        <input name="label" required maxLength={100} defaultValue={initial('label') || 'WhatsApp'} aria-invalid={invalid('label')} />
      </label>
      <label className="field">
        <span>WhatsApp number (E.164, e.g. +14155550100)</span>
        <input name="whatsapp_number" required inputMode="tel" autoComplete="off" defaultValue={initial('whatsapp_number')} aria-invalid={invalid('number')} />
      </label>
      <label className="field">
        <span>Twilio Account SID</span>
        <input name="account_sid" required autoComplete="off" spellCheck={false} placeholder="AC…" defaultValue={initial('account_sid')} aria-invalid={invalid('account')} />
      </label>
      <label className="field">
        <span>Auth Token {editing ? '(leave empty to keep the saved one)' : '(Twilio signs its webhooks with it)'}</span>
        <input name="auth_token" type="password" required={!editing} autoComplete="off" aria-invalid={invalid('auth_token')} />
      </label>
      <details>
        <summary>Optional: send through a Messaging Service or with an API key</summary>
        <div className="stack">
          <label className="field">
            <span>Messaging Service SID</span>
            <input name="messaging_service_sid" autoComplete="off" spellCheck={false} placeholder="MG…" defaultValue={initial('messaging_service_sid')} aria-invalid={invalid('messaging_service')} />
          </label>
          <label className="field">
            <span>API key SID</span>
            <input name="api_key_sid" autoComplete="off" spellCheck={false} placeholder="SK…" defaultValue={initial('api_key_sid')} aria-invalid={invalid('api_key')} />
          </label>
          <label className="field">
            <span>API key secret {editing ? '(leave empty to keep the saved one)' : ''}</span>
            <input name="api_key_secret" type="password" autoComplete="off" aria-invalid={invalid('api_key')} />
          </label>
        </div>
      </details>
      <p className="muted small">Saving checks the credentials with Twilio first, and that the number belongs to the account. Secrets are stored encrypted (Supabase Vault) and never shown again.</p>
      <Button type="submit" disabled={pending}>
        {pending ? 'Checking with Twilio…' : editing ? 'Check and save' : 'Check and add sender'}
      </Button>
      <FormMessage state={state} />
    </form>
  );
}
