/**
 * `npm run stack` — the stand-in on http://127.0.0.1:54321.
 *   --port N              port (default 54321; STANDIN_PORT)
 *   --db memory           in-memory PGlite (data is gone when it stops)
 *   --db <dir>            PGlite on disk (default .standin/pgdata; data survives restarts)
 *   --db postgres://…     a PostgreSQL server; the stand-in bootstraps it
 *   --no-seed             skip supabase/seed.sql
 *   --log silent|info|debug
 * Vault's root key comes from STANDIN_VAULT_KEY (no flag: a command line is visible to every user).
 *
 * SIGINT/SIGTERM close the stand-in and exit 0. The stop is bounded: a close that has not finished after
 * STOP_DEADLINE_MS is reported (what was still pending) and the process exits 1 anyway, because a supervisor
 * (`npm run dev`, a test) waiting on it would otherwise wait for ever; a second signal exits at once (128 + signal).
 */
import os from 'node:os';
import { describeDatabase, parseConfig } from './config.ts';
import { startStandin, type Standin } from './index.ts';

async function main() {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    console.log(HELP);
    return;
  }
  const options = parseConfig(argv, process.env);
  const standin = await startStandin(options);
  if (options.log !== 'silent') {
    const { url, keys, startup } = standin;
    console.log(
      [
        `Switchboard stand-in ready in ${startup.readyMs} ms on ${describeDatabase(options.db)}`,
        startup.migrationsApplied.length ? `  migrations applied: ${startup.migrationsApplied.join(', ')}` : '  migrations: up to date',
        startup.seeded ? '  seed: supabase/seed.sql applied' : '  seed: already applied (or --no-seed)',
        '',
        `  API URL          ${url}`,
        `  REST             ${url}/rest/v1`,
        `  Auth             ${url}/auth/v1`,
        `  Realtime         ${url.replace(/^http/, 'ws')}/realtime/v1`,
        `  Publishable key  ${keys.publishable}`,
        `  Secret key       ${keys.secret}`,
        `  anon key         ${keys.anon}`,
        `  service_role key ${keys.serviceRole}`,
        `  JWT secret       ${keys.jwtSecret}`,
      ].join('\n'),
    );
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.error(`${signal} again: exiting now`);
      process.exit(128 + os.constants.signals[signal]);
    }
    stopping = true;
    if (options.log !== 'silent') console.log(`\n${signal}: stopping the stand-in`);
    const started = performance.now();
    const steps = watchSteps(standin);
    setTimeout(() => {
      console.error(
        `[standin] still stopping after ${STOP_DEADLINE_MS / 1000} s; exiting anyway. ${steps.describe()}; active: ${activeResources()}`,
      );
      process.exit(1);
    }, STOP_DEADLINE_MS);
    standin.close().then(
      () => {
        if (options.log === 'debug') console.log(`[standin] stopped in ${Math.round(performance.now() - started)} ms`);
        process.exit(0);
      },
      (error: unknown) => {
        console.error('[standin] stopping failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Node ends the process on a promise rejection nobody handled; every request path handles its own (the API
  // handler answers a generic 500), so one that slips through is a bug to log loudly, not a reason for every
  // other client's server to go away. (Tests run the stand-in in-process, where vitest reports these instead.)
  process.on('unhandledRejection', (reason) => {
    console.error('[standin] BUG: a promise rejection nobody handled (still serving):', reason);
  });
}

/** How long a stop may take before the process exits regardless. */
const STOP_DEADLINE_MS = 5000;

/**
 * Times the close steps the Standin exposes (its realtime server and database; `close()` calls them through these
 * objects, first and last; the RPC fast path and the HTTP server close in between), so that a stop that overruns
 * can say where it is stuck.
 */
function watchSteps(standin: Standin): { describe(): string } {
  const steps: Array<{ label: string; started?: number; ended?: number }> = [];
  const watch = (label: string, target: { close(): Promise<void> }) => {
    const step: (typeof steps)[number] = { label };
    steps.push(step);
    const close = target.close.bind(target);
    target.close = () => {
      step.started = performance.now();
      return close().finally(() => (step.ended = performance.now()));
    };
  };
  watch('realtime.close()', standin.realtime);
  watch('db.close()', standin.db);
  const ms = (from: number, to: number) => `${Math.round(to - from)} ms`;
  return {
    describe: () =>
      steps
        .map(({ label, started, ended }) =>
          started === undefined ? `${label} not reached` : ended === undefined ? `${label} PENDING for ${ms(started, performance.now())}` : `${label} done in ${ms(started, ended)}`,
        )
        .join(', '),
  };
}

/** What keeps the event loop busy, e.g. "TCPSocketWrap×3, Timeout×2". */
function activeResources(): string {
  const counts = new Map<string, number>();
  for (const name of process.getActiveResourcesInfo()) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts].map(([name, n]) => `${name}×${n}`).join(', ') || 'nothing';
}

const HELP = `Usage: npm run stack -- [--port N] [--db memory|<dir>|postgres://…] [--no-seed] [--log silent|info|debug]`;

main().catch((error: Error) => {
  console.error(`stand-in failed to start: ${error.message}`);
  process.exit(1);
});
