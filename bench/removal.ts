/**
 * Removal benchmark (issue 10): how long a removed member's open dashboard keeps receiving after an admin removes
 * them, measured with the real supabase-js clients the dashboard uses, on the stand-in over each backend.
 *
 * Each round: a fresh workspace with an owner and an agent, both subscribed as the dashboard is (postgres_changes on
 * the workspace's messages, the agent's own membership row, the workspace row, and the private team channel). A
 * customer writes every 10 ms throughout. The owner calls remove_member; t0 is when that call returns (the commit).
 * Figures per round:
 *   notice     t0 → the agent's screen has its membership row marked removed (what makes it say why)
 *   lastChange t0 → the last message change the agent received at all (≤ 0: nothing arrived after the removal)
 *   leaked     messages committed after t0 that the agent received anyway (the goal: 0)
 *   rekey      t0 → the owner's team channel has rejoined on the new key (the agent's old room is then empty)
 *   baseline   commit → the owner's delivery of the same stream's messages, in the same rounds (the floor)
 *
 *   node --import tsx bench/removal.ts [--backend postgres|pglite|both] [--rounds 20]
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { WebSocket } from 'ws';
import { startStandin, type Standin } from '../standin/src/index.ts';
import { LOCAL_PUBLISHABLE_KEY, LOCAL_SECRET_KEY } from '../standin/src/keys.ts';
import { startPostgresCluster, type PostgresCluster } from '../tests/helpers/postgres-cluster.ts';
import { summarize, writeResults } from './stats.ts';

const argv = process.argv.slice(2);
const option = (name: string, fallback: string) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1]! : fallback);
const BACKENDS: Array<'postgres' | 'pglite'> = option('backend', 'both') === 'both' ? ['postgres', 'pglite'] : [option('backend', 'postgres') as 'postgres' | 'pglite'];
const ROUNDS = Number(option('rounds', '20'));
const ROOT = new URL('..', import.meta.url).pathname;
const ACCOUNT = 'AC00000000000000000000000000000000';

const now = () => performance.now();
const client = (url: string, key = LOCAL_PUBLISHABLE_KEY) =>
  createClient(url, key, { auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: WebSocket as never } });

function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (check()) return resolve();
      if (now() > deadline) return reject(new Error(`timed out: ${what}`));
      setTimeout(tick, 1);
    };
    tick();
  });
}

function joined(channel: ReturnType<SupabaseClient['channel']>): Promise<void> {
  return new Promise((resolve, reject) =>
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') resolve();
      else if (status !== 'CLOSED') reject(error ?? new Error(status));
    }),
  );
}

async function user(url: string, svc: SupabaseClient, name: string) {
  const email = `${name}-${crypto.randomUUID()}@bench.test`;
  const password = `pw-${crypto.randomUUID()}`;
  const created = await svc.auth.admin.createUser({ email, password, email_confirm: true });
  if (created.error) throw created.error;
  const c = client(url);
  const signIn = await c.auth.signInWithPassword({ email, password });
  if (signIn.error) throw signIn.error;
  await c.realtime.setAuth(signIn.data.session!.access_token);
  return { id: created.data.user!.id, client: c };
}

async function round(url: string) {
  const svc = client(url, LOCAL_SECRET_KEY);
  const [owner, agent] = await Promise.all([user(url, svc, 'owner'), user(url, svc, 'agent')]);
  const { data: d } = await svc.from('distributors').insert({ name: 'Bench Co' }).select('id, channel_key').single();
  await svc.from('distributor_members').insert([
    { distributor_id: d!.id, user_id: owner.id, role: 'owner', display_name: 'Owner' },
    { distributor_id: d!.id, user_id: agent.id, role: 'agent', display_name: 'Agent' },
  ]);
  const number = `+1777${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  const sender = await svc.rpc('save_whatsapp_sender', {
    p_actor: owner.id, p_distributor_id: d!.id, p_sender_id: null, p_label: 'WhatsApp', p_whatsapp_number: number,
    p_messaging_service_sid: null, p_account_sid: ACCOUNT, p_auth_token: 'bench-token', p_api_key_sid: null, p_api_key_secret: null,
  });
  if (sender.error) throw sender.error;

  const filter = `distributor_id=eq.${d!.id}`;
  const agentGot = new Map<string, number>();
  const ownerGot = new Map<string, number>();
  let notice = NaN;
  let rekeyedAt = NaN;
  await joined(
    agent.client
      .channel(`agent-inbox-${d!.id}`)
      .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'messages', filter }, (p) => agentGot.set((p.new as { body: string }).body, now()))
      .on('postgres_changes', { event: 'UPDATE', schema: 'public', table: 'distributor_members', filter: `user_id=eq.${agent.id}` }, (p) => {
        if ((p.new as { removed_at: string | null }).removed_at && Number.isNaN(notice)) notice = now();
      }),
  );
  await joined(agent.client.channel(`distributor:${d!.id}:${d!.channel_key}`, { config: { private: true } }));
  await joined(
    owner.client
      .channel(`owner-inbox-${d!.id}`)
      .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'messages', filter }, (p) => ownerGot.set((p.new as { body: string }).body, now()))
      .on('postgres_changes', { event: 'UPDATE', schema: 'public', table: 'distributors', filter: `id=eq.${d!.id}` }, (p) => {
        // as useRealtimeTeam does on a new key: leave the old room, join the new one
        const key = (p.new as { channel_key: string }).channel_key;
        void joined(owner.client.channel(`distributor:${d!.id}:${key}`, { config: { private: true } })).then(() => (rekeyedAt = now()));
      }),
  );
  await joined(owner.client.channel(`distributor:${d!.id}:${d!.channel_key}`, { config: { private: true } }));

  // the customer keeps writing, every 10 ms
  const committed = new Map<string, number>();
  let writing = true;
  let n = 0;
  const writer = (async () => {
    while (writing) {
      const body = `m${n++}`;
      const { error } = await svc.rpc('ingest_inbound_message', { p: { message_sid: `SM${crypto.randomUUID().replaceAll('-', '')}`, sender_id: sender.data, to: `whatsapp:${number}`, from: 'whatsapp:+15550001111', body } });
      if (error) throw error;
      committed.set(body, now());
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  await until(() => agentGot.size >= 10, 'the agent receiving the stream');

  const removed = await owner.client.rpc('remove_member', { p_distributor_id: d!.id, p_user_id: agent.id });
  if (removed.error) throw removed.error;
  const t0 = now();
  await until(() => !Number.isNaN(notice) && !Number.isNaN(rekeyedAt), 'the notice and the rekey');
  // keep writing a while after, so a late delivery to the agent would show
  const stopAt = committed.size + 30;
  await until(() => committed.size >= stopAt, 'messages after the removal');
  writing = false;
  await writer;
  const lastBody = `m${n - 1}`;
  await until(() => ownerGot.has(lastBody), 'the owner receiving the last message');

  const agentTimes = [...agentGot.values()];
  const leaked = [...agentGot.keys()].filter((b) => (committed.get(b) ?? -Infinity) > t0).length;
  const baseline = [...ownerGot.entries()].filter(([b]) => committed.has(b)).map(([b, at]) => at - committed.get(b)!);
  for (const c of [owner.client, agent.client]) {
    await c.removeAllChannels();
    c.realtime.disconnect();
  }
  const after = [...committed.values()].filter((t) => t > t0).length;
  return { notice: notice - t0, lastChange: Math.max(...agentTimes) - t0, leaked, rekey: rekeyedAt - t0, baseline, after };
}

async function run(backend: 'postgres' | 'pglite') {
  let cluster: PostgresCluster | null = null;
  if (backend === 'postgres') cluster = await startPostgresCluster();
  const standin: Standin = await startStandin({
    port: 0,
    db: cluster ? { kind: 'postgres', url: cluster.url } : { kind: 'pglite-memory' },
    projectDir: ROOT,
    seed: true,
    log: 'silent',
  });
  try {
    await round(standin.url); // warm-up, not counted
    const rounds = [];
    for (let i = 0; i < ROUNDS; i++) rounds.push(await round(standin.url));
    const result = {
      rounds: ROUNDS,
      noticeMs: summarize(rounds.map((r) => r.notice)),
      lastChangeAfterRemovalMs: summarize(rounds.map((r) => r.lastChange)),
      messagesLeakedAfterRemoval: rounds.reduce((a, r) => a + r.leaked, 0),
      messagesWrittenAfterRemoval: rounds.reduce((a, r) => a + r.after, 0),
      teamRekeyMs: summarize(rounds.map((r) => r.rekey)),
      baselineDeliveryMs: summarize(rounds.flatMap((r) => r.baseline)),
    };
    console.log(backend, JSON.stringify(result));
    return result;
  } finally {
    await standin.close();
    await cluster?.stop();
  }
}

const results: Record<string, unknown> = {};
for (const backend of BACKENDS) results[backend] = await run(backend);
writeResults('removal', { goalMs: 1000, ...results });
process.exit(0);
