'use client';

import { useActionState, useId } from 'react';
import { utcStamp } from '@/lib/format-time';
import { isAdmin } from '@/lib/roles';
import { changeMemberRole, inviteMember, removeMember, revokeInvitation, transferOwnership, type FormState, type InvitationState } from '@/lib/actions/workspace';
import { Button } from '@/components/ui/button';
import { FormMessage } from '@/components/ui/form-message';
import type { MemberRole } from '@/types/inbox';

const ROLE_LABEL: Record<MemberRole, string> = { owner: 'Owner', admin: 'Admin', agent: 'Agent' };

export function MemberRow({ workspaceId, member, me, myRole }: { workspaceId: string; member: { userId: string; displayName: string; role: MemberRole }; me: string; myRole: MemberRole }) {
  const [roleState, roleAction, rolePending] = useActionState<FormState, FormData>(changeMemberRole, {});
  const [removeState, removeAction, removePending] = useActionState<FormState, FormData>(removeMember, {});
  const [ownerState, ownerAction, ownerPending] = useActionState<FormState, FormData>(transferOwnership, {});
  const self = member.userId === me;
  const label = useId();
  return (
    <li className="settings-row" aria-labelledby={label}>
      <div className="settings-row-main">
        <strong id={label}>
          {member.displayName}
          {self ? ' (you)' : ''}
        </strong>
        <span className="muted small">{ROLE_LABEL[member.role]}</span>
      </div>
      <div className="settings-row-actions">
        {isAdmin(myRole) && member.role !== 'owner' && !self ? (
          <form action={roleAction} className="inline-form">
            <input type="hidden" name="workspace_id" value={workspaceId} />
            <input type="hidden" name="user_id" value={member.userId} />
            <label className="visually-hidden" htmlFor={`${label}-role`}>
              Role of {member.displayName}
            </label>
            <select id={`${label}-role`} name="role" defaultValue={member.role}>
              <option value="agent">Agent</option>
              <option value="admin">Admin</option>
            </select>
            <Button type="submit" variant="ghost" disabled={rolePending}>
              Change role
            </Button>
          </form>
        ) : null}
        {myRole === 'owner' && !self ? (
          <form action={ownerAction} onSubmit={(e) => !confirm(`Make ${member.displayName} the owner? You will become an admin.`) && e.preventDefault()}>
            <input type="hidden" name="workspace_id" value={workspaceId} />
            <input type="hidden" name="user_id" value={member.userId} />
            <Button type="submit" variant="ghost" disabled={ownerPending}>
              Make owner
            </Button>
          </form>
        ) : null}
        {member.role !== 'owner' && (self || isAdmin(myRole)) ? (
          <form action={removeAction} onSubmit={(e) => !confirm(self ? 'Leave this workspace?' : `Remove ${member.displayName}? They lose access at once.`) && e.preventDefault()}>
            <input type="hidden" name="workspace_id" value={workspaceId} />
            <input type="hidden" name="user_id" value={member.userId} />
            <Button type="submit" variant="ghost" disabled={removePending} aria-label={self ? 'Leave the workspace' : `Remove ${member.displayName}`}>
              {self ? 'Leave' : 'Remove'}
            </Button>
          </form>
        ) : null}
      </div>
      <FormMessage state={roleState.error || roleState.ok ? roleState : removeState.error || removeState.ok ? removeState : ownerState} />
    </li>
  );
}

export function InviteForm({ workspaceId }: { workspaceId: string }) {
  const [state, action, pending] = useActionState<InvitationState, FormData>(inviteMember, {});
  return (
    <form action={action} className="stack card" aria-label="Invite a teammate">
      <input type="hidden" name="workspace_id" value={workspaceId} />
      <div className="form-row">
        <label className="field grow">
          <span>Email</span>
          <input name="email" type="email" required autoComplete="off" defaultValue={state.link ? '' : state.values?.email} key={state.link ?? 'form'} />
        </label>
        <label className="field">
          <span>Role</span>
          <select name="role" defaultValue={state.values?.role ?? 'agent'}>
            <option value="agent">Agent</option>
            <option value="admin">Admin</option>
          </select>
        </label>
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? 'Inviting…' : 'Create invitation'}
      </Button>
      <FormMessage state={state} />
      {state.link ? (
        <div className="invite-link">
          <label className="field">
            <span>
              {state.mail?.mailed
                ? `Supabase Auth mailed ${state.mail.kind === 'invite' ? 'an invitation' : 'a sign-in link'} to ${state.values?.email ?? 'them'}. The link, to send yourself if the mail does not arrive`
                : `Not mailed${state.mail ? ` (${state.mail.reason})` : ''}: send this link to them yourself`}{' '}
              (it works once, for 7 days, for {state.values?.email ?? 'that address'}):
            </span>
            <input readOnly value={state.link} aria-label="Invitation link" onFocus={(e) => e.currentTarget.select()} />
          </label>
          <Button type="button" variant="ghost" onClick={() => void navigator.clipboard?.writeText(state.link!)}>
            Copy link
          </Button>
        </div>
      ) : null}
    </form>
  );
}

export function InvitationRow({ workspaceId, invitation }: { workspaceId: string; invitation: { id: string; email: string; role: MemberRole; expiresAt: string; expired: boolean } }) {
  const [state, action, pending] = useActionState<FormState, FormData>(revokeInvitation, {});
  const { expired } = invitation;
  return (
    <li className="settings-row">
      <div className="settings-row-main">
        <strong>{invitation.email}</strong>
        <span className="muted small">
          {ROLE_LABEL[invitation.role]} · {expired ? 'expired' : `expires ${utcStamp(invitation.expiresAt)}`}
        </span>
      </div>
      <form action={action} className="settings-row-actions">
        <input type="hidden" name="workspace_id" value={workspaceId} />
        <input type="hidden" name="invitation_id" value={invitation.id} />
        <Button type="submit" variant="ghost" disabled={pending} aria-label={`Withdraw the invitation for ${invitation.email}`}>
          Withdraw
        </Button>
      </form>
      <FormMessage state={state} />
    </li>
  );
}
