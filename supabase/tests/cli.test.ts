// The real Supabase CLI (the pinned dev dependency) against the database the stand-in migrated: the run's throwaway
// PostgreSQL server (postgres project only; PGlite has no server to connect to). What `npm run db:lint` and
// `npm run db:push` do against a hosted project, checked here on every run.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { startOwnStandin, type OwnStandin } from '../../standin/test/helpers/own-standin.ts';
import {
  cliJson,
  cliWorkdir,
  FIXTURE_MIGRATIONS_DIR,
  MIGRATIONS_DIR,
  migrationVersions,
  requireExtension,
  supabaseCli,
  withParam,
} from './helpers/tools.ts';

interface LintReport {
  results: { function: string; issues: { level: string; message: string; sqlState?: string }[] }[];
}
interface MigrationList {
  migrations: { local: string; remote: string; time: string }[];
}
interface HistoryRow {
  version: string;
  name: string;
  statements: string[];
}

const serverUrl = inject('postgresUrl');
/** The database the run's stand-in serves (tests/setup/standin-postgres.ts), as the CLI takes it. */
const dbUrl = serverUrl ? withParam(serverUrl, 'sslmode', 'disable') : '';
const lintArgs = (url: string) => ['db', 'lint', '--db-url', url, '--schema', 'public', '--fail-on', 'warning', '--output-format', 'json'];

async function history(url: string): Promise<HistoryRow[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await sql<HistoryRow[]>`select version, name, statements from supabase_migrations.schema_migrations order by version`;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** What `migration list` printed, by version: where each one is (local file, remote history, both). */
async function migrationList(workdir: string, url: string): Promise<Map<string, 'both' | 'local' | 'remote'>> {
  const result = await supabaseCli(workdir, ['migration', 'list', '--db-url', url, '--output-format', 'json']);
  expect(result.code, result.stderr).toBe(0);
  const { migrations } = cliJson<MigrationList>(result, 'supabase migration list');
  expect(Array.isArray(migrations), result.stdout).toBe(true);
  const where = new Map<string, 'both' | 'local' | 'remote'>();
  for (const m of migrations) {
    const local = m.local.trim();
    const remote = m.remote.trim();
    if (local && remote) expect(local, `a row pairs two versions: ${JSON.stringify(m)}`).toBe(remote);
    where.set(local || remote, local && remote ? 'both' : local ? 'local' : 'remote');
  }
  return where;
}

describe.skipIf(inject('backend') !== 'postgres')('the Supabase CLI on the database the stand-in migrated', () => {
  let workdir: ReturnType<typeof cliWorkdir>;
  beforeAll(() => {
    workdir = cliWorkdir();
  });
  afterAll(() => workdir?.remove());

  test('db lint: no warning in the public schema', async () => {
    // the CLI creates plpgsql_check itself, in a transaction it rolls back; the server only needs it installed
    await requireExtension(serverUrl!, 'plpgsql_check');
    const result = await supabaseCli(workdir.dir, lintArgs(dbUrl));
    const report = cliJson<LintReport>(result, 'supabase db lint');
    expect(report.results, 'plpgsql_check findings in public').toEqual([]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('Linting schema: public');
  });

  test('db lint fails on a warning (it checks something)', async () => {
    await requireExtension(serverUrl!, 'plpgsql_check');
    const name = `lint_probe_${randomBytes(4).toString('hex')}`;
    const admin = postgres(serverUrl!, { max: 1, onnotice: () => {} });
    const probeUrl = new URL(serverUrl!);
    probeUrl.pathname = `/${name}`;
    try {
      await admin.unsafe(`create database ${name}`);
      const probe = postgres(probeUrl.toString(), { max: 1, onnotice: () => {} });
      await probe.unsafe(`create function public.probe() returns int language plpgsql as $$ declare unused int; begin return 1; end $$`);
      await probe.end();
      const result = await supabaseCli(workdir.dir, lintArgs(withParam(probeUrl.toString(), 'sslmode', 'disable')));
      expect(result.code).not.toBe(0);
      expect(cliJson<LintReport>(result, 'supabase db lint').results).toEqual([
        { function: 'public.probe', issues: [{ level: 'warning', message: 'unused variable "unused"', sqlState: '00000' }] },
      ]);
    } finally {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });

  test('migration list: every migration is applied, locally and remotely', async () => {
    const where = await migrationList(workdir.dir, dbUrl);
    const app = migrationVersions(MIGRATIONS_DIR);
    expect(app.length).toBeGreaterThan(0);
    for (const version of app) expect(where.get(version), `migration ${version}`).toBe('both');
    // the test stand-in also applies the test-only fixtures, which the CLI sees as remote only
    const extra = [...where].filter(([v]) => !app.includes(v));
    expect(extra).toEqual(migrationVersions(FIXTURE_MIGRATIONS_DIR).map((v) => [v, 'remote']));
  });

  describe('db push on a database the stand-in has only bootstrapped', () => {
    // A stand-in of its own with no migrations: the platform (roles, auth, vault, realtime) and nothing else. The
    // CLI then pushes the app's migrations there, and the history it writes must be the one the stand-in wrote.
    let own: OwnStandin;
    let emptyProject: string;
    let pushedUrl: string;
    beforeAll(async () => {
      emptyProject = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-empty-project-'));
      own = await startOwnStandin({ projectDir: emptyProject, seed: false });
      const db = own.standin.options.db;
      if (db.kind !== 'postgres') throw new Error('expected a PostgreSQL database');
      pushedUrl = withParam(db.url, 'sslmode', 'disable');
    }, 90_000);
    afterAll(async () => {
      await own?.destroy();
      if (emptyProject) fs.rmSync(emptyProject, { recursive: true, force: true });
    });

    test('pushes every migration, then lists each as applied on both sides', async () => {
      const pushed = await supabaseCli(workdir.dir, ['db', 'push', '--db-url', pushedUrl, '--yes']);
      expect(pushed.code, `${pushed.stdout}\n${pushed.stderr}`).toBe(0);
      for (const file of fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql'))) expect(`${pushed.stdout}${pushed.stderr}`).toContain(`Applying migration ${file}`);
      const where = await migrationList(workdir.dir, pushedUrl);
      expect([...where]).toEqual(migrationVersions(MIGRATIONS_DIR).map((v) => [v, 'both']));
      // the stand-in's history for the same files is row for row what the CLI wrote
      const app = new Set(migrationVersions(MIGRATIONS_DIR));
      const byStandin = (await history(serverUrl!)).filter((r) => app.has(r.version));
      expect(byStandin).toEqual(await history(pushedUrl));
      // and a second push finds nothing to do
      const again = await supabaseCli(workdir.dir, ['db', 'push', '--db-url', pushedUrl, '--yes']);
      expect(again.code, again.stderr).toBe(0);
      expect(`${again.stdout}${again.stderr}`).toContain('Remote database is up to date');
    });
  });
});
