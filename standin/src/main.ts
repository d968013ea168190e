/**
 * `npm run stack` — the stand-in on http://127.0.0.1:54321.
 *   --port N              port (default 54321; STANDIN_PORT)
 *   --db memory           in-memory PGlite (data is gone when it stops)
 *   --db <dir>            PGlite on disk (default .standin/pgdata; data survives restarts)
 *   --db postgres://…     a PostgreSQL server; the stand-in bootstraps it
 *   --no-seed             skip supabase/seed.sql
 *   --log silent|info|debug
 * Vault's root key comes from STANDIN_VAULT_KEY (no flag: a command line is visible to every user).
 */
import { describeDatabase, parseConfig } from './config.ts';
import { startStandin } from './index.ts';

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
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (options.log !== 'silent') console.log(`\n${signal}: stopping the stand-in`);
    await standin.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // Node ends the process on a promise rejection nobody handled; every request path handles its own (the API
  // handler answers a generic 500), so one that slips through is a bug to log loudly, not a reason for every
  // other client's server to go away. (Tests run the stand-in in-process, where vitest reports these instead.)
  process.on('unhandledRejection', (reason) => {
    console.error('[standin] BUG: a promise rejection nobody handled (still serving):', reason);
  });
}

const HELP = `Usage: npm run stack -- [--port N] [--db memory|<dir>|postgres://…] [--no-seed] [--log silent|info|debug]`;

main().catch((error: Error) => {
  console.error(`stand-in failed to start: ${error.message}`);
  process.exit(1);
});
