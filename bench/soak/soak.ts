/**
 * The soak with faults: the whole product (PostgreSQL, the stand-in on it, the Twilio fake, `next start`) under a
 * steady stream of WhatsApp messages from many customers to the two demo workspaces, watched by many Node
 * dashboards (the app's own useRealtimeInbox, see dashboards.ts) and a few Chromium dashboards, while the harness
 * breaks things: it kills the dashboards' sockets, restarts the stand-in, takes a browser offline, restarts
 * PostgreSQL, stops the app (webhooks fail; reconciliation with the fake's message log must bring them back),
 * and turns on duplicate and out-of-order status callbacks. Messages arrive as Twilio sends them: the fake logs
 * each one, then posts its signed webhook once (plus Twilio's default single retry of a failed connection).
 *
 * During the faults it checks at intervals that no live dashboard's open thread lacks a stored message; at the
 * end it compares every dashboard with the database: every message once, in order, none of another workspace,
 * the final delivery statuses, the unread counts. `npm run soak` runs the full size (soak/main.ts); the e2e
 * suite runs a short one (tests/e2e/soak.e2e.test.ts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createClient } from '@supabase/supabase-js';
import type { Browser } from 'playwright-core';
import postgres from 'postgres';
import WebSocket from 'ws';
import { LOCAL_PUBLISHABLE_KEY, LOCAL_SECRET_KEY } from '../../standin/src/keys.ts';
import { startPostgresCluster, type PostgresCluster } from '../../tests/helpers/postgres-cluster.ts';
import { launchChromium, signIn, startStack, PASSWORD, type Session, type Stack } from '../../tests/e2e/stack.ts';
import type { InboundDelivery } from '../../tools/twilio-fake/index.ts';
import { inboxPath } from '../../lib/paths.ts';
import { readTruth, type DashboardReport, type DashboardSpec, type SoakTruth } from './truth.ts';

export const ACME = { id: '10000000-0000-4000-8000-000000000001', number: '+14155550100', tag: 'acme' };
export const BOLT = { id: '10000000-0000-4000-8000-000000000002', number: '+14155550200', tag: 'bolt' };
/**
 * The Chromium dashboards, in the order a smaller soak takes them (one per workspace first, then a second of Acme),
 * each with a demo conversation open from the start: opening one later, under full load on two cores, took minutes.
 */
const BROWSER_USERS = [
  { email: 'ana@acme.test', open: '40000000-0000-4000-8000-000000000001' },
  { email: 'cara@bolt.test', open: '40000000-0000-4000-8000-000000000004' },
  { email: 'ben@acme.test', open: '40000000-0000-4000-8000-000000000003' },
];
/** Customers 0–4 are the demo contacts (customer c writes to workspace c % 2): Acme's three, Bolt's two. */
const SEED_CUSTOMERS = ['+5215512345001', '+447700900004', '+5215512345002', '+447700900005', '+14155557003'];
const WORKSPACES = [ACME, BOLT];

export interface SoakOptions {
  messages: number;
  /** Inbound messages per second. */
  rate: number;
  customers: number;
  /** Node dashboards (split over the two workspaces and `usersPerWorkspace` members each). */
  dashboards: number;
  usersPerWorkspace: number;
  /** Chromium dashboards: ana (Acme), cara (Bolt), ben (Acme); 0–3. */
  browsers: number;
  /** One outbound reply per this many inbound messages (sent from a browser, as a member would). */
  replyEvery: number;
  /** How long the app stays stopped. */
  appOutageMs: number;
  /** How long the browser stays offline (0: the browser is never taken offline). */
  offlineMs: number;
  /** A message older than this must be on every live dashboard that shows its thread (interval checks). */
  allowanceMs: number;
  checkEveryMs: number;
  /** How long the end may take to converge (reconciliation, rejoins). */
  settleMs: number;
  /** Processes the Node dashboards are split over. */
  processes: number;
  log?: (line: string) => void;
}

export const FULL_SOAK: SoakOptions = {
  messages: 10_000, rate: 20, customers: 500, dashboards: 200, usersPerWorkspace: 10, browsers: 3, replyEvery: 20,
  appOutageMs: 60_000, offlineMs: 20_000, allowanceMs: 10_000, checkEveryMs: 10_000, settleMs: 240_000, processes: 2,
};

export interface FaultRecord {
  fault: string;
  atMs: number;
  tookMs: number;
  detail?: string;
}

export interface SoakResult {
  options: Omit<SoakOptions, 'log'>;
  startedAt: string;
  durationMs: number;
  sent: number;
  webhooks: { deliveredFirstTry: number; deliveredAfterRetry: number; failed: number; /** last attempt of each failed one: its status or error */ failures: Record<string, number> };
  stored: { inbound: number; duplicates: number; missing: number };
  replies: { accepted: number; refused: number; /** answers by HTTP status (0: no answer) */ answers: Record<string, number>; statusesWrong: number; examples: string[] };
  sweeps: { count: number; recoveredInbound: number; recoveredStatuses: number; failed: number };
  faults: FaultRecord[];
  intervalChecks: { rounds: number; dashboardChecks: number; violations: number; examples: Array<{ dashboard: string; messageId: string; ageMs: number }> };
  dashboards: {
    node: number;
    intruders: number;
    missing: number;
    foreign: number;
    optimisticLeft: number;
    duplicateSids: number;
    outOfOrder: number;
    wrongStatus: number;
    wrongUnread: number;
    foreignConversations: number;
    notLive: number;
    statuses: Record<string, number>;
    convergedAfterMs: number;
    examples: string[];
  };
  browsers: Array<{ email: string; status: string; notLive: number; thread: number; missing: number; extra: number; duplicates: number; outOfOrder: number; wrongStatus: number; wrongUnread: number; foreign: number; notes: string[] }>;
  standinMemoryMb: Array<{ at: string; rssMb: number }>;
  ok: boolean;
  problems: string[];
  /** The app's error and reconciliation lines, when the soak failed. */
  appLog?: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A forked dashboards process, spoken to one command at a time. */
class Dashboards {
  #child: ChildProcess;
  #queue: Promise<unknown> = Promise.resolve();
  #ready: Promise<void>;
  constructor() {
    this.#child = fork(path.join(import.meta.dirname, 'dashboards.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.#child.on('error', () => {}); // a send after the child died: its exit rejects the command
    this.#ready = new Promise((resolve, reject) => {
      this.#child.once('message', () => resolve());
      this.#child.once('exit', (code) => reject(new Error(`dashboards process exited (${code})`)));
    });
  }
  send<T = Record<string, unknown>>(command: Record<string, unknown>): Promise<T> {
    const run = this.#queue.then(
      () =>
        this.#ready.then(
          () =>
            new Promise<T>((resolve, reject) => {
              const onExit = (code: number) => reject(new Error(`dashboards process exited (${code}) during ${String(command.cmd)}`));
              this.#child.once('exit', onExit);
              this.#child.once('message', (m: { ok?: boolean; error?: string } & T) => {
                this.#child.off('exit', onExit);
                if (m.error) reject(new Error(`dashboards ${String(command.cmd)}: ${m.error}`));
                else resolve(m);
              });
              this.#child.send(command);
            }),
        ),
    );
    this.#queue = run.catch(() => {});
    return run;
  }
  kill() {
    this.#child.kill('SIGKILL');
  }
}

function rssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const log = o.log ?? (() => {});
  const started = Date.now();
  const problems: string[] = [];
  let cluster: PostgresCluster | null = null;
  let stack: Stack | null = null;
  let browser: Browser | null = null;
  const processes: Dashboards[] = [];
  let sql: postgres.Sql | null = null;
  try {
    cluster = await startPostgresCluster();
    // the app sweeps Twilio's log every minute as well as at start and after a failed webhook
    stack = await startStack({ db: cluster.url, env: { RECONCILE_MINUTES: '1' } });
    const { fake, standin } = stack;
    const appUrl = stack.appUrl;
    sql = postgres(cluster.url, { max: 4, onnotice: () => {}, connect_timeout: 5 });
    log(`stack up: app ${appUrl}, stand-in ${standin.url}, PostgreSQL ${cluster.url}`);
    const memory: SoakResult['standinMemoryMb'] = [{ at: 'start', rssMb: rssMb(standin.pid) }];

    // ── members and their dashboards ────────────────────────────────────────────────────────────────
    const service = createClient(standin.url, LOCAL_SECRET_KEY, { auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: WebSocket as never } });
    const run = randomUUID().slice(0, 8);
    const users: Array<{ email: string; id: string; distributorId: string | null }> = [];
    for (const ws of WORKSPACES) {
      for (let u = 0; u < o.usersPerWorkspace; u++) users.push({ email: `soak-${run}-${ws.tag}-${u}@soak.test`, id: '', distributorId: ws.id });
    }
    // a member of Bolt and a user of no workspace, both pointing an inbox at Acme / Bolt: they must see nothing
    users.push({ email: `soak-${run}-outsider@soak.test`, id: '', distributorId: null });
    for (const user of users) {
      const { data, error } = await service.auth.admin.createUser({ email: user.email, password: PASSWORD, email_confirm: true });
      if (error) throw new Error(`create ${user.email}: ${error.message}`);
      user.id = data.user.id;
      if (user.distributorId) {
        const m = await service.from('distributor_members').insert({ distributor_id: user.distributorId, user_id: user.id, role: 'agent', display_name: `Soak ${user.email.split('@')[0]}` });
        if (m.error) throw new Error(`member: ${m.error.message}`);
      }
    }
    const sessions = new Map<string, { access: string; refresh: string }>();
    for (const user of users) {
      const anon = createClient(standin.url, LOCAL_PUBLISHABLE_KEY, { auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: WebSocket as never } });
      const { data, error } = await anon.auth.signInWithPassword({ email: user.email, password: PASSWORD });
      if (error || !data.session) throw new Error(`sign in ${user.email}: ${error?.message}`);
      sessions.set(user.id, { access: data.session.access_token, refresh: data.session.refresh_token });
    }
    const members = users.filter((u) => u.distributorId);
    const specs: DashboardSpec[] = [];
    for (let i = 0; i < o.dashboards; i++) {
      const user = members[i % members.length]!;
      const s = sessions.get(user.id)!;
      specs.push({ key: `node-${i}`, email: user.email, userId: user.id, distributorId: user.distributorId!, accessToken: s.access, refreshToken: s.refresh });
    }
    const boltMember = members.find((u) => u.distributorId === BOLT.id)!;
    const outsider = users.find((u) => !u.distributorId)!;
    for (const [user, target] of [[boltMember, ACME.id], [outsider, BOLT.id]] as const) {
      const s = sessions.get(user.id)!;
      specs.push({ key: `intruder-${user.email}`, email: user.email, userId: user.id, distributorId: target, accessToken: s.access, refreshToken: s.refresh, intruder: true });
    }
    for (let p = 0; p < o.processes; p++) processes.push(new Dashboards());
    await Promise.all(processes.map((d, p) => d.send({ cmd: 'start', supabaseUrl: standin.url, publishableKey: LOCAL_PUBLISHABLE_KEY, appUrl, dashboards: specs.filter((_, i) => i % o.processes === p) })));
    log(`${o.dashboards} Node dashboards live (+2 intruders) in ${o.processes} processes`);

    const browserSessions: Array<Session & { email: string; workspace: typeof ACME; open: string | null }> = [];
    if (o.browsers > 0) {
      browser = await launchChromium();
      for (const { email, open } of BROWSER_USERS.slice(0, o.browsers)) {
        const workspace = email.endsWith('acme.test') ? ACME : BOLT;
        const s = await signIn(browser, appUrl, email, inboxPath(workspace.id, open));
        await s.page.locator(`[data-conversation-id="${open}"][aria-label^="Conversation with"]`).waitFor({ timeout: 60_000 });
        browserSessions.push({ ...s, email, workspace, open });
      }
      log(`${browserSessions.length} Chromium dashboards live`);
    }
    memory.push({ at: 'dashboards joined', rssMb: rssMb(standin.pid) });
    const userIds = [...users.map((u) => u.id), '20000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000003'];
    const truth = (): Promise<SoakTruth> => readTruth(sql!, WORKSPACES.map((w) => w.id), userIds);
    const broadcast = async <T>(command: Record<string, unknown>) => Promise.all(processes.map((d) => d.send<T>(command)));

    // ── traffic ──────────────────────────────────────────────────────────────────────────────────────
    const inboundUrl = `${appUrl}/api/twilio/inbound`;
    const deliveries: Array<Promise<InboundDelivery | null>> = [];
    // the first customers are the demo contacts, whose conversations the browsers already have open
    const customer = (c: number) => ({ ws: WORKSPACES[c % 2]!, phone: SEED_CUSTOMERS[c] ?? `+1555${String(c).padStart(7, '0')}` });
    const durationMs = (o.messages / o.rate) * 1000;
    const t0 = Date.now();
    const replies: Array<Promise<{ status: number; clientMsgId: string } | null>> = [];
    const conversationsOf = new Map<string, string[]>();
    let threadsOpen = false;
    let threadsOpened: () => void = () => {};
    const threadsReady = new Promise<void>((r) => (threadsOpened = r));
    let appChanging = false;
    let sent = 0;

    const openThreads = async () => {
      for (const ws of WORKSPACES) {
        const rows = await sql!<Array<{ id: string }>>`select id from public.conversations where distributor_id = ${ws.id} order by created_at`;
        conversationsOf.set(ws.id, rows.map((r) => r.id));
      }
      const threads: Record<string, string> = {};
      specs.forEach((s, i) => {
        const list = conversationsOf.get(s.distributorId) ?? [];
        if (!s.intruder && list.length) threads[s.key] = list[i % list.length]!;
      });
      await broadcast({ cmd: 'open', threads });
      threadsOpen = true;
      threadsOpened();
      log('threads open');
    };

    const reply = (ws: typeof ACME) => {
      const from = browserSessions.find((b) => b.workspace === ws);
      const list = conversationsOf.get(ws.id);
      if (!from || !list?.length || appChanging || !stack!.app.running) return;
      const conversationId = list[Math.floor(Math.random() * list.length)]!;
      const clientMsgId = randomUUID();
      replies.push(
        from.page
          .evaluate(
            async ({ conversationId, clientMsgId, body }) => {
              try {
                const r = await fetch(`/api/conversations/${conversationId}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_msg_id: clientMsgId, body }) });
                return r.status;
              } catch {
                return 0;
              }
            },
            { conversationId, clientMsgId, body: `[${ws.tag} reply] thanks, on its way` },
          )
          .then((status) => ({ status, clientMsgId }))
          .catch(() => null),
      );
    };

    const traffic = (async () => {
      for (let i = 0; i < o.messages; i++) {
        const due = t0 + (i * 1000) / o.rate;
        if (due > Date.now()) await sleep(due - Date.now());
        const c = customer(i % o.customers);
        deliveries.push(
          fake
            .inbound({ to: c.ws.number, from: c.phone, body: `[${c.ws.tag} ${i}] ¿tienen stock del pedido ${i}?`, profileName: `Customer ${i % o.customers}`, url: inboundUrl })
            .catch((error) => {
              problems.push(`inbound ${i}: ${(error as Error).message}`);
              return null;
            }),
        );
        sent++;
        if (!threadsOpen && i === o.customers - 1) {
          void openThreads().catch((e) => {
            problems.push(`open threads: ${(e as Error).message}`);
            threadsOpened();
          });
        }
        if (threadsOpen && i % o.replyEvery === 0) reply(c.ws);
      }
    })();

    // ── faults, one after another, at fixed points of the traffic ───────────────────────────────────
    const faults: FaultRecord[] = [];
    const at = async (fraction: number, name: string, action: () => Promise<string | void>) => {
      const due = t0 + durationMs * fraction;
      if (due > Date.now()) await sleep(due - Date.now());
      const began = Date.now();
      log(`fault: ${name}`);
      const detail = await action();
      faults.push({ fault: name, atMs: began - t0, tookMs: Date.now() - began, ...(detail ? { detail } : {}) });
    };
    const faultPlan = (async () => {
      // faults begin once every dashboard has its thread open (in a short soak the first fault is due sooner)
      await threadsReady;
      await at(0.15, 'kill every Node dashboard socket', async () => {
        const killed = await broadcast<{ killed: number }>({ cmd: 'killSockets' });
        return `${killed.reduce((n, k) => n + k.killed, 0)} sockets terminated`;
      });
      await at(0.25, 'restart the stand-in', async () => {
        memory.push({ at: 'before stand-in restart', rssMb: rssMb(standin.pid) });
        await standin.restart();
        memory.push({ at: 'after stand-in restart', rssMb: rssMb(standin.pid) });
      });
      await at(0.4, 'take a browser offline', async () => {
        const b = browserSessions.at(-1);
        if (!b || o.offlineMs <= 0) return 'skipped';
        await b.context.setOffline(true);
        await sleep(o.offlineMs);
        await b.context.setOffline(false);
        return `${b.email} offline ${o.offlineMs} ms`;
      });
      await at(0.5, 'restart PostgreSQL; duplicate and out-of-order status callbacks from now on', async () => {
        fake.configure({ duplicateCallbacks: true, outOfOrder: true });
        await cluster!.restart();
        const health = await fetch(`${standin.url}/health`).then((r) => r.status).catch((e: Error) => e.message);
        return `stand-in /health after: ${health}`;
      });
      await at(0.65, 'stop the app', async () => {
        appChanging = true;
        await stack!.app.stop();
        appChanging = false;
        await sleep(o.appOutageMs);
        appChanging = true;
        await stack!.app.start();
        appChanging = false;
        return `down ${o.appOutageMs} ms`;
      });
    })();

    // ── interval checks while the faults happen ───────────────────────────────────────────────────────
    const intervalChecks: SoakResult['intervalChecks'] = { rounds: 0, dashboardChecks: 0, violations: 0, examples: [] };
    let trafficDone = false;
    const checker = (async () => {
      while (!trafficDone) {
        await sleep(o.checkEveryMs);
        if (!threadsOpen) continue;
        const t = await truth().catch(() => null);
        if (!t) continue;
        const results = await broadcast<{ checked: number; violations: SoakResult['intervalChecks']['examples'] }>({ cmd: 'check', truth: t, allowanceMs: o.allowanceMs });
        intervalChecks.rounds++;
        for (const r of results) {
          intervalChecks.dashboardChecks += r.checked;
          intervalChecks.violations += r.violations.length;
          for (const v of r.violations) if (intervalChecks.examples.length < 10) intervalChecks.examples.push(v);
        }
      }
    })();

    await traffic;
    await faultPlan;
    trafficDone = true;
    await checker;
    const delivered = await Promise.all(deliveries);
    const replyOutcomes = (await Promise.all(replies)).filter((r) => r !== null);
    log(`traffic done: ${sent} sent in ${Date.now() - t0} ms; settling`);

    // ── the end: everything in the fake's log stored once, statuses final, every dashboard converged ──
    const numbers = WORKSPACES.map((w) => `whatsapp:${w.number}`);
    const soakInbound = fake.messages.filter((m) => m.direction === 'inbound' && numbers.includes(m.to) && /^\[(acme|bolt) \d+\]/.test(m.body ?? ''));
    const outbound = () => fake.messages.filter((m) => m.direction === 'outbound-api' && numbers.includes(m.from) && (m.body ?? '').includes(' reply] '));
    const settleDeadline = Date.now() + o.settleMs;
    let storedInbound = 0;
    for (;;) {
      const rows = await sql<Array<{ n: number }>>`select count(distinct twilio_sid)::int as n from public.messages where twilio_sid = any(${soakInbound.map((m) => m.sid)})`.catch(() => [{ n: -1 }]);
      storedInbound = rows[0]!.n;
      if (storedInbound === soakInbound.length || Date.now() > settleDeadline) break;
      await sleep(1000);
    }
    const settledStatuses = async () => {
      const out = outbound();
      const rows = await sql!<Array<{ twilio_sid: string; status: string }>>`select twilio_sid, status from public.messages where twilio_sid = any(${out.map((m) => m.sid)})`;
      const db = new Map(rows.map((r) => [r.twilio_sid, r.status]));
      return out.filter((m) => db.get(m.sid) !== m.status).map((m) => `${m.sid}: Twilio ${m.status}, database ${db.get(m.sid) ?? 'absent'}`);
    };
    let wrongStatuses = await settledStatuses();
    while (wrongStatuses.length > 0 && Date.now() < settleDeadline) {
      await sleep(1000);
      wrongStatuses = await settledStatuses();
    }
    const dupRows = await sql<Array<{ n: number }>>`select count(*)::int as n from (select twilio_sid from public.messages where twilio_sid is not null and distributor_id = any(${WORKSPACES.map((w) => w.id)}::uuid[]) group by twilio_sid having count(*) > 1) d`;

    // dashboards: converge on the database (a rejoin's catch-up, a poll), then compare
    const convergeStart = Date.now();
    let reports: DashboardReport[] = [];
    let finalTruth = await truth();
    for (;;) {
      finalTruth = await truth();
      reports = (await broadcast<{ reports: DashboardReport[] }>({ cmd: 'report', truth: finalTruth })).flatMap((r) => r.reports);
      const clean = reports.every((r) => r.missing + r.foreign + r.optimisticLeft + r.outOfOrder + r.wrongStatus + r.wrongUnread + r.foreignConversations === 0 && (r.intruder || r.status === 'live'));
      if (clean || Date.now() > settleDeadline) break;
      await sleep(1000);
    }
    const convergedAfterMs = Date.now() - convergeStart;
    const sum = (k: keyof DashboardReport) => reports.reduce((n, r) => n + (r[k] as number), 0);
    const dashboards: SoakResult['dashboards'] = {
      node: reports.filter((r) => !r.intruder).length,
      intruders: reports.filter((r) => r.intruder).length,
      missing: sum('missing'),
      foreign: sum('foreign'),
      optimisticLeft: sum('optimisticLeft'),
      duplicateSids: sum('duplicateSids'),
      outOfOrder: sum('outOfOrder'),
      wrongStatus: sum('wrongStatus'),
      wrongUnread: sum('wrongUnread'),
      foreignConversations: sum('foreignConversations'),
      notLive: reports.filter((r) => !r.intruder && r.status !== 'live').length,
      statuses: reports.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.intruder ? `intruder ${r.status}` : r.status]: (acc[r.intruder ? `intruder ${r.status}` : r.status] ?? 0) + 1 }), {}),
      convergedAfterMs,
      examples: reports.flatMap((r) => r.examples.map((e) => `${r.key}: ${e}`)).slice(0, 10),
    };

    // browsers: the open thread and the list's unread badges, as shown, against the database
    const browsers: SoakResult['browsers'] = [];
    for (const b of browserSessions) {
      browsers.push(await checkBrowser(b, finalTruth, settleDeadline, truth));
    }
    memory.push({ at: 'end', rssMb: rssMb(standin.pid) });

    const sweeps = await sql<Array<{ count: number; ri: number; rs: number; failed: number }>>`
      select count(*)::int as count, coalesce(sum(recovered_inbound), 0)::int as ri, coalesce(sum(recovered_statuses), 0)::int as rs, count(*) filter (where error is not null)::int as failed
      from public.twilio_sweeps where distributor_id = any(${WORKSPACES.map((w) => w.id)}::uuid[])`;
    const webhooks: SoakResult['webhooks'] = { deliveredFirstTry: 0, deliveredAfterRetry: 0, failed: 0, failures: {} };
    for (const d of delivered) {
      if (!d) continue;
      if (!d.delivered) {
        webhooks.failed++;
        const last = d.attempts.at(-1);
        const why = last?.status ? `HTTP ${last.status}` : (last?.error ?? 'no attempt');
        webhooks.failures[why] = (webhooks.failures[why] ?? 0) + 1;
      }
      else if (d.attempts.length === 1) webhooks.deliveredFirstTry++;
      else webhooks.deliveredAfterRetry++;
    }
    const result: SoakResult = {
      options: { ...o, log: undefined } as Omit<SoakOptions, 'log'>,
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      sent,
      webhooks,
      stored: { inbound: storedInbound, duplicates: dupRows[0]!.n, missing: soakInbound.length - storedInbound },
      replies: { accepted: replyOutcomes.filter((r) => r.status === 201 || r.status === 200).length, refused: replyOutcomes.filter((r) => r.status !== 201 && r.status !== 200).length, answers: replyOutcomes.reduce<Record<string, number>>((a, r) => ({ ...a, [r.status]: (a[r.status] ?? 0) + 1 }), {}), statusesWrong: wrongStatuses.length, examples: wrongStatuses.slice(0, 5) },
      sweeps: { count: sweeps[0]!.count, recoveredInbound: sweeps[0]!.ri, recoveredStatuses: sweeps[0]!.rs, failed: sweeps[0]!.failed },
      faults,
      intervalChecks,
      dashboards,
      browsers,
      standinMemoryMb: memory,
      ok: false,
      problems,
    };
    if (soakInbound.length !== sent) problems.push(`the fake logged ${soakInbound.length} of ${sent} messages`);
    if (result.stored.missing !== 0) problems.push(`${result.stored.missing} messages Twilio received were never stored`);
    if (result.stored.duplicates !== 0) problems.push(`${result.stored.duplicates} MessageSids stored more than once`);
    if (result.replies.statusesWrong !== 0) problems.push(`${result.replies.statusesWrong} outbound statuses differ from Twilio's`);
    if (intervalChecks.violations !== 0) problems.push(`${intervalChecks.violations} messages missing from live open threads past ${o.allowanceMs} ms`);
    for (const k of ['missing', 'foreign', 'optimisticLeft', 'duplicateSids', 'outOfOrder', 'wrongStatus', 'wrongUnread', 'foreignConversations', 'notLive'] as const) {
      if (dashboards[k] !== 0) problems.push(`Node dashboards: ${k} ${dashboards[k]}`);
    }
    for (const b of browsers) {
      for (const k of ['missing', 'extra', 'duplicates', 'outOfOrder', 'wrongStatus', 'wrongUnread', 'foreign', 'notLive'] as const) if (b[k] !== 0) problems.push(`${b.email}: ${k} ${b[k]} (${b.notes.join('; ')})`);
    }
    result.ok = problems.length === 0;
    if (!result.ok) result.appLog = stack.app.output().split('\n').filter((l) => /error|reconcile|sweep/i.test(l)).slice(-30);
    return result;
  } finally {
    for (const d of processes) {
      await Promise.race([d.send({ cmd: 'close' }).catch(() => {}), sleep(5000)]);
      d.kill();
    }
    await browser?.close().catch(() => {});
    await sql?.end({ timeout: 2 }).catch(() => {});
    await stack?.stop().catch(() => {});
    await cluster?.stop().catch(() => {});
  }
}

const TICK: Record<string, string> = { undelivered: 'failed' };

/** One Chromium dashboard, as shown: its open thread in order with its ticks, and every unread badge of its list. */
async function checkBrowser(b: Session & { email: string; workspace: typeof ACME; open: string | null }, first: SoakTruth, deadline: number, truth: () => Promise<SoakTruth>) {
  const userId = { 'ana@acme.test': '20000000-0000-4000-8000-000000000001', 'ben@acme.test': '20000000-0000-4000-8000-000000000002', 'cara@bolt.test': '20000000-0000-4000-8000-000000000003' }[b.email]!;
  const other = b.workspace === ACME ? BOLT : ACME;
  let t = first;
  for (;;) {
    const shown = await b.page.evaluate(() => ({
      thread: [...document.querySelectorAll('[aria-label="Messages"] [data-message-id]')].map((e) => ({ id: e.getAttribute('data-message-id')!, status: e.getAttribute('data-status')! })),
      badges: [...document.querySelectorAll('a[data-conversation-id]')].map((a) => ({ id: a.getAttribute('data-conversation-id')!, unread: Number(/^(\d+) unread$/.exec(a.querySelector('[aria-label$=" unread"]')?.getAttribute('aria-label') ?? '')?.[1] ?? 0) })),
      text: document.body.innerText,
      status: document.querySelector('header [data-status]')?.getAttribute('data-status') ?? document.querySelector('[role="status"][data-status]')?.getAttribute('data-status') ?? 'unknown',
    }));
    const want = (t.messages[b.workspace.id] ?? []).filter((m) => m.conversationId === b.open).sort((x, y) => x.seq - y.seq);
    const r = { email: b.email, status: shown.status, notLive: shown.status === 'live' ? 0 : 1, thread: shown.thread.length, missing: 0, extra: 0, duplicates: 0, outOfOrder: 0, wrongStatus: 0, wrongUnread: 0, foreign: 0, notes: [] as string[] };
    const ids = shown.thread.map((x) => x.id);
    r.duplicates = ids.length - new Set(ids).size;
    const wantIds = new Set(want.map((m) => m.id));
    r.missing = want.filter((m) => !ids.includes(m.id)).length;
    r.extra = ids.filter((id) => !wantIds.has(id)).length;
    if (r.missing === 0 && r.extra === 0 && ids.join(',') !== want.map((m) => m.id).join(',')) r.outOfOrder = 1;
    const byId = new Map(want.map((m) => [m.id, m]));
    for (const x of shown.thread) {
      const m = byId.get(x.id);
      if (!m) continue;
      const expected = m.direction === 'inbound' ? 'received' : (TICK[m.status] ?? m.status);
      if (x.status !== expected) {
        r.wrongStatus++;
        if (r.notes.length < 3) r.notes.push(`${x.id} shows ${x.status}, database ${m.status}`);
      }
    }
    const conversations = new Map((t.conversations[b.workspace.id] ?? []).map((c) => [c.id, c.inboundCount]));
    for (const badge of shown.badges) {
      if (badge.id === b.open) continue; // the open thread marks itself read
      const inbound = conversations.get(badge.id);
      if (inbound === undefined) {
        r.foreign++;
        continue;
      }
      const want = Math.max(0, inbound - (t.reads[userId]?.[badge.id] ?? 0));
      if (badge.unread !== want) {
        r.wrongUnread++;
        if (r.notes.length < 3) r.notes.push(`${badge.id} badge ${badge.unread}, database ${want}`);
      }
    }
    if (shown.text.includes(`[${other.tag} `)) r.foreign++;
    const clean = r.missing + r.extra + r.duplicates + r.outOfOrder + r.wrongStatus + r.wrongUnread + r.foreign + r.notLive === 0;
    if (clean || Date.now() > deadline) return r;
    await sleep(1000);
    t = await truth();
  }
}
