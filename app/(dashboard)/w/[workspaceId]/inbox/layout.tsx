import type { ReactNode } from 'react';
import { notFound, redirect } from 'next/navigation';
import { InboxHeader } from '@/components/inbox/inbox-header';
import { InboxProvider } from '@/components/inbox/inbox-provider';
import { Toasts } from '@/components/inbox/toasts';
import { getViewer } from '@/lib/data/members';
import { loadInbox } from '@/lib/data/inbox';
import { publicEnv } from '@/lib/env.public';
import { isUuid } from '@/lib/uuid';

/**
 * Everything under /w/<workspace>/inbox shares one live inbox: the layout loads the first snapshot as the signed-in member
 * and mounts the provider once, so moving between conversations never drops the channel.
 */
export default async function InboxLayout({ children, params }: { children: ReactNode; params: Promise<{ workspaceId: string }> }) {
  const { workspaceId } = await params;
  if (!isUuid(workspaceId)) notFound();
  const viewer = await getViewer(workspaceId.toLowerCase());
  // the proxy already sent visitors without a session to /login?next=…; this is a session revoked since
  if (viewer.kind === 'anonymous') redirect('/login');
  if (viewer.kind === 'outsider') redirect('/inbox');
  // another workspace's inbox is one that does not exist
  if (viewer.kind === 'elsewhere') notFound();
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
