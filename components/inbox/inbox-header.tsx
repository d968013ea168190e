'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useEffect, useRef } from 'react';
import { signOut } from '@/lib/actions/auth';
import { Button } from '@/components/ui/button';
import { useInbox } from './inbox-provider';
import { inboxPath, settingsPath } from '@/lib/paths';

const STATUS_TEXT = {
  live: 'Live',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  polling: 'Offline updates every few seconds',
  offline: 'No network',
} as const;

export function InboxHeader() {
  const { viewer, access, inbox, team, sound, setSound, notifications, enableNotifications } = useInbox();
  const others = Object.values(team.teammates).filter((t) => t.userId !== viewer.userId);
  const menu = useMenu();
  return (
    <header className="app-header">
      <div className="app-brand">
        <Link href={inboxPath(viewer.distributor.id)} className="app-title">
          {access.name}
        </Link>
        <span className="muted app-subtitle">WhatsApp {viewer.distributor.whatsappNumber}</span>
      </div>
      <div className="app-tools">
        <ul className="presence" aria-label="Teammates online">
          {others.map((t) => (
            <li key={t.userId} className={t.leftAt ? 'presence-away' : 'presence-online'} title={t.leftAt ? `${t.name} (reconnecting)` : `${t.name} is online`}>
              <span className="avatar" aria-hidden>
                {initials(t.name)}
              </span>
              <span className="visually-hidden">{t.name} online</span>
            </li>
          ))}
        </ul>
        <span className={`connection connection-${inbox.status}`} role="status" aria-live="polite" data-status={inbox.status}>
          <span className="connection-dot" aria-hidden />
          {STATUS_TEXT[inbox.status]}
        </span>
        {inbox.status !== 'live' ? (
          <Button variant="ghost" type="button" onClick={inbox.actions.reconnect}>
            Reconnect
          </Button>
        ) : null}
        <details className="menu" ref={menu}>
          <summary className="button button-ghost">
            {initials(viewer.displayName)}
            <span className="visually-hidden"> – menu for {viewer.displayName}</span>
          </summary>
          <div className="menu-panel">
            <p className="muted small">
              Signed in as {viewer.displayName}
              <br />
              {viewer.email}
            </p>
            <label className="menu-item">
              <input type="checkbox" checked={sound} onChange={(e) => setSound(e.target.checked)} /> Sound for new messages
            </label>
            {notifications === 'default' ? (
              <button type="button" className="link-button menu-item" onClick={() => void enableNotifications()}>
                Notify me when this tab is hidden
              </button>
            ) : notifications === 'granted' ? (
              <p className="muted small menu-item">Notifications are on while this tab is hidden.</p>
            ) : null}
            {viewer.workspaces.length > 1 ? (
              <nav aria-label="Workspaces" className="menu-group">
                <p className="muted small">Workspaces</p>
                <ul className="plain-list">
                  {viewer.workspaces.map((w) => (
                    <li key={w.id}>
                      <Link href={inboxPath(w.id)} className="menu-item" aria-current={w.id === viewer.distributor.id ? 'page' : undefined}>
                        {w.name}
                      </Link>
                    </li>
                  ))}
                </ul>
              </nav>
            ) : null}
            <Link href={settingsPath(viewer.distributor.id, 'members')} className="menu-item">
              {access.role === 'agent' ? 'Team' : 'Settings'}
            </Link>
            <Link href="/inbox/new-workspace" className="menu-item">
              New workspace
            </Link>
            <Link href={`${inboxPath(viewer.distributor.id)}/diagnostics`} className="menu-item">
              Diagnostics
            </Link>
            <form action={signOut}>
              <Button type="submit" variant="ghost">
                Sign out
              </Button>
            </form>
          </div>
        </details>
      </div>
    </header>
  );
}

export function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((p) => p[0]!.toUpperCase())
    .join('');
}

/** A <details> menu that closes on navigation, on a click elsewhere, and on Escape. */
function useMenu() {
  const ref = useRef<HTMLDetailsElement>(null);
  const pathname = usePathname();
  useEffect(() => {
    if (ref.current) ref.current.open = false;
  }, [pathname]);
  useEffect(() => {
    const close = (e: Event) => {
      const el = ref.current;
      if (!el?.open) return;
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !el.contains(e.target as Node)) el.open = false;
    };
    document.addEventListener('pointerdown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('pointerdown', close);
      document.removeEventListener('keydown', close);
    };
  }, []);
  return ref;
}
