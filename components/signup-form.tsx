'use client';

import { useActionState } from 'react';
import { signUp, type FormState } from '@/lib/actions/workspace';
import { Button } from '@/components/ui/button';
import { FormMessage } from '@/components/ui/form-message';

export function SignUpForm({ next, email }: { next: string; email?: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(signUp, {});
  if (state.ok) return <FormMessage state={state} />;
  return (
    <form action={action} className="stack" noValidate>
      <input type="hidden" name="next" value={next} />
      <label className="field">
        <span>Email</span>
        <input name="email" type="email" autoComplete="email" required defaultValue={state.values?.email ?? email} autoFocus />
      </label>
      <label className="field">
        <span>Password (at least 8 characters)</span>
        <input name="password" type="password" autoComplete="new-password" required minLength={8} />
      </label>
      <FormMessage state={state} />
      <Button type="submit" disabled={pending}>
        {pending ? 'Creating account…' : 'Create account'}
      </Button>
    </form>
  );
}
