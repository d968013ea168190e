/**
 * `npm run dev`: everything a newcomer needs, in one terminal.
 *   1. the stand-in on NEXT_PUBLIC_SUPABASE_URL (unless something already answers there, e.g. `supabase start`),
 *      on PGlite under .standin/pgdata, so data survives restarts; it applies supabase/seed.sql (the demo data);
 *   2. the Twilio fake on TWILIO_API_BASE_URL (http://127.0.0.1:4010), which answers sends and posts signed
 *      status callbacks back to the app;
 *   3. the app (`next dev`) on http://127.0.0.1:3000;
 * then prints where to log in and the demo credentials.
 *
 * The parts are supervised (dev-supervisor.ts): one that exits is restarted with backoff (0.5 s doubling to 30 s)
 * on the same port, so the others keep working with it once it is back; each exit and restart is reported.
 * Ctrl-C (or SIGTERM) stops everything it started: SIGTERM to each part, SIGKILL after 6 s; a second Ctrl-C kills
 * at once. dev exits 0 when every part stopped on SIGTERM, 1 when one had to be killed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Supervisor, type PartSpec } from './dev-supervisor.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const APP_URL = 'http://127.0.0.1:3000';

const env: NodeJS.ProcessEnv = { ...loadEnvFile('.env.development'), ...loadEnvFile('.env.local'), ...process.env };
env.NEXT_TELEMETRY_DISABLED = '1';
const supabaseUrl = env.NEXT_PUBLIC_SUPABASE_URL ?? 'http://127.0.0.1:54321';

/** Where each part answers once it is up (after a restart too). */
const healthUrls = new Map<string, string>();
const stopping = new AbortController();

const supervisor = new Supervisor({
  // the stand-in bounds its own stop at 5 s and then says what it was stuck on: let that report through first
  graceMs: 6000,
  log: (line) => console.error(line),
  onOutput: (name, stream, line) => {
    if (!line.trim() || line.includes('Node.js 20 and below are deprecated')) return;
    (stream === 'stderr' ? console.error : console.log)(`[${name}] ${line}`);
  },
  onEvent: (event) => {
    if (event.type === 'spawn' && event.run > 1) void reportBack(event.part, event.run);
  },
});

async function main() {
  if (await answers(`${supabaseUrl}/auth/v1/health`)) {
    console.log(`[dev] Supabase already answers on ${supabaseUrl}; not starting the stand-in.`);
  } else {
    const port = new URL(supabaseUrl).port || '54321';
    await startPart(tsxPart('stand-in', 'standin/src/main.ts', ['--port', port]), `${supabaseUrl}/health`, 120_000);
  }
  const fakeUrl = env.TWILIO_API_BASE_URL;
  if (fakeUrl && !(await answers(`${fakeUrl}/health`))) {
    await startPart(tsxPart('twilio-fake', 'tools/twilio-fake/main.ts', ['--port', new URL(fakeUrl).port || '4010']), `${fakeUrl}/health`, 30_000);
  }
  const app: PartSpec = { name: 'app', command: process.execPath, args: [nextBin(), 'dev', '-H', '127.0.0.1', '-p', '3000'], cwd: ROOT, env };
  if (!(await startPart(app, `${APP_URL}/login`, 180_000))) return;
  console.log(
    [
      '',
      '────────────────────────────────────────────────────────────────',
      `  Switchboard is running: ${APP_URL}/login`,
      '  Demo staff (password: password123)',
      '    ana@acme.test, ben@acme.test   Acme Distribution (+14155550100)',
      '    cara@bolt.test                 Bolt Supply (+14155550200)',
      `  Supabase (stand-in)      ${supabaseUrl}`,
      ...(fakeUrl ? [`  Twilio (local fake)      ${fakeUrl}`] : []),
      '  Play a customer:         npm run simulate -- message --body "Hola, ¿tienen stock?"',
      '                           npm run simulate -- media | burst --count 50 --rate 10',
      '  A part that exits is restarted. Ctrl-C stops everything.',
      '────────────────────────────────────────────────────────────────',
      '',
    ].join('\n'),
  );
}

/**
 * Starts a part and waits until it answers on `healthUrl`. One that is not up in time (it keeps crashing, and is
 * being restarted) does not stop the others: dev says so and goes on. False once dev is stopping.
 */
async function startPart(spec: PartSpec, healthUrl: string, timeoutMs: number): Promise<boolean> {
  if (stopping.signal.aborted) return false;
  healthUrls.set(spec.name, healthUrl);
  supervisor.start(spec);
  const up = await waitFor(healthUrl, timeoutMs);
  if (!up && !stopping.signal.aborted) {
    console.error(`[dev] ${spec.name} did not answer on ${healthUrl} within ${timeoutMs / 1000} s; going on (it is restarted while it fails)`);
  }
  return !stopping.signal.aborted;
}

/** After a restart: says when the part answers again (or nothing, if it exits first or dev stops). */
async function reportBack(name: string, run: number) {
  const url = healthUrls.get(name);
  if (!url) return;
  const pid = supervisor.pid(name);
  const deadline = Date.now() + 180_000;
  while (!stopping.signal.aborted && supervisor.pid(name) === pid && Date.now() < deadline) {
    if (await answers(url)) {
      console.error(`[dev] ${name} is back (run ${run}) on ${new URL(url).origin}`);
      return;
    }
    await delay(250);
  }
}

function tsxPart(name: string, script: string, args: string[]): PartSpec {
  // `node --import tsx`, not tsx's CLI: its CLI runs the script in a second process that a SIGKILL would orphan
  return { name, command: process.execPath, args: ['--import', 'tsx', script, ...args], cwd: ROOT, env };
}

let signals = 0;
function onSignal(signal: NodeJS.Signals) {
  if (++signals > 1) {
    console.error(`[dev] ${signal} again: killing everything now`);
    supervisor.killAll();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  }
  void shutdown(`${signal}: stopping everything`, 0);
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
// the last line of defence (an uncaught error, process.exit elsewhere): no part outlives dev
process.on('exit', () => supervisor.killAll());

async function shutdown(why: string, code: number) {
  if (stopping.signal.aborted) return;
  stopping.abort();
  console.error(`\n[dev] ${why} (Ctrl-C again to kill at once)`);
  const { forced } = await supervisor.stop();
  process.exit(forced.length > 0 ? 1 : code);
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.any([AbortSignal.timeout(1500), stopping.signal]) });
    return res.status < 500;
  } catch {
    return false;
  }
}

/** True once `url` answers; false after `timeoutMs` or when dev is stopping. */
async function waitFor(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping.signal.aborted) {
    if (await answers(url)) return true;
    await delay(250);
  }
  return false;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function nextBin(): string {
  return path.join(ROOT, 'node_modules/next/dist/bin/next');
}

function loadEnvFile(file: string): Record<string, string> {
  const full = path.join(ROOT, file);
  if (!fs.existsSync(full)) return {};
  const out: Record<string, string> = {};
  for (const line of fs.readFileSync(full, 'utf8').split('\n')) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*)\s*$/.exec(line);
    if (m) out[m[1]!] = m[2]!.replace(/^(['"])(.*)\1$/, '$2');
  }
  return out;
}

main().catch(async (error: Error) => {
  console.error(`[dev] ${error.message}`);
  await shutdown('stopping everything after that error', 1);
});
