import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, URL as NodeURL } from 'node:url';
import type { Database } from './database.ts';
import { SEARCH_PATH } from './database.ts';
import { splitStatements } from './statements.ts';

const BOOTSTRAP_SQL = fs.readFileSync(fileURLToPath(new NodeURL('./bootstrap.sql', import.meta.url)), 'utf8');
const MIGRATION_FILE = /^(\d+)_(.+)\.sql$/;
const SEED_PATH = 'supabase/seed.sql';

export interface PrepareResult {
  applied: string[];
  seeded: boolean;
}

/** Creates the Supabase platform objects (roles, schemas, auth helpers, realtime, publication). Idempotent. */
export async function bootstrap(db: Database): Promise<void> {
  await db.execScript(BOOTSTRAP_SQL);
}

/**
 * Applies `supabase/migrations/*.sql` not yet recorded in `supabase_migrations.schema_migrations` (the Supabase
 * CLI's history table, with the rows `supabase db push` writes: version, name and the file's statements as the CLI
 * splits them, so `supabase migration list` and `db push` read the same thing), each file in its own transaction,
 * then `supabase/seed.sql` once per database (recorded in `supabase_migrations.seed_files`, as the CLI does).
 */
export async function migrate(
  db: Database,
  projectDir: string,
  options: { seed: boolean; extraMigrationDirs?: readonly string[] },
): Promise<PrepareResult> {
  const dirs = [path.join(projectDir, 'supabase/migrations'), ...(options.extraMigrationDirs ?? [])];
  const files = dirs
    .flatMap((dir) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => MIGRATION_FILE.test(f)).map((f) => ({ dir, f })) : []))
    .sort((a, b) => a.f.localeCompare(b.f));
  const done = new Set(
    (await db.query<{ version: string }>('select version from supabase_migrations.schema_migrations')).map((r) => r.version),
  );
  const available = new Set(
    (await db.query<{ name: string }>('select name from pg_available_extensions')).map((r) => r.name),
  );
  const applied: string[] = [];
  for (const { dir, f: file } of files) {
    const [, version, name] = MIGRATION_FILE.exec(file)!;
    if (done.has(version!)) continue;
    const source = fs.readFileSync(path.join(dir, file), 'utf8');
    const script = withoutUnavailableExtensions(source, available);
    // the history row the CLI writes: the file as written, cut into statements as the CLI cuts it
    await runScript(db, path.relative(projectDir, path.join(dir, file)), script, (q) =>
      q('insert into supabase_migrations.schema_migrations (version, name, statements) values ($1, $2, $3)', [version, name, splitStatements(source)]),
    );
    applied.push(file);
  }

  let seeded = false;
  const seedFile = path.join(projectDir, SEED_PATH);
  if (options.seed && fs.existsSync(seedFile)) {
    const already = await db.query('select 1 from supabase_migrations.seed_files where path = $1', [SEED_PATH]);
    if (already.length === 0) {
      const script = fs.readFileSync(seedFile, 'utf8');
      const hash = createHash('sha256').update(script).digest('hex');
      await runScript(db, SEED_PATH, script, (q) =>
        q('insert into supabase_migrations.seed_files (path, hash) values ($1, $2)', [SEED_PATH, hash]),
      );
      seeded = true;
    }
  }
  return { applied, seeded };
}

async function runScript(db: Database, label: string, script: string, record: (q: Parameters<Parameters<Database['transaction']>[0]>[0]) => Promise<unknown>) {
  try {
    await db.transaction(async (q, exec) => {
      await q(`select set_config('search_path', '${SEARCH_PATH}', true)`);
      await exec(script);
      await record(q);
    });
  } catch (error) {
    throw new MigrationError(label, script, error as Error & { position?: string | number; code?: string });
  }
}

/**
 * Supabase-only extensions (pg_graphql, pg_net, pgsodium, …) appear in dumps and CLI migrations but exist in
 * neither PGlite nor a stock PostgreSQL; their `create extension` statements become comments. Anything that
 * then uses them still fails, loudly, at its own line.
 */
export function withoutUnavailableExtensions(script: string, available: ReadonlySet<string>): string {
  return script.replace(/create\s+extension\s+(?:if\s+not\s+exists\s+)?("?)([\w-]+)\1[^;]*;/gi, (stmt, _q, name: string) =>
    available.has(name.toLowerCase()) ? stmt : `/* stand-in: extension "${name}" is not available here */`,
  );
}

export class MigrationError extends Error {
  readonly code?: string;
  constructor(label: string, script: string, cause: Error & { position?: string | number; code?: string }) {
    const pos = Number(cause.position);
    const line = Number.isFinite(pos) && pos > 0 ? script.slice(0, pos).split('\n').length : undefined;
    super(`${label}${line ? `:${line}` : ''}: ${cause.message}${cause.code ? ` (${cause.code})` : ''}`, { cause });
    this.name = 'MigrationError';
    this.code = cause.code;
  }
}
