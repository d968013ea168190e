'use client';

import { useActionState } from 'react';
import { acceptInvitation, type FormState } from '@/lib/actions/workspace';
import { Button } from '@/components/ui/button';
import { FormMessage } from '@/components/ui/form-message';

export function AcceptInvitationForm({ token }: { token: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(acceptInvitation, {});
  return (
    <form action={action} className="stack" aria-label="Accept the invitation">
      <input type="hidden" name="token" value={token} />
      <label className="field">
        <span>Your name, as teammates see it</span>
        <input name="display_name" required maxLength={100} autoComplete="name" defaultValue={state.values?.display_name} autoFocus />
      </label>
      <FormMessage state={state} />
      <Button type="submit" disabled={pending}>
        {pending ? 'Joining…' : 'Accept and open the inbox'}
      </Button>
    </form>
  );
}
