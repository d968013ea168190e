/**
 * Webhook benchmark (issue 4): signed inbound WhatsApp webhooks per second into `next start` against the stand-in,
 * on PostgreSQL and on PGlite, beside the same server answering a trivial route (GET /api/health) as the baseline.
 *
 * Each backend gets its own stack (stand-in process, Twilio fake, `next start`: tests/e2e/stack.ts); the load comes from this process over
 * keep-alive HTTP. Open-loop steps (100 → 1000/s, 5 s each) report response time p50/p99 and the rate achieved;
 * a closed-loop run (32 in flight) reports the maximum. Every webhook is a new MessageSid from one of 200
 * customers, so each one writes a message row (and updates its conversation) in one transaction.
 *
 *   node --import tsx bench/webhooks.ts [--backend postgres|pglite|both] [--quick] [--no-build]
 */
import { startStack } from '../tests/e2e/stack.ts';
import { startPostgresCluster, type PostgresCluster } from '../tests/helpers/postgres-cluster.ts';
import buildForE2e from '../tests/setup/e2e-build.ts';
import { DEMO_AUTH_TOKEN, inboundParams, signature } from '../tools/twilio-fake/webhooks.ts';
import { summarize, writeResults } from './stats.ts';

const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const backendArg = argv.includes('--backend') ? argv[argv.indexOf('--backend') + 1] : 'both';
const BACKENDS: Array<'postgres' | 'pglite'> = backendArg === 'both' ? ['postgres', 'pglite'] : [backendArg as 'postgres' | 'pglite'];
const STEP_SECONDS = QUICK ? 2 : 5;
const RATES = [100, 250, 500, 750, 1000];
const GOAL = { ratePerSecond: 500, p99Ms: 100 };
const ACME = '+14155550100';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Job = () => Promise<number>;

/** Issues `rate` requests per second for `seconds` (open loop: the schedule does not wait for answers). */
async function openLoop(makeJob: (i: number) => Job, rate: number, seconds: number) {
  const total = rate * seconds;
  const jobs = Array.from({ length: total }, (_, i) => makeJob(i));
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const t0 = performance.now();
    inflight.push(
      jobs[i]!().then(
        (status) => {
          latencies.push(performance.now() - t0);
          statuses[status] = (statuses[status] ?? 0) + 1;
        },
        () => {
          statuses.error = (statuses.error ?? 0) + 1;
        },
      ),
    );
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - started) / 1000;
  return { targetPerSecond: rate, achievedPerSecond: Math.round(total / elapsed), statuses, responseMs: summarize(latencies) };
}

/** Keeps `concurrency` requests in flight for `seconds`; reports the throughput reached. */
async function closedLoop(makeJob: (i: number) => Job, concurrency: number, seconds: number) {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let i = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const job = makeJob(i++);
        const t0 = performance.now();
        try {
          const status = await job();
          statuses[status] = (statuses[status] ?? 0) + 1;
        } catch {
          statuses.error = (statuses.error ?? 0) + 1;
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { concurrency, perSecond: Math.round(latencies.length / ((performance.now() - started) / 1000)), statuses, responseMs: summarize(latencies) };
}

async function runBackend(backend: 'postgres' | 'pglite') {
  let cluster: PostgresCluster | undefined;
  if (backend === 'postgres') cluster = await startPostgresCluster({ durable: true });
  // the same stack as the end-to-end tests, on in-memory PGlite for the PGlite run
  const stack = await startStack({ db: cluster?.url ?? 'memory' });
  const { appUrl } = stack;
  try {
    const inboundUrl = `${appUrl}/api/twilio/inbound`;
    const customers = Array.from({ length: 200 }, (_, i) => `+1555${String(1_000_000 + i).padStart(7, '0')}`);
    const webhook = (i: number): Job => {
      const params = inboundParams({ to: ACME, from: customers[i % customers.length]!, body: `Hola, ¿tienen stock? (#${i})`, profileName: `Customer ${i % 200}` });
      const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature(DEMO_AUTH_TOKEN, inboundUrl, params) };
      const body = new URLSearchParams(params).toString();
      return async () => {
        const res = await fetch(inboundUrl, { method: 'POST', headers, body });
        await res.arrayBuffer();
        return res.status;
      };
    };
    const health = (): Job => async () => {
      const res = await fetch(`${appUrl}/api/health`);
      await res.arrayBuffer();
      return res.status;
    };

    console.log(`\n== ${backend}: warm-up`);
    await closedLoop(webhook, 8, QUICK ? 2 : 4);
    await closedLoop(health, 8, 1);

    const steps: Record<string, unknown>[] = [];
    for (const rate of RATES) {
      const base = await openLoop(health, rate, STEP_SECONDS);
      const hooks = await openLoop(webhook, rate, STEP_SECONDS);
      steps.push({ rate, baseline: base, webhooks: hooks });
      console.log(
        `${backend.padEnd(9)} ${String(rate).padStart(5)}/s  webhooks: ${hooks.achievedPerSecond}/s p50 ${hooks.responseMs.p50.toFixed(1)} ms p99 ${hooks.responseMs.p99.toFixed(1)} ms ${JSON.stringify(hooks.statuses)}` +
          `   baseline: p50 ${base.responseMs.p50.toFixed(1)} ms p99 ${base.responseMs.p99.toFixed(1)} ms`,
      );
      if (hooks.responseMs.p99 > 1000 || Object.keys(hooks.statuses).some((s) => s !== '200')) break;
    }
    const maxWebhooks = await closedLoop(webhook, 32, STEP_SECONDS);
    const maxBaseline = await closedLoop(health, 32, STEP_SECONDS);
    console.log(`${backend.padEnd(9)} closed loop (32 in flight): webhooks ${maxWebhooks.perSecond}/s (p99 ${maxWebhooks.responseMs.p99.toFixed(1)} ms), baseline ${maxBaseline.perSecond}/s`);
    const sustained = steps
      .map((s) => s.webhooks as Awaited<ReturnType<typeof openLoop>>)
      .filter((w) => w.responseMs.p99 <= GOAL.p99Ms && Object.keys(w.statuses).every((k) => k === '200') && w.achievedPerSecond >= w.targetPerSecond * 0.95)
      .map((w) => w.targetPerSecond);
    return { backend, steps, closedLoop: { webhooks: maxWebhooks, baseline: maxBaseline }, sustainedPerSecondWithP99Under100ms: Math.max(0, ...sustained) };
  } finally {
    await stack.stop();
    await cluster?.stop();
  }
}

async function main() {
  if (!argv.includes('--no-build')) buildForE2e(); // the production build, into .next-e2e (a running `npm run dev` keeps .next)
  const results = [];
  for (const backend of BACKENDS) results.push(await runBackend(backend));
  writeResults('webhooks', { quick: QUICK, goal: GOAL, results });
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
