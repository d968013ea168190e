import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startOwnStandin, type OwnStandin } from './helpers/own-standin.ts';

// The migration history the stand-in leaves is the one the Supabase CLI writes (`supabase db push`): one row per
// file in supabase_migrations.schema_migrations with its version, its name and its statements as the CLI cuts them,
// of the file as written. The expected rows are what Supabase CLI 2.117.0 stored for these files (the app's suite
// supabase/tests/cli.test.ts compares the two for the app's own migrations with the real CLI).
const FILES = {
  '20250101000000_first.sql': [
    '-- a comment at the top',
    "create table public.history_t (id int primary key, note text default 'a;b');",
    '',
    '/* block comment; with a semicolon */',
    'create function public.history_f() returns int language plpgsql as $$',
    'begin',
    '  return 1; -- inside',
    'end;',
    '$$;',
    "insert into public.history_t values (1, 'x;y');",
    '',
  ].join('\n'),
  // an extension neither PGlite nor a stock PostgreSQL has: the stand-in skips it, the history keeps it
  '20250102000000_second_one.sql': 'create extension if not exists pg_net;\nalter table public.history_t add column c int;\n',
};
const EXPECTED = [
  {
    version: '20250101000000',
    name: 'first',
    statements: [
      "-- a comment at the top\ncreate table public.history_t (id int primary key, note text default 'a;b')",
      '/* block comment; with a semicolon */\ncreate function public.history_f() returns int language plpgsql as $$\nbegin\n  return 1; -- inside\nend;\n$$',
      "insert into public.history_t values (1, 'x;y')",
    ],
  },
  { version: '20250102000000', name: 'second_one', statements: ['create extension if not exists pg_net', 'alter table public.history_t add column c int'] },
];

let projectDir: string;
let own: OwnStandin;
let firstApplied: string[];

beforeAll(async () => {
  projectDir = fs.mkdtempSync(path.join(os.tmpdir(), 'standin-history-'));
  fs.mkdirSync(path.join(projectDir, 'supabase/migrations'), { recursive: true });
  for (const [file, sql] of Object.entries(FILES)) fs.writeFileSync(path.join(projectDir, 'supabase/migrations', file), sql);
  own = await startOwnStandin({ projectDir, seed: false });
  firstApplied = own.standin.startup.migrationsApplied;
}, 90_000);
afterAll(async () => {
  await own?.destroy();
  if (projectDir) fs.rmSync(projectDir, { recursive: true, force: true });
});

const history = () =>
  own.standin.db.query<{ version: string; name: string; statements: string[] }>(
    'select version, name, statements from supabase_migrations.schema_migrations order by version',
  );

describe('migration history', () => {
  test('one row per file, with the statements the CLI records', async () => {
    expect(firstApplied).toEqual(Object.keys(FILES));
    expect(await history()).toEqual(EXPECTED);
  });

  test('the history table has the columns the CLI reads and writes', async () => {
    const columns = await own.standin.db.query<{ column_name: string; data_type: string; is_nullable: string }>(
      `select column_name, data_type, is_nullable from information_schema.columns
        where table_schema = 'supabase_migrations' and table_name = 'schema_migrations' and column_name in ('version', 'name', 'statements')
        order by column_name`,
    );
    expect(columns).toEqual([
      { column_name: 'name', data_type: 'text', is_nullable: 'YES' },
      { column_name: 'statements', data_type: 'ARRAY', is_nullable: 'YES' },
      { column_name: 'version', data_type: 'text', is_nullable: 'NO' },
    ]);
  });

  test('a restart applies nothing again and leaves the history as it was', async () => {
    const again = await own.restart();
    expect(again.startup.migrationsApplied).toEqual([]);
    expect(await history()).toEqual(EXPECTED);
  });
});
