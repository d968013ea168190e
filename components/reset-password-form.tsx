'use client';

import { useActionState } from 'react';
import { requestPasswordReset, type ResetState } from '@/lib/actions/auth';
import { Button } from '@/components/ui/button';
import { FormMessage } from '@/components/ui/form-message';

export function ResetPasswordForm({ email }: { email?: string }) {
  const [state, action, pending] = useActionState<ResetState, FormData>(requestPasswordReset, {});
  if (state.ok) return <FormMessage state={state} />;
  return (
    <form action={action} className="stack" aria-label="Reset your password" noValidate>
      <label className="field">
        <span>Email</span>
        <input name="email" type="email" autoComplete="username" required defaultValue={state.email ?? email} autoFocus />
      </label>
      <FormMessage state={state} />
      <Button type="submit" disabled={pending}>
        {pending ? 'Sending…' : 'Mail me a link'}
      </Button>
    </form>
  );
}
