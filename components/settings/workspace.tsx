'use client';

import { useActionState } from 'react';
import { deleteWorkspace, renameWorkspace, type FormState } from '@/lib/actions/workspace';
import { Button } from '@/components/ui/button';
import { FormMessage } from '@/components/ui/form-message';

export function RenameWorkspaceForm({ workspaceId, name }: { workspaceId: string; name: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(renameWorkspace, {});
  return (
    <form action={action} className="stack card" aria-label="Rename the workspace">
      <input type="hidden" name="workspace_id" value={workspaceId} />
      <label className="field">
        <span>Name</span>
        <input name="name" required maxLength={200} defaultValue={state.values?.name ?? name} />
      </label>
      <Button type="submit" disabled={pending}>
        Rename
      </Button>
      <FormMessage state={state} />
    </form>
  );
}

export function DeleteWorkspaceForm({ workspaceId, name }: { workspaceId: string; name: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(deleteWorkspace, {});
  return (
    <form action={action} className="stack card danger" aria-label="Delete the workspace">
      <input type="hidden" name="workspace_id" value={workspaceId} />
      <label className="field">
        <span>Type “{name}” to confirm</span>
        <input name="confirm_name" required autoComplete="off" />
      </label>
      <Button type="submit" disabled={pending} className="button-danger">
        Delete workspace
      </Button>
      <FormMessage state={state} />
    </form>
  );
}
