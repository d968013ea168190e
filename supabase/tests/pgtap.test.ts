// Runs the pgTAP files of supabase/tests/database with pg_prove against the run's throwaway PostgreSQL server, on the
// database the stand-in migrated (postgres project only). `supabase test db` runs the same files unchanged where
// Docker is available; like it, this enables pgTAP in the extensions schema for the run and drops it afterwards if
// it was not there before. The helpers file (00000_test_helpers.test.sql: the schema `tests`, which it commits)
// runs first, in beforeAll, as `supabase test db` runs it first by its name; the schema is dropped afterwards if
// this run created it. Every other file is one test here (in any order: each seeds its world and rolls back); its
// TAP output is the failure message.
import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { requireExtension, ROOT, runTool } from './helpers/tools.ts';

const DATABASE_TESTS = path.join(ROOT, 'supabase/tests/database');
const HELPERS = '00000_test_helpers.test.sql';
const files = fs.existsSync(DATABASE_TESTS) ? fs.readdirSync(DATABASE_TESTS).filter((f) => f.endsWith('.sql') && f !== HELPERS).sort() : [];
const serverUrl = inject('postgresUrl');
const PG_PROVE = "pg_prove comes with Debian's libtap-parser-sourcehandler-pgtap-perl: apt-get install libtap-parser-sourcehandler-pgtap-perl (.ci/run installs it when missing)";

interface Tap {
  planned: number | null;
  results: { ok: boolean; n: number; description: string }[];
}

/** The plan and the test lines of a TAP stream (pg_prove --verbose); everything else (diagnostics, psql output) is context. */
function parseTap(output: string): Tap {
  const tap: Tap = { planned: null, results: [] };
  for (const line of output.split('\n')) {
    const plan = /^1\.\.(\d+)/.exec(line);
    if (plan) tap.planned = Number(plan[1]);
    const result = /^(not )?ok (\d+)(?: - (.*))?$/.exec(line);
    if (result) tap.results.push({ ok: !result[1], n: Number(result[2]), description: result[3] ?? '' });
  }
  return tap;
}

/** Runs one pgTAP file with pg_prove; the failures, plan and exit code are checked by checkTap. */
async function prove(file: string): Promise<{ tap: Tap; output: string; code: number }> {
  const result = await runTool('pg_prove', ['--dbname', serverUrl!, '--verbose', '--nocolor', path.join(DATABASE_TESTS, file)], { install: PG_PROVE });
  return { tap: parseTap(result.stdout), output: `${result.stdout}${result.stderr}`, code: result.code };
}

function checkTap(file: string, { tap, output, code }: { tap: Tap; output: string; code: number }): void {
  const failed = tap.results.filter((r) => !r.ok).map((r) => `not ok ${r.n} - ${r.description}`);
  expect(failed, output).toEqual([]);
  expect(tap.planned, `no plan in the output of ${file}:\n${output}`).not.toBeNull();
  expect(tap.results.length, `planned ${tap.planned}, ran ${tap.results.length}:\n${output}`).toBe(tap.planned);
  expect(code, output).toBe(0);
}

describe.skipIf(inject('backend') !== 'postgres')('pgTAP: supabase/tests/database', () => {
  let createdPgtap = false;
  let createdTests = false;

  beforeAll(async () => {
    await runTool('pg_prove', ['--version'], { install: PG_PROVE });
    await runTool('psql', ['--version'], { install: 'pg_prove runs psql: apt-get install postgresql-client' });
    await requireExtension(serverUrl!, 'pgtap');
    const sql = postgres(serverUrl!, { max: 1, onnotice: () => {} });
    try {
      createdPgtap = (await sql`select 1 from pg_extension where extname = 'pgtap'`).length === 0;
      await sql`create extension if not exists pgtap with schema extensions`;
      createdTests = (await sql`select 1 from pg_namespace where nspname = 'tests'`).length === 0;
    } finally {
      await sql.end({ timeout: 1 });
    }
    expect(fs.existsSync(path.join(DATABASE_TESTS, HELPERS)), `the shared pgTAP helpers, supabase/tests/database/${HELPERS}, are missing`).toBe(true);
    checkTap(HELPERS, await prove(HELPERS));
  });

  afterAll(async () => {
    if (!createdPgtap && !createdTests) return;
    const sql = postgres(serverUrl!, { max: 1, onnotice: () => {} });
    try {
      if (createdTests) await sql`drop schema if exists tests cascade`;
      if (createdPgtap) await sql`drop extension if exists pgtap`;
    } finally {
      await sql.end({ timeout: 1 });
    }
  });

  test('there are pgTAP files', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  test.each(files)('%s', async (file) => {
    checkTap(file, await prove(file));
  });
});
