'use client';

import { useActionState } from 'react';
import { setPassword, type LinkState } from '@/lib/actions/auth';
import { Button } from '@/components/ui/button';
import { FormMessage } from '@/components/ui/form-message';

export function SetPasswordForm({ next, email }: { next: string; email: string }) {
  const [state, action, pending] = useActionState<LinkState, FormData>(setPassword, {});
  return (
    <form action={action} className="stack" aria-label="Choose a password" noValidate>
      <input type="hidden" name="next" value={next} />
      {/* for password managers: the account the password belongs to */}
      <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
      <label className="field">
        <span>New password (at least 8 characters)</span>
        <input name="password" type="password" autoComplete="new-password" required minLength={8} maxLength={72} autoFocus />
      </label>
      <label className="field">
        <span>The same again</span>
        <input name="confirm" type="password" autoComplete="new-password" required minLength={8} maxLength={72} />
      </label>
      <FormMessage state={state} />
      <Button type="submit" disabled={pending}>
        {pending ? 'Saving…' : 'Save and continue'}
      </Button>
    </form>
  );
}
