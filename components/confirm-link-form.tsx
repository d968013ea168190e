'use client';

import { useActionState } from 'react';
import { confirmLink, type LinkState } from '@/lib/actions/auth';
import { Button } from '@/components/ui/button';
import { FormMessage } from '@/components/ui/form-message';

export function ConfirmLinkForm({ tokenHash, type, next }: { tokenHash: string; type: string; next: string }) {
  const [state, action, pending] = useActionState<LinkState, FormData>(confirmLink, {});
  return (
    <form action={action} className="stack" aria-label="Continue from the mailed link">
      <input type="hidden" name="token_hash" value={tokenHash} />
      <input type="hidden" name="type" value={type} />
      <input type="hidden" name="next" value={next} />
      <FormMessage state={state} />
      <Button type="submit" disabled={pending} autoFocus>
        {pending ? 'Signing in…' : 'Continue'}
      </Button>
    </form>
  );
}
