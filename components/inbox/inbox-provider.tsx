'use client';

/**
 * The live inbox for everything under /inbox: one browser client, one inbox channel and one team channel for the
 * whole session (the layout keeps this mounted while the member moves between conversations), plus the signals
 * around them: toasts, the unread count in the tab title, an optional sound, and browser notifications while
 * the tab is hidden.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import type { PublicEnv } from '@/lib/env.public';
import { createClient } from '@/lib/supabase/client';
import { contactName, unreadCount } from '@/lib/realtime/inbox-reducer';
import type { MessageRow, TemplateRow } from '@/lib/realtime/types';
import { useRealtimeInbox, type RealtimeInbox } from '@/hooks/use-realtime-inbox';
import { useRealtimeTeam, type RealtimeTeam } from '@/hooks/use-realtime-team';
import { useWorkspaceAccess, type WorkspaceAccess } from '@/hooks/use-workspace-access';
import type { BrowserClient } from '@/lib/supabase/client';
import type { InboxBootstrap, InboxViewer, TeamMember } from '@/types/inbox';
import { conversationInPath, inboxPath } from '@/lib/paths';

export interface Toast {
  id: string;
  conversationId: string;
  body: string;
  /** When it goes by itself (ms since epoch). */
  until: number;
}

const TOAST_MS = 6000;

interface InboxContextValue {
  viewer: InboxViewer;
  /** The member's role and the workspace as they are now (they change live). */
  access: WorkspaceAccess;
  members: TeamMember[];
  templates: TemplateRow[];
  inbox: RealtimeInbox;
  team: RealtimeTeam;
  selectedId: string | null;
  toasts: Toast[];
  dismissToast(id: string): void;
  sound: boolean;
  setSound(on: boolean): void;
  notifications: NotificationPermission | 'unsupported';
  enableNotifications(): Promise<void>;
}

/** Exported for component tests, which provide a fake value; the app gets its value from <InboxProvider>. */
export const InboxContext = createContext<InboxContextValue | null>(null);

export function useInbox(): InboxContextValue {
  const value = useContext(InboxContext);
  if (!value) throw new Error('useInbox() must be used inside <InboxProvider>');
  return value;
}

/**
 * `env` comes from the server layout as a prop, not from the root layout's inline script: a document Next renders
 * in the browser (its error document for a notFound() in a page) never runs that script, and the props travel
 * in the RSC payload whichever way the page is rendered.
 */
export function InboxProvider({ env, viewer, bootstrap, children }: { env: PublicEnv; viewer: InboxViewer; bootstrap: InboxBootstrap; children: ReactNode }) {
  const [supabase] = useState(() => createClient(env));
  const access = useWorkspaceAccess({
    supabase,
    distributorId: viewer.distributor.id,
    userId: viewer.userId,
    initial: { role: viewer.role, name: viewer.distributor.name, channelKey: viewer.distributor.channelKey },
  });
  // removed: the live inbox unmounts (its channels close) and the screen says why; the server already refuses
  // everything else (RLS on every read and change, and the team channel moved to a key this member cannot learn)
  if (access.removed) return <RemovedNotice workspace={access.name} />;
  return (
    <LiveInboxProvider supabase={supabase} access={access} viewer={viewer} bootstrap={bootstrap}>
      {children}
    </LiveInboxProvider>
  );
}

function RemovedNotice({ workspace }: { workspace: string }) {
  return (
    <main className="empty-state" role="alert">
      <h1>You no longer have access to {workspace}</h1>
      <p>An admin removed you from this workspace, or it was deleted. Messages and teammates are no longer shown here.</p>
      <p>
        <Link href="/inbox">Go to your other workspaces</Link>
      </p>
    </main>
  );
}

function LiveInboxProvider({ supabase, access, viewer, bootstrap, children }: { supabase: BrowserClient; access: WorkspaceAccess; viewer: InboxViewer; bootstrap: InboxBootstrap; children: ReactNode }) {
  const pathname = usePathname();
  const router = useRouter();
  const routerRef = useRef(router);
  useEffect(() => {
    routerRef.current = router;
  }, [router]);
  const selectedId = conversationInPath(pathname);
  const selectedRef = useRef(selectedId);
  useEffect(() => {
    selectedRef.current = selectedId;
  }, [selectedId]);

  const [toasts, setToasts] = useState<Toast[]>([]);
  const [sound, setSoundState] = useState(false);
  const [notifications, setNotifications] = useState<NotificationPermission | 'unsupported'>('default');
  useEffect(() => {
    // preferences live in the browser, readable only after hydration
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setSoundState(localStorage.getItem('switchboard:sound') === 'on');
    setNotifications(typeof Notification === 'undefined' ? 'unsupported' : Notification.permission);
  }, []);
  const prefs = useRef({ sound, notifications });
  useEffect(() => {
    prefs.current = { sound, notifications };
  }, [sound, notifications]);

  const contactsRef = useRef<Record<string, string>>({});
  const onInbound = useCallback((message: MessageRow) => {
    const hidden = document.visibilityState === 'hidden';
    if (message.conversation_id === selectedRef.current && !hidden) return;
    const title = contactsRef.current[message.conversation_id] ?? 'New message';
    const body = message.body || 'Attachment';
    // the toast names the contact when it renders: a new customer's contact row may still be on its way
    setToasts((t) => [...t.filter((x) => x.conversationId !== message.conversation_id), { id: message.id, conversationId: message.conversation_id, body, until: Date.now() + TOAST_MS }].slice(-4));
    if (prefs.current.sound) beep();
    if (hidden && prefs.current.notifications === 'granted') {
      const n = new Notification(title, { body, tag: message.conversation_id });
      n.onclick = () => {
        window.focus();
        routerRef.current.push(inboxPath(message.distributor_id, message.conversation_id));
      };
    }
  }, []);

  const inbox = useRealtimeInbox({ supabase, distributorId: viewer.distributor.id, userId: viewer.userId, initial: bootstrap.snapshot, onInbound });
  const team = useRealtimeTeam({ supabase, distributorId: viewer.distributor.id, channelKey: access.channelKey, me: { id: viewer.userId, name: viewer.displayName }, viewing: selectedId });

  // names for toasts, and the unread total for the tab title
  const { conversations, contacts, reads } = inbox.state;
  useEffect(() => {
    contactsRef.current = Object.fromEntries(Object.values(conversations).map((c) => [c.id, contactName(contacts[c.contact_id])]));
  }, [conversations, contacts]);
  const totalUnread = useMemo(() => Object.values(conversations).reduce((n, c) => n + unreadCount(c, reads[c.id]), 0), [conversations, reads]);
  // after every navigation too: a page's own <title> would otherwise drop the count
  useEffect(() => {
    document.title = `${totalUnread > 0 ? `(${totalUnread}) ` : ''}Inbox · Switchboard`;
  }, [totalUnread, pathname]);

  // each toast lapses on its own schedule, however many follow it
  useEffect(() => {
    if (toasts.length === 0) return;
    const next = Math.min(...toasts.map((t) => t.until));
    const timer = setTimeout(() => setToasts((all) => all.filter((t) => t.until > Date.now())), Math.max(0, next - Date.now()) + 20);
    return () => clearTimeout(timer);
  }, [toasts]);

  const value: InboxContextValue = {
    viewer,
    access,
    members: bootstrap.members,
    templates: bootstrap.templates,
    inbox,
    team,
    selectedId,
    // a toast for the conversation now open has done its job
    toasts: toasts.filter((t) => t.conversationId !== selectedId),
    dismissToast: (id) => setToasts((t) => t.filter((x) => x.id !== id)),
    sound,
    setSound: (on) => {
      localStorage.setItem('switchboard:sound', on ? 'on' : 'off');
      setSoundState(on);
    },
    notifications,
    enableNotifications: async () => {
      if (typeof Notification === 'undefined') return;
      setNotifications(await Notification.requestPermission());
    },
  };
  return <InboxContext.Provider value={value}>{children}</InboxContext.Provider>;
}

/** A short two-tone chime (no audio file to ship). */
function beep() {
  try {
    const ctx = new AudioContext();
    const gain = ctx.createGain();
    gain.gain.value = 0.05;
    gain.connect(ctx.destination);
    [880, 1320].forEach((freq, i) => {
      const osc = ctx.createOscillator();
      osc.frequency.value = freq;
      osc.connect(gain);
      osc.start(ctx.currentTime + i * 0.12);
      osc.stop(ctx.currentTime + i * 0.12 + 0.1);
    });
    setTimeout(() => void ctx.close(), 500);
  } catch {
    /* audio unavailable */
  }
}
