/**
 * `npm run dev`: everything a newcomer needs, in one terminal.
 *   1. the stand-in on NEXT_PUBLIC_SUPABASE_URL (unless something already answers there, e.g. `supabase start`),
 *      on PGlite under .standin/pgdata, so data survives restarts;
 *   2. the Twilio fake on TWILIO_API_BASE_URL (http://127.0.0.1:4010), which answers sends and posts signed
 *      status callbacks back to the app;
 *   3. the app (`next dev`) on http://127.0.0.1:3000;
 * then prints where to log in and the demo credentials. Ctrl-C stops everything it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const APP_URL = 'http://127.0.0.1:3000';

const env: NodeJS.ProcessEnv = { ...loadEnvFile('.env.development'), ...loadEnvFile('.env.local'), ...process.env };
env.NEXT_TELEMETRY_DISABLED = '1';
const supabaseUrl = env.NEXT_PUBLIC_SUPABASE_URL ?? 'http://127.0.0.1:54321';
const children: ChildProcess[] = [];

async function main() {
  if (await answers(`${supabaseUrl}/auth/v1/health`)) {
    console.log(`[dev] Supabase already answers on ${supabaseUrl}; not starting the stand-in.`);
  } else {
    const port = new URL(supabaseUrl).port || '54321';
    start('stand-in', 'node', [tsx(), 'standin/src/main.ts', '--port', port]);
    await waitFor(`${supabaseUrl}/health`, 'the stand-in', 120_000);
  }
  const fakeUrl = env.TWILIO_API_BASE_URL;
  if (fakeUrl && !(await answers(`${fakeUrl}/health`))) {
    start('twilio-fake', 'node', [tsx(), 'tools/twilio-fake/main.ts', '--port', new URL(fakeUrl).port || '4010']);
    await waitFor(`${fakeUrl}/health`, 'the Twilio fake', 30_000);
  }
  start('app', 'node', [nextBin(), 'dev', '-H', '127.0.0.1', '-p', '3000']);
  await waitFor(`${APP_URL}/login`, 'the app', 180_000);
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
      '  Ctrl-C stops everything.',
      '────────────────────────────────────────────────────────────────',
      '',
    ].join('\n'),
  );
}

function start(name: string, command: string, args: string[]) {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = (chunk: Buffer) =>
    chunk
      .toString()
      .split('\n')
      .filter((line) => line.trim() && !line.includes('Node.js 20 and below are deprecated'))
      .map((line) => `[${name}] ${line}`)
      .join('\n');
  child.stdout!.on('data', (c: Buffer) => {
    const text = prefix(c);
    if (text) console.log(text);
  });
  child.stderr!.on('data', (c: Buffer) => {
    const text = prefix(c);
    if (text) console.error(text);
  });
  child.on('exit', (code, signal) => {
    if (shuttingDown) return;
    console.error(`[dev] ${name} exited (${signal ?? code}); stopping.`);
    void shutdown(1);
  });
  children.push(child);
}

let shuttingDown = false;
async function shutdown(code: number) {
  if (shuttingDown) return;
  shuttingDown = true;
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1500) });
    return res.status < 500;
  } catch {
    return false;
  }
}

async function waitFor(url: string, what: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await answers(url)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not come up on ${url} within ${timeoutMs / 1000} s`);
}

function tsx(): string {
  return path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');
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
  await shutdown(1);
});
