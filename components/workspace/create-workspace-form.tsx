'use client';

import { useActionState } from 'react';
import { createWorkspace, type FormState } from '@/lib/actions/workspace';
import { Button } from '@/components/ui/button';
import { FormMessage } from '@/components/ui/form-message';

export function CreateWorkspaceForm() {
  const [state, action, pending] = useActionState<FormState, FormData>(createWorkspace, {});
  return (
    <form action={action} className="stack card" aria-label="Create a workspace">
      <label className="field">
        <span>Workspace name</span>
        <input name="name" required maxLength={200} autoComplete="organization" placeholder="e.g. Fresh Foods Ltd" defaultValue={state.values?.name} />
      </label>
      <label className="field">
        <span>Your name, as teammates see it</span>
        <input name="display_name" required maxLength={100} autoComplete="name" defaultValue={state.values?.display_name} />
      </label>
      <FormMessage state={state} />
      <Button type="submit" disabled={pending}>
        {pending ? 'Creating…' : 'Create workspace'}
      </Button>
    </form>
  );
}
