import type { ReactNode } from 'react';
import Link from 'next/link';
import { AppHeader } from '@/components/app-header';
import { SettingsNav } from '@/components/settings/settings-nav';
import { workspaceMember } from '@/lib/data/workspace-member';
import { isAdmin } from '@/lib/roles';
import { inboxPath } from '@/lib/paths';

/** The workspace's settings: its team, WhatsApp senders, templates and the workspace itself. */
export default async function SettingsLayout({ children, params }: { children: ReactNode; params: Promise<{ workspaceId: string }> }) {
  const viewer = await workspaceMember(params);
  return (
    <>
      <AppHeader title={viewer.distributor.name} subtitle="Settings" userLabel={viewer.email} />
      <div className="settings">
        <p className="small">
          <Link href={inboxPath(viewer.distributor.id)}>← Back to the inbox</Link>
        </p>
        <SettingsNav workspaceId={viewer.distributor.id} admin={isAdmin(viewer.role)} />
        {children}
      </div>
    </>
  );
}
