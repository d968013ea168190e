/**
 * Inbox benchmark (issue 5), in Debian's Chromium against `next start`, the stand-in and the Twilio fake:
 *
 *   1. webhook-to-screen: signed inbound webhooks at a steady rate; for each, the time from just before the
 *      POST leaves this process to the first animation frame after the message's bubble is in ana's open
 *      thread (same machine, same clock);
 *   2. beside it, in the same run and on the same messages, the seeds' baseline: a dashboard that polls every
 *      3 s (the catch-up queries our hook would run, as ben, from this process): its delivery latency, and the
 *      database queries per minute each such open dashboard costs, against what ours costs while live;
 *   3. the JavaScript shipped for /inbox: every script the page loads, raw and gzip, level 9 (javascript-shipped.ts).
 *
 *   node --import tsx bench/inbox-browser.ts [--backend pglite|postgres|both] [--count 200] [--rate 10] [--no-build]
 *   (E2E_BUILD_ARGS=--webpack builds with webpack instead of Turbopack, for comparison)
 */
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { LOCAL_PUBLISHABLE_KEY } from '../standin/src/keys.ts';
import { ACME, DEMO_USERS } from '../tests/helpers/demo.ts';
import { startPostgresCluster, type PostgresCluster } from '../tests/helpers/postgres-cluster.ts';
import { launchChromium, PASSWORD, signIn, startStack, type Stack } from '../tests/e2e/stack.ts';
import buildForE2e from '../tests/setup/e2e-build.ts';
import { javascriptShipped } from './javascript-shipped.ts';
import { summarize, writeResults } from './stats.ts';

const argv = process.argv.slice(2);
const arg = (name: string, fallback: string) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1]! : fallback);
const COUNT = Number(arg('count', '200'));
const RATE = Number(arg('rate', '10'));
const backendArg = arg('backend', 'both');
const BACKENDS: Array<'pglite' | 'postgres'> = backendArg === 'both' ? ['pglite', 'postgres'] : [backendArg as 'pglite' | 'postgres'];
const POLL_MS = 3000;
const GOAL = { p50Ms: 50, p99Ms: 150, jsGzipKb: 200 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (s: ReturnType<typeof summarize>) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Math.round(v * 10) / 10]));

async function standinStats(stack: Stack): Promise<{ deliveries: number; rlsChecks: number }> {
  const health = (await (await fetch(`${stack.standin.url}/health`)).json()) as { realtime: { deliveries: number; rlsChecks?: number } };
  return { deliveries: health.realtime.deliveries, rlsChecks: health.realtime.rlsChecks ?? 0 };
}

/** The seeds' dashboard: every 3 s, the three catch-up queries, as ben. Counts its requests and when it first saw each message. */
async function startPollingBaseline(stack: Stack, marker: string) {
  const client = createClient(stack.standin.url, LOCAL_PUBLISHABLE_KEY, { auth: { persistSession: false }, realtime: { transport: WebSocket as never } });
  const { error } = await client.auth.signInWithPassword({ email: DEMO_USERS.ben.email, password: PASSWORD });
  if (error) throw error;
  const seen = new Map<number, number>();
  let requests = 0;
  let lastSeq = 0;
  let since = new Date(Date.now() - 60_000).toISOString();
  let stopped = false;
  const { data: top } = await client.from('messages').select('seq').eq('distributor_id', ACME.id).order('seq', { ascending: false }).limit(1);
  lastSeq = top?.[0]?.seq ?? 0;
  const startedAt = Date.now();
  const poll = async () => {
    requests += 3;
    const [messages] = await Promise.all([
      client.from('messages').select('*').eq('distributor_id', ACME.id).gt('seq', lastSeq).order('seq').limit(1000),
      client.from('conversations').select('*').eq('distributor_id', ACME.id).gte('updated_at', since).limit(1000),
      client.from('conversation_reads').select('*').eq('user_id', DEMO_USERS.ben.id),
    ]);
    const now = Date.now();
    since = new Date(now - 30_000).toISOString();
    for (const m of messages.data ?? []) {
      lastSeq = Math.max(lastSeq, m.seq);
      const match = new RegExp(`^${marker} #(\\d+)$`).exec(m.body);
      if (match && !seen.has(Number(match[1]))) seen.set(Number(match[1]), now);
    }
  };
  const loop = (async () => {
    while (!stopped) {
      await poll();
      await sleep(POLL_MS);
    }
  })();
  return {
    seen,
    async stop() {
      stopped = true;
      await loop;
      const minutes = (Date.now() - startedAt) / 60_000;
      await client.auth.signOut();
      return { requests, minutes };
    },
  };
}

async function measure(backend: 'pglite' | 'postgres') {
  let cluster: PostgresCluster | null = null;
  let db: string | undefined;
  if (backend === 'postgres') {
    cluster = await startPostgresCluster();
    db = cluster.url;
  }
  const stack = await startStack({ db });
  const browser = await launchChromium();
  try {
    const js = await javascriptShipped(browser, stack);

    const ana = await signIn(browser, stack.appUrl, DEMO_USERS.ana.email);
    const marker = `bench-${Date.now().toString(36)}`;
    const customer = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    if ((await stack.inbound({ to: ACME.number, from: customer, body: `${marker} open` })) !== 200) throw new Error('first webhook failed');
    await ana.page.locator('.conversation-link', { hasText: `${marker} open` }).click();
    await ana.page.locator('.message-inbound', { hasText: `${marker} open` }).waitFor();

    // the page stamps each bench bubble at the first frame after React put it in the thread
    await ana.page.evaluate((m) => {
      const seen: Record<number, number> = {};
      (window as unknown as { __seen: Record<number, number> }).__seen = seen;
      const pattern = new RegExp(`^${m} #(\\d+)$`);
      new MutationObserver((records) => {
        const added: number[] = [];
        for (const r of records)
          for (const node of r.addedNodes) {
            if (!(node instanceof HTMLElement)) continue;
            for (const el of node.matches('.message-inbound') ? [node] : node.querySelectorAll('.message-inbound')) {
              const match = pattern.exec(el.querySelector('.message-body')?.textContent ?? '');
              if (match && seen[Number(match[1])] === undefined) added.push(Number(match[1]));
            }
          }
        if (added.length === 0) return;
        for (const i of added) seen[i] = -1;
        requestAnimationFrame(() => {
          const now = Date.now();
          for (const i of added) seen[i] = now;
        });
      }).observe(document.querySelector('.messages')!, { childList: true, subtree: true });
    }, marker);

    const pageRequests: string[] = [];
    ana.page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname.startsWith('/rest/v1/')) pageRequests.push(`${r.method()} ${url.pathname}`);
    });
    const baseline = await startPollingBaseline(stack, marker);
    const before = await standinStats(stack);
    const windowStarted = Date.now();

    const sentAt: number[] = [];
    const webhookMs: number[] = [];
    const sends: Array<Promise<void>> = [];
    const interval = 1000 / RATE;
    const start = performance.now();
    for (let i = 0; i < COUNT; i++) {
      const due = start + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      sentAt[i] = Date.now();
      const t = performance.now();
      sends.push(
        stack.inbound({ to: ACME.number, from: customer, body: `${marker} #${i}` }).then((status) => {
          if (status !== 200) throw new Error(`webhook ${i} answered ${status}`);
          webhookMs[i] = performance.now() - t;
        }),
      );
    }
    await Promise.all(sends);
    const deadline = Date.now() + 60_000;
    let seen: Record<number, number> = {};
    while (Date.now() < deadline) {
      seen = await ana.page.evaluate(() => (window as unknown as { __seen: Record<number, number> }).__seen);
      if (Object.values(seen).filter((v) => v > 0).length >= COUNT && baseline.seen.size >= COUNT) break;
      await sleep(200);
    }
    const windowMinutes = (Date.now() - windowStarted) / 60_000;
    const after = await standinStats(stack);
    const polled = await baseline.stop();

    const ours = sentAt.map((t, i) => (seen[i]! > 0 ? seen[i]! - t : NaN)).filter((v) => Number.isFinite(v));
    const theirs = sentAt.map((t, i) => (baseline.seen.has(i) ? baseline.seen.get(i)! - t : NaN)).filter((v) => Number.isFinite(v));
    const shown = (await ana.page.locator('.message-inbound .message-body', { hasText: `${marker} #` }).allTextContents()).length;
    await ana.context.close();

    const reads = pageRequests.filter((r) => r.startsWith('GET'));
    return {
      backend,
      messages: COUNT,
      ratePerSecond: RATE,
      webhookToScreenMs: { ...round(summarize(ours)), received: ours.length, shownInThread: shown },
      webhookResponseMs: round(summarize(webhookMs)),
      javascript: js,
      pollingBaseline: {
        intervalMs: POLL_MS,
        deliveryMs: { ...round(summarize(theirs)), received: theirs.length },
        restQueriesPerMinute: Math.round(polled.requests / polled.minutes),
      },
      oursWhileLive: {
        restRequestsPerMinute: Math.round(pageRequests.length / windowMinutes),
        restReadsPerMinute: Math.round(reads.length / windowMinutes),
        requests: Object.entries(pageRequests.reduce<Record<string, number>>((acc, r) => ((acc[r] = (acc[r] ?? 0) + 1), acc), {})).map(([request, n]) => ({ request, n })),
        note: 'writes are mark_conversation_read, one per message read in the open thread; reads while live should be 0',
        realtimeDeliveries: after.deliveries - before.deliveries,
        rlsCheckStatementsPerMinute: Math.round((after.rlsChecks - before.rlsChecks) / windowMinutes),
        rlsCheckNote: 'one statement per batch of changes for all subscribers together, not per dashboard',
      },
      meetsGoal: ours.length === COUNT && summarize(ours).p50 <= GOAL.p50Ms && summarize(ours).p99 <= GOAL.p99Ms && js.inbox.gzipKb <= GOAL.jsGzipKb,
    };
  } finally {
    await browser.close();
    await stack.stop();
    await cluster?.stop();
  }
}

async function main() {
  if (!argv.includes('--no-build')) buildForE2e();
  const results = [];
  for (const backend of BACKENDS) {
    console.log(`[inbox-browser] ${backend}: ${COUNT} messages at ${RATE}/s`);
    const r = await measure(backend);
    console.log(JSON.stringify(r, null, 2));
    results.push(r);
  }
  writeResults('inbox-browser', { goal: GOAL, results });
}

await main();
