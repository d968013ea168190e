import type { ReactNode } from 'react';
import { redirect } from 'next/navigation';
import { AppHeader } from '@/components/app-header';
import { InboxHeader } from '@/components/inbox/inbox-header';
import { InboxProvider } from '@/components/inbox/inbox-provider';
import { Toasts } from '@/components/inbox/toasts';
import { getViewer } from '@/lib/data/members';
import { loadInbox } from '@/lib/data/inbox';
import { publicEnv } from '@/lib/env.public';

/**
 * Everything under /inbox shares one live inbox: the layout loads the first snapshot as the signed-in member
 * and mounts the provider once, so moving between conversations never drops the channel.
 */
export default async function InboxLayout({ children }: { children: ReactNode }) {
  const viewer = await getViewer();
  // the proxy already sent visitors without a session to /login?next=…; this is a session revoked since
  if (viewer.kind === 'anonymous') redirect('/login');
  if (viewer.kind === 'outsider') {
    return (
      <>
        <AppHeader title="Switchboard" userLabel={viewer.email} />
        <main className="empty-state">
          <h1>No team yet</h1>
          <p>{viewer.email} is not a member of any distributor. Ask an owner to add you.</p>
        </main>
      </>
    );
  }
  const bootstrap = await loadInbox(viewer.distributor.id, viewer.userId);
  return (
    <InboxProvider
      env={publicEnv()}
      viewer={{ userId: viewer.userId, email: viewer.email, displayName: viewer.displayName, distributor: viewer.distributor }}
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
