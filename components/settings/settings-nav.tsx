'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { settingsPath } from '@/lib/paths';

const PAGES = [
  { page: 'members', label: 'Team' },
  { page: 'senders', label: 'WhatsApp senders' },
  { page: 'templates', label: 'Templates' },
  { page: 'workspace', label: 'Workspace' },
] as const;

export function SettingsNav({ workspaceId, admin }: { workspaceId: string; admin: boolean }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Settings" className="tabs">
      {PAGES.filter((p) => admin || p.page === 'members' || p.page === 'templates').map((p) => {
        const href = settingsPath(workspaceId, p.page);
        return (
          <Link key={p.page} href={href} className="tab" aria-current={pathname === href ? 'page' : undefined}>
            {p.label}
          </Link>
        );
      })}
    </nav>
  );
}
