/**
 * Realtime benchmark (issue 3): the stand-in's postgres_changes and broadcast, beside a floor measured the same
 * way in the same run (a bare `ws` server fed by NOTIFY from the same table, no Phoenix, no RLS).
 *
 *   postgres_changes: 100 subscribers (10 distributors × 10 members, each its own user and JWT), one channel
 *     each, filtered `distributor_id=eq.<id>`, RLS on; single-row INSERTs into messages at 10/s and 100/s,
 *     round-robin over the distributors, so each INSERT reaches 10 subscribers. Latency = commit ack → the
 *     LAST of those 10 has the frame. Then a ramp (200 … 3200 INSERTs/s) to find the deliveries/s the
 *     pipeline sustains before p99 passes 50 ms or a delivery is lost.
 *   broadcast: 1,000 sockets on one channel; 200 broadcasts 20 ms apart; time from send to the last socket.
 *   memory: stand-in heap and RSS growth per idle joined socket (after GC).
 *
 * Subscribers run in a child process (bench/realtime-clients.ts) and speak the wire protocol realtime-js speaks.
 * Everything runs on one 2-core machine; stamps use the machine-wide monotonic clock.
 *
 *   node --expose-gc --import tsx bench/realtime.ts [--backend postgres|pglite|both] [--quick]
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import postgres from 'postgres';
import { WebSocket, WebSocketServer } from 'ws';
import { startStandin, type Standin } from '../standin/src/index.ts';
import { signHS256 } from '../standin/src/jwt.ts';
import { LOCAL_JWT_SECRET, LOCAL_PUBLISHABLE_KEY } from '../standin/src/keys.ts';
import { startPostgresCluster, type PostgresCluster } from '../tests/helpers/postgres-cluster.ts';
import type { JoinSpec } from './realtime-clients.ts';
import { summarize, writeResults } from './stats.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const option = (name: string, fallback: string) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1]! : fallback);
const QUICK = flag('quick');
const BACKENDS: Array<'postgres' | 'pglite'> = option('backend', 'both') === 'both' ? ['postgres', 'pglite'] : [option('backend', 'postgres') as 'postgres' | 'pglite'];
const DISTRIBUTORS = 10;
const MEMBERS = 10;
const FANOUT_SOCKETS = 1000;
const GOAL_P99_MS = 50;

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ── subscriber process ────────────────────────────────────────────────────────────────────────────────
class Clients {
  readonly child: ChildProcess;
  #waiters: Array<(m: Record<string, unknown>) => boolean> = [];
  constructor() {
    this.child = fork(path.join(import.meta.dirname, 'realtime-clients.ts'), { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
    this.child.on('message', (m: Record<string, unknown>) => {
      this.#waiters = this.#waiters.filter((w) => !w(m));
    });
  }
  request<T = Record<string, unknown>>(command: Record<string, unknown>, expect: string): Promise<T> {
    return new Promise((resolve, reject) => {
      this.#waiters.push((m) => {
        if (m.error) reject(new Error(String(m.error)));
        else if (m.ok === expect) resolve(m as T);
        else return false;
        return true;
      });
      if (command.cmd) this.child.send(command);
    });
  }
  ready() {
    return this.request({}, 'ready');
  }
  async arrivals(): Promise<Map<number, [number, number, number]>> {
    const { arrivals } = await this.request<{ arrivals: Array<[number, [number, number, number]]> }>({ cmd: 'report' }, 'report');
    return new Map(arrivals);
  }
}

// ── data ──────────────────────────────────────────────────────────────────────────────────────────────
interface Tenant {
  id: string;
  conversationId: string;
  users: string[];
}

async function createTenants(standin: Standin): Promise<Tenant[]> {
  const q = standin.db.query;
  const tenants: Tenant[] = [];
  for (let d = 0; d < DISTRIBUTORS; d++) {
    const id = `b0000000-0000-4000-8000-${String(d).padStart(12, '0')}`;
    const users = Array.from({ length: MEMBERS }, (_, m) => `b1000000-0000-4000-8000-${String(d * 100 + m).padStart(12, '0')}`);
    await q(`insert into public.distributors (id, name) values ($1, $2) on conflict do nothing`, [id, `Bench ${d}`]);
    const [sender] = await q<{ id: string }>(
      `insert into public.whatsapp_senders (distributor_id, label, whatsapp_number) values ($1, 'Bench', $2)
       on conflict (distributor_id, whatsapp_number) do update set label = excluded.label returning id`,
      [id, `+1999000${String(d).padStart(4, '0')}`],
    );
    for (const u of users) {
      await q(
        `insert into auth.users (instance_id, id, aud, role, email, raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
            confirmation_token, email_change, email_change_token_new, recovery_token)
         values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, '{}', '{}', now(), now(), '', '', '', '')
         on conflict do nothing`,
        [u, `${u}@bench.test`],
      );
      await q(`insert into public.distributor_members (distributor_id, user_id, role, display_name) values ($1, $2, 'agent', 'Bench') on conflict do nothing`, [id, u]);
    }
    const [contact] = await q<{ id: string }>(`insert into public.contacts (distributor_id, wa_id, phone) values ($1, '+15550000000', '+15550000000') returning id`, [id]);
    // a conversation belongs to a (sender, customer) pair
    const [conv] = await q<{ id: string }>(`insert into public.conversations (distributor_id, contact_id, sender_id) values ($1, $2, $3) returning id`, [id, contact!.id, sender!.id]);
    tenants.push({ id, conversationId: conv!.id, users });
  }
  return tenants;
}

const token = (sub: string) => {
  const now = Math.floor(Date.now() / 1000);
  return signHS256({ sub, role: 'authenticated', aud: 'authenticated', iat: now, exp: now + 7200 }, LOCAL_JWT_SECRET);
};

// ── a load step ───────────────────────────────────────────────────────────────────────────────────────
type Insert = (tenant: Tenant, body: string) => Promise<number>;

interface StepResult {
  ratePerSecond: number;
  inserts: number;
  deliveriesExpected: number;
  deliveriesReceived: number;
  lost: number;
  achievedDeliveriesPerSecond: number;
  commitToLastMs: ReturnType<typeof summarize>;
  commitToFirstMs: ReturnType<typeof summarize>;
}

async function step(clients: Clients, tenants: Tenant[], insert: Insert, rate: number, total: number): Promise<StepResult> {
  await clients.request({ cmd: 'reset' }, 'reset');
  const sent = new Map<number, number>();
  const started = nowMs();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - nowMs();
    if (wait > 1) await sleep(wait);
    const tenant = tenants[i % tenants.length]!;
    inflight.push(
      insert(tenant, `bench message ${i}: Hi, is order #${10000 + i} on its way?`).then((seq) => {
        sent.set(seq, nowMs());
      }),
    );
  }
  await Promise.all(inflight);
  // wait until every row reached all its subscribers, or 10 s passed with nothing new
  let arrivals = await clients.arrivals();
  let lastCount = -1;
  let quietSince = nowMs();
  for (;;) {
    const complete = [...sent.keys()].every((seq) => (arrivals.get(seq)?.[0] ?? 0) >= MEMBERS);
    if (complete) break;
    const count = [...arrivals.values()].reduce((n, a) => n + a[0], 0);
    if (count !== lastCount) {
      lastCount = count;
      quietSince = nowMs();
    } else if (nowMs() - quietSince > 10_000) break;
    await sleep(50);
    arrivals = await clients.arrivals();
  }
  const toLast: number[] = [];
  const toFirst: number[] = [];
  let received = 0;
  let lastArrival = started;
  for (const [seq, committed] of sent) {
    const a = arrivals.get(seq);
    if (!a) continue;
    received += a[0];
    lastArrival = Math.max(lastArrival, a[2]);
    if (a[0] >= MEMBERS) toLast.push(a[2] - committed);
    toFirst.push(a[1] - committed);
  }
  return {
    ratePerSecond: rate,
    inserts: total,
    deliveriesExpected: total * MEMBERS,
    deliveriesReceived: received,
    lost: total * MEMBERS - received,
    achievedDeliveriesPerSecond: Math.round((received * 1000) / (lastArrival - started)),
    commitToLastMs: summarize(toLast),
    commitToFirstMs: summarize(toFirst),
  };
}

async function loadProfile(clients: Clients, tenants: Tenant[], insert: Insert, label: string) {
  const steady: StepResult[] = [];
  for (const rate of [10, 100]) {
    const r = await step(clients, tenants, insert, rate, QUICK ? rate * 3 : rate === 10 ? 200 : 1000);
    steady.push(r);
    log(label, `${rate} INSERT/s`, r);
  }
  const ramp: StepResult[] = [];
  let sustained: StepResult | null = null;
  for (const rate of [200, 400, 800, 1600, 3200]) {
    const r = await step(clients, tenants, insert, rate, rate * (QUICK ? 1 : 3));
    ramp.push(r);
    log(label, `ramp ${rate} INSERT/s`, r);
    if (r.lost > 0 || r.commitToLastMs.p99 > GOAL_P99_MS) break;
    sustained = r;
  }
  return { steady, ramp, sustainedDeliveriesPerSecond: sustained?.achievedDeliveriesPerSecond ?? 0 };
}

function log(label: string, what: string, r: StepResult) {
  const l = r.commitToLastMs;
  console.log(
    `${label.padEnd(22)} ${what.padEnd(22)} last: p50 ${l.p50.toFixed(2)} ms  p99 ${l.p99.toFixed(2)} ms  ` +
      `delivered ${r.deliveriesReceived}/${r.deliveriesExpected}  ${r.achievedDeliveriesPerSecond}/s`,
  );
}

// ── the floor: a bare ws server fed by NOTIFY ─────────────────────────────────────────────────────────
async function startFloor(standin: Standin) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  const byTenant = new Map<string, WebSocket[]>();
  wss.on('connection', (ws) => {
    ws.once('message', (hello) => {
      const tenant = hello.toString();
      if (!byTenant.has(tenant)) byTenant.set(tenant, []);
      byTenant.get(tenant)!.push(ws);
    });
  });
  await new Promise((r) => wss.once('listening', r));
  await standin.db.execScript(`
    create or replace function public.bench_floor_notify() returns trigger language plpgsql as $$
    begin perform pg_notify('bench_floor', json_build_object('seq', new.seq, 'distributor_id', new.distributor_id, 'record', to_jsonb(new))::text); return null; end $$;
    drop trigger if exists bench_floor on public.messages;
    create trigger bench_floor after insert on public.messages for each row execute function public.bench_floor_notify();`);
  const unlisten = await standin.db.listen('bench_floor', (payload) => {
    const { distributor_id: d } = JSON.parse(payload) as { distributor_id: string };
    const buf = Buffer.from(payload);
    for (const ws of byTenant.get(d) ?? []) ws.send(buf, { binary: false });
  });
  const port = (wss.address() as { port: number }).port;
  return {
    url: `ws://127.0.0.1:${port}`,
    fanout(data: Buffer) {
      for (const ws of wss.clients) ws.send(data, { binary: false });
    },
    async close() {
      await unlisten();
      await standin.db.execScript('drop trigger if exists bench_floor on public.messages');
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

// ── broadcast fan-out and memory ──────────────────────────────────────────────────────────────────────
async function fanout(clients: Clients, send: (n: number) => void, samples: number) {
  await clients.request({ cmd: 'reset' }, 'reset');
  const sentAt = new Map<number, number>();
  for (let n = 0; n < samples; n++) {
    sentAt.set(n, nowMs());
    send(n);
    await sleep(20);
  }
  let arrivals = await clients.arrivals();
  const deadline = nowMs() + 10_000;
  while ([...sentAt.keys()].some((n) => (arrivals.get(n)?.[0] ?? 0) < FANOUT_SOCKETS) && nowMs() < deadline) {
    await sleep(50);
    arrivals = await clients.arrivals();
  }
  const toLast = [...sentAt].filter(([n]) => (arrivals.get(n)?.[0] ?? 0) >= FANOUT_SOCKETS).map(([n, t]) => arrivals.get(n)![2] - t);
  return { samples, complete: toLast.length, sendToLastMs: summarize(toLast) };
}

function memory() {
  (globalThis as { gc?: () => void }).gc?.();
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external };
}

async function rawSender(url: string, topic: string): Promise<WebSocket> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/realtime/v1/websocket?apikey=${LOCAL_PUBLISHABLE_KEY}&vsn=2.0.0`);
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
  ws.send(JSON.stringify(['1', '1', topic, 'phx_join', { config: { broadcast: { self: false, ack: false }, presence: { key: '', enabled: false }, postgres_changes: [], private: false } }]));
  await new Promise((r) => ws.once('message', r));
  return ws;
}

// ── one backend ───────────────────────────────────────────────────────────────────────────────────────
async function runBackend(backend: 'postgres' | 'pglite') {
  let cluster: PostgresCluster | undefined;
  if (backend === 'postgres') cluster = await startPostgresCluster({ durable: true });
  const standin = await startStandin({
    port: 0,
    db: cluster ? { kind: 'postgres', url: cluster.url } : { kind: 'pglite-memory' },
    projectDir: ROOT,
    seed: false,
    log: 'silent',
  });
  const writer = cluster ? postgres(cluster.url, { max: 8, onnotice: () => {} }) : null;
  const insert: Insert = async (tenant, body) => {
    const text = `insert into public.messages (distributor_id, conversation_id, direction, status, body) values ($1, $2, 'inbound', 'received', $3) returning seq`;
    const rows = writer ? await writer.unsafe(text, [tenant.id, tenant.conversationId, body]) : await standin.db.query(text, [tenant.id, tenant.conversationId, body]);
    return Number((rows[0] as { seq: number | string }).seq);
  };
  const clients = new Clients();
  await clients.ready();
  try {
    const tenants = await createTenants(standin);
    const wsUrl = `${standin.url.replace(/^http/, 'ws')}/realtime/v1/websocket?apikey=${LOCAL_PUBLISHABLE_KEY}&vsn=2.0.0`;
    const specs: JoinSpec[] = tenants.flatMap((t, d) =>
      t.users.map((u, m) => ({
        topic: `realtime:inbox-${d}-${m}`,
        payload: {
          config: {
            broadcast: { ack: false, self: false },
            presence: { key: '', enabled: false },
            postgres_changes: [{ event: 'INSERT', schema: 'public', table: 'messages', filter: `distributor_id=eq.${t.id}` }],
            private: false,
          },
          access_token: token(u),
        },
      })),
    );

    console.log(`\n== ${backend}: postgres_changes, ${specs.length} subscribers (RLS on), each INSERT reaches ${MEMBERS}`);
    await clients.request({ cmd: 'connect', url: wsUrl, sockets: specs, mode: 'phoenix' }, 'connected');
    const standinRun = await loadProfile(clients, tenants, insert, `stand-in (${backend})`);
    await clients.request({ cmd: 'close' }, 'closed');

    const floor = await startFloor(standin);
    await clients.request({ cmd: 'connect', url: floor.url, sockets: tenants.flatMap((t) => t.users.map(() => ({ topic: '', payload: {}, hello: t.id }))), mode: 'floor' }, 'connected');
    const floorRun = await loadProfile(clients, tenants, insert, `floor (${backend})`);
    await clients.request({ cmd: 'close' }, 'closed');

    console.log(`== ${backend}: broadcast to ${FANOUT_SOCKETS} sockets`);
    const before = memory();
    const fanSpecs: JoinSpec[] = Array.from({ length: FANOUT_SOCKETS }, () => ({
      topic: 'realtime:bench-fanout',
      payload: { config: { broadcast: { ack: false, self: false }, presence: { key: '', enabled: false }, postgres_changes: [], private: false } },
    }));
    await clients.request({ cmd: 'connect', url: wsUrl, sockets: fanSpecs, mode: 'phoenix' }, 'connected');
    await sleep(500);
    const after = memory();
    const perSocket = {
      rssBytes: Math.round((after.rss - before.rss) / FANOUT_SOCKETS),
      heapBytes: Math.round((after.heapUsed - before.heapUsed) / FANOUT_SOCKETS),
      externalBytes: Math.round((after.external - before.external) / FANOUT_SOCKETS),
    };
    console.log(`stand-in memory per idle joined socket: heap ${perSocket.heapBytes} B, RSS ${perSocket.rssBytes} B`);
    const sender = await rawSender(standin.url, 'realtime:bench-fanout');
    const payload = 'x'.repeat(200);
    const standinFanout = await fanout(clients, (n) => sender.send(JSON.stringify(['1', null, 'realtime:bench-fanout', 'broadcast', { type: 'broadcast', event: 'tick', payload: { n, text: payload } }])), QUICK ? 50 : 200);
    console.log(`stand-in broadcast → last of ${FANOUT_SOCKETS}: p50 ${standinFanout.sendToLastMs.p50.toFixed(2)} ms p99 ${standinFanout.sendToLastMs.p99.toFixed(2)} ms`);
    sender.close();
    await clients.request({ cmd: 'close' }, 'closed');
    await clients.request({ cmd: 'connect', url: floor.url, sockets: fanSpecs.map(() => ({ topic: '', payload: {}, hello: 'fanout' })), mode: 'floor' }, 'connected');
    const floorFanout = await fanout(clients, (n) => floor.fanout(Buffer.from(JSON.stringify({ seq: n, text: payload }))), QUICK ? 50 : 200);
    console.log(`floor broadcast → last of ${FANOUT_SOCKETS}:    p50 ${floorFanout.sendToLastMs.p50.toFixed(2)} ms p99 ${floorFanout.sendToLastMs.p99.toFixed(2)} ms`);
    await clients.request({ cmd: 'close' }, 'closed');
    await floor.close();

    return {
      backend,
      postgresChanges: { standin: standinRun, floor: floorRun },
      broadcastFanout: { sockets: FANOUT_SOCKETS, standin: standinFanout, floor: floorFanout },
      memoryPerIdleSocket: perSocket,
    };
  } finally {
    clients.child.kill();
    await writer?.end({ timeout: 1 });
    await standin.close();
    await cluster?.stop();
  }
}

async function main() {
  const results = [];
  for (const backend of BACKENDS) results.push(await runBackend(backend));
  writeResults('realtime', { quick: QUICK, goals: { p50Ms: 10, p99Ms: GOAL_P99_MS, deliveriesPerSecond: 4000, fanoutMs: 50, bytesPerIdleSocket: 50 * 1024 }, results });
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
