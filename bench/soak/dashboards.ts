/**
 * Node dashboards for the soak, in a child process (forked by soak.ts): each one is the app's own
 * useRealtimeInbox hook, mounted with React in a jsdom document, on its own supabase-js client and WebSocket,
 * signed in as a member. Nothing here re-implements the inbox: the channel, catch-up, polling while down,
 * rejoin and the reducer are the hook's. A dashboard may have one open thread, which it marks read as a
 * viewer's thread does. Controlled over IPC; it answers every command with { ok } or { error }.
 */
import { JSDOM } from 'jsdom';
import WebSocket from 'ws';
import type { ConnectionStatus } from '../../lib/realtime/connection-status.ts';
import type { DashboardSpec, DashboardReport, SoakTruth, TruthMessage } from './truth.ts';

type Command =
  | { cmd: 'start'; supabaseUrl: string; publishableKey: string; appUrl: string; dashboards: DashboardSpec[] }
  | { cmd: 'open'; threads: Record<string, string> }
  | { cmd: 'killSockets' }
  | { cmd: 'statuses' }
  | { cmd: 'check'; truth: SoakTruth; allowanceMs: number }
  | { cmd: 'report'; truth: SoakTruth }
  | { cmd: 'close' };

let dom: JSDOM | null = null;

function installDom(appUrl: string) {
  dom = new JSDOM('<!doctype html><html><body></body></html>', { url: `${appUrl}/inbox`, pretendToBeVisual: true });
  const w = dom.window as unknown as Record<string, unknown>;
  const g = globalThis as Record<string, unknown>;
  for (const key of ['window', 'document', 'navigator', 'location', 'HTMLElement', 'Node', 'Element', 'Event', 'CustomEvent', 'localStorage', 'sessionStorage', 'requestAnimationFrame', 'cancelAnimationFrame', 'getComputedStyle']) {
    Object.defineProperty(g, key, { configurable: true, writable: true, value: key === 'window' ? w : w[key] });
  }
  (g as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = false;
}

interface Mounted {
  spec: DashboardSpec;
  client: import('@supabase/supabase-js').SupabaseClient;
  inbox: import('../../hooks/use-realtime-inbox.ts').RealtimeInbox | null;
  open: string | null;
  setOpen: ((id: string | null) => void) | null;
  /** When the status last became 'live' (0 while not live). */
  liveSince: number;
  root: import('react-dom/client').Root;
}

const mounted: Mounted[] = [];

async function start(c: Extract<Command, { cmd: 'start' }>) {
  installDom(c.appUrl);
  const React = await import('react');
  const { createRoot } = await import('react-dom/client');
  const { createClient } = await import('@supabase/supabase-js');
  const { useRealtimeInbox } = await import('../../hooks/use-realtime-inbox.ts');
  const h = React.createElement;

  function Dashboard({ m }: { m: Mounted }) {
    const inbox = useRealtimeInbox({ supabase: m.client as never, distributorId: m.spec.distributorId, userId: m.spec.userId });
    const [open, setOpen] = React.useState<string | null>(null);
    m.inbox = inbox;
    m.open = open;
    m.setOpen = setOpen;
    const live = inbox.status === 'live';
    React.useEffect(() => {
      m.liveSince = live ? Date.now() : 0;
    }, [live, m]);
    // an open thread loads its history and marks itself read as messages come in (the thread view does the same)
    React.useEffect(() => {
      // a failed load is shown in the thread and retried on the next open; live changes and catch-ups fill it meanwhile
      if (open) inbox.actions.loadThread(open).catch(() => {});
    }, [open, inbox.actions]);
    const newest = open ? inbox.state.conversations[open]?.last_message_seq : undefined;
    React.useEffect(() => {
      if (open && live) void inbox.actions.markRead(open);
    }, [open, newest, live, inbox.actions]);
    return null;
  }

  for (const spec of c.dashboards) {
    const client = createClient(c.supabaseUrl, c.publishableKey, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false, storageKey: `soak-${spec.key}` },
      realtime: { transport: WebSocket as never },
    });
    const { error } = await client.auth.setSession({ access_token: spec.accessToken, refresh_token: spec.refreshToken });
    if (error) throw new Error(`${spec.key}: ${error.message}`);
    const container = document.createElement('div');
    document.body.appendChild(container);
    const m: Mounted = { spec, client, inbox: null, open: null, setOpen: null, liveSince: 0, root: createRoot(container) };
    mounted.push(m);
    m.root.render(h(Dashboard, { m }));
  }
  // intruders never get a live channel (their join is refused); everyone else must
  await until(() => mounted.every((m) => m.spec.intruder || m.inbox?.status === 'live'), 120_000, 'dashboards live');
}

async function until(ok: () => boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function statuses(): Record<ConnectionStatus | 'unmounted', number> {
  const out: Record<string, number> = {};
  for (const m of mounted) {
    const s = m.spec.intruder ? 'intruder' : (m.inbox?.status ?? 'unmounted');
    out[s] = (out[s] ?? 0) + 1;
  }
  return out as Record<ConnectionStatus | 'unmounted', number>;
}

/** Terminates every dashboard's socket as a network failure would (no close frame): realtime-js must reconnect. */
function killSockets(): number {
  let killed = 0;
  for (const m of mounted) {
    // realtime-js wraps phoenix's Socket, whose `conn` is the transport's WebSocket (ws here)
    const realtime = m.client.realtime as unknown as { socketAdapter?: { getSocket(): { conn: WebSocket | null } } };
    const ws = realtime.socketAdapter?.getSocket().conn;
    if (ws && typeof ws.terminate === 'function') {
      ws.terminate();
      killed++;
    }
  }
  return killed;
}

function byConversation(messages: TruthMessage[]): Map<string, TruthMessage[]> {
  const out = new Map<string, TruthMessage[]>();
  for (const m of messages) {
    const list = out.get(m.conversationId) ?? [];
    list.push(m);
    out.set(m.conversationId, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.seq - b.seq);
  return out;
}

/**
 * During faults: every message stored more than `allowanceMs` ago, in a live dashboard's open thread, after the
 * dashboard went live, must be on that dashboard. A channel that says live and silently missed a change fails here.
 */
function check(truth: SoakTruth, allowanceMs: number) {
  const violations: Array<{ dashboard: string; messageId: string; ageMs: number }> = [];
  let checked = 0;
  const threads = new Map<string, Map<string, TruthMessage[]>>();
  for (const [ws, list] of Object.entries(truth.messages)) threads.set(ws, byConversation(list));
  for (const m of mounted) {
    if (m.spec.intruder || !m.open || !m.inbox || m.inbox.status !== 'live' || m.liveSince === 0) continue;
    checked++;
    for (const t of threads.get(m.spec.distributorId)?.get(m.open) ?? []) {
      const age = truth.dbNow - t.createdAt;
      if (age < allowanceMs || t.createdAt < m.liveSince + allowanceMs) continue;
      if (!m.inbox.state.messages[t.id]) violations.push({ dashboard: m.spec.key, messageId: t.id, ageMs: Math.round(age) });
    }
  }
  return { checked, violations };
}

/** The final comparison of every dashboard's state with the database. */
function report(truth: SoakTruth): DashboardReport[] {
  const grouped = new Map<string, Map<string, TruthMessage[]>>();
  for (const [ws, list] of Object.entries(truth.messages)) grouped.set(ws, byConversation(list));
  return mounted.map((m) => {
    const state = m.inbox!.state;
    const expected = m.spec.intruder ? [] : (truth.messages[m.spec.distributorId] ?? []);
    const expectedIds = new Set(expected.map((t) => t.id));
    const held = Object.values(state.messages);
    const r: DashboardReport = {
      key: m.spec.key,
      distributorId: m.spec.distributorId,
      intruder: Boolean(m.spec.intruder),
      status: m.inbox!.status,
      expected: expected.length,
      held: held.filter((x) => !x.local).length,
      missing: 0,
      foreign: 0,
      optimisticLeft: held.filter((x) => x.local).length,
      duplicateSids: 0,
      outOfOrder: 0,
      wrongStatus: 0,
      wrongUnread: 0,
      foreignConversations: 0,
      examples: [],
    };
    const note = (s: string) => r.examples.length < 5 && r.examples.push(s);
    for (const t of expected) {
      const x = state.messages[t.id];
      if (!x) {
        r.missing++;
        note(`missing ${t.id} (seq ${t.seq})`);
      } else if (t.direction === 'outbound' && x.status !== t.status) {
        r.wrongStatus++;
        note(`status of ${t.id}: ${x.status}, database ${t.status}`);
      }
    }
    const sids = new Set<string>();
    for (const x of held) {
      if (x.local) continue;
      if (!expectedIds.has(x.id)) {
        r.foreign++;
        note(`foreign ${x.id} of ${x.distributor_id}`);
      }
      if (x.twilio_sid) {
        if (sids.has(x.twilio_sid)) r.duplicateSids++;
        sids.add(x.twilio_sid);
      }
    }
    // order: each conversation's messages as the thread lists them (by seq) against the database's order
    const mine = grouped.get(m.spec.distributorId) ?? new Map();
    const heldByConversation = new Map<string, string[]>();
    for (const x of held.filter((x) => !x.local).sort((a, b) => a.seq - b.seq)) {
      const list = heldByConversation.get(x.conversation_id) ?? [];
      list.push(x.id);
      heldByConversation.set(x.conversation_id, list);
    }
    if (!m.spec.intruder) {
      for (const [conversationId, list] of mine) {
        const got = (heldByConversation.get(conversationId) ?? []).join(',');
        if (got !== list.map((t: TruthMessage) => t.id).join(',')) r.outOfOrder++;
      }
    }
    // unread counts: the badge the list shows for each conversation, against the database
    for (const c of m.spec.intruder ? [] : (truth.conversations[m.spec.distributorId] ?? [])) {
      const held = state.conversations[c.id];
      const read = state.reads[c.id];
      const shown = held ? Math.max(0, held.inbound_count - (read?.read_inbound_count ?? 0)) : -1;
      const want = Math.max(0, c.inboundCount - (truth.reads[m.spec.userId]?.[c.id] ?? 0));
      if (shown !== want) {
        r.wrongUnread++;
        note(`unread of ${c.id}: shows ${shown}, database ${want}`);
      }
    }
    for (const c of Object.values(state.conversations)) if (c.distributor_id !== m.spec.distributorId || m.spec.intruder) r.foreignConversations++;
    return r;
  });
}

process.on('message', async (c: Command) => {
  try {
    if (c.cmd === 'start') {
      await start(c);
      process.send!({ ok: true });
    } else if (c.cmd === 'open') {
      for (const m of mounted) {
        const id = c.threads[m.spec.key];
        if (id && m.setOpen) m.setOpen(id);
      }
      process.send!({ ok: true });
    } else if (c.cmd === 'killSockets') {
      process.send!({ ok: true, killed: killSockets() });
    } else if (c.cmd === 'statuses') {
      process.send!({ ok: true, statuses: statuses() });
    } else if (c.cmd === 'check') {
      process.send!({ ok: true, ...check(c.truth, c.allowanceMs) });
    } else if (c.cmd === 'report') {
      process.send!({ ok: true, reports: report(c.truth) });
    } else if (c.cmd === 'close') {
      for (const m of mounted.splice(0)) {
        m.root.unmount();
        await m.client.removeAllChannels();
        m.client.realtime.disconnect();
      }
      process.send!({ ok: true });
      process.exit(0);
    }
  } catch (error) {
    process.send!({ error: (error as Error).stack ?? String(error) });
  }
});
// a browser tab survives an unhandled rejection (it is a console error); so does this process
process.on('unhandledRejection', (reason) => console.error('[dashboards] unhandled rejection:', (reason as Error)?.message ?? reason));
process.send!({ ok: true, ready: true });
