import type { ReactNode } from 'react';
import { InboxHeader } from '@/components/inbox/inbox-header';
import { InboxProvider } from '@/components/inbox/inbox-provider';
import { Toasts } from '@/components/inbox/toasts';
import { workspaceMember } from '@/lib/data/workspace-member';
import { loadInbox } from '@/lib/data/inbox';
import { publicEnv } from '@/lib/env.public';

/**
 * Everything under /w/<workspace>/inbox shares one live inbox: the layout loads the first snapshot as the signed-in member
 * and mounts the provider once, so moving between conversations never drops the channel.
 */
export default async function InboxLayout({ children, params }: { children: ReactNode; params: Promise<{ workspaceId: string }> }) {
  const viewer = await workspaceMember(params);
  const bootstrap = await loadInbox(viewer.distributor.id, viewer.userId);
  return (
    <InboxProvider
      env={publicEnv()}
      viewer={{ userId: viewer.userId, email: viewer.email, displayName: viewer.displayName, role: viewer.role, distributor: viewer.distributor, workspaces: viewer.workspaces }}
      bootstrap={bootstrap}
    >
      <div className="inbox-app">
        <InboxHeader />
        {children}
        <Toasts />
      </div>
    </InboxProvider>
  );
}
