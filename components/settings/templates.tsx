'use client';

import { useActionState } from 'react';
import { syncTemplates, type SenderFormState } from '@/lib/actions/senders';
import { Button } from '@/components/ui/button';
import { FormMessage } from '@/components/ui/form-message';

export function SyncTemplatesButton({ workspaceId }: { workspaceId: string }) {
  const [state, action, pending] = useActionState<SenderFormState, FormData>(syncTemplates, {});
  return (
    <form action={action} className="stack">
      <input type="hidden" name="workspace_id" value={workspaceId} />
      <Button type="submit" variant="ghost" disabled={pending}>
        {pending ? 'Syncing…' : 'Sync templates from Twilio'}
      </Button>
      <FormMessage state={state} />
    </form>
  );
}
