// What the database suites run besides vitest: the Supabase CLI (npm dev dependency `supabase`, pinned), pg_prove and
// psql (Debian), and PostgreSQL extensions the throwaway server must have (plpgsql_check, pgTAP). A missing one fails
// with what to install (.ci/run installs them all), never with a spawn error or the CLI's own words for it.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
export const MIGRATIONS_DIR = path.join(ROOT, 'supabase/migrations');
/** Test-only migrations the app's test stand-in applies as well (tests/setup/boot-standin.ts). */
export const FIXTURE_MIGRATIONS_DIR = path.join(ROOT, 'tests/fixtures/migrations');
const CLI = path.join(ROOT, 'node_modules/.bin/supabase');

/** The versions of the migration files in a folder (`<version>_<name>.sql`), in order. */
export function migrationVersions(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .map((f) => /^(\d+)_.+\.sql$/.exec(f)?.[1])
    .filter((v): v is string => Boolean(v))
    .sort();
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end; a non-zero exit is a result, a missing program an error saying what to install. */
export function runTool(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; install: string; timeoutMs?: number }): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, timeout: options.timeoutMs ?? 60_000, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve({ code: 0, stdout, stderr });
      if (error.code === 'ENOENT') return reject(new Error(`${command} not found: ${options.install}`));
      if (error.killed || error.signal) return reject(new Error(`${command} ${args.join(' ')} was stopped (${error.signal ?? 'timeout'})\n${stdout}\n${stderr}`));
      if (typeof error.code === 'number') return resolve({ code: error.code, stdout, stderr });
      reject(error);
    });
  });
}

/** A connection string with one query parameter set (the CLI needs `sslmode=disable` for a server without TLS). */
export function withParam(url: string, name: string, value: string): string {
  const u = new URL(url);
  u.searchParams.set(name, value);
  return u.toString();
}

/** Fails, saying which Debian package to install, unless the server can `create extension <name>`. */
export async function requireExtension(url: string, name: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ major: string; available: boolean }[]>`
      select current_setting('server_version_num')::int / 10000 as major,
             exists (select from pg_available_extensions where name = ${name}) as available`;
    if (!row!.available) {
      const pkg = { plpgsql_check: 'plpgsql-check', pgtap: 'pgtap' }[name] ?? name;
      throw new Error(
        `the PostgreSQL extension ${name} is not installed for the test server (PostgreSQL ${row!.major}): ` +
          `apt-get install postgresql-${row!.major}-${pkg} (.ci/run installs it when missing)`,
      );
    }
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/**
 * A Supabase project folder for the CLI, outside the repository: the app's config.toml, migrations and mail templates
 * (linked; the CLI checks that every template config.toml names exists), so
 * what the CLI writes beside them (supabase/.temp) and in its home folder (~/.supabase) stays out of the repository
 * and the user's home. Remove it when done.
 */
export function cliWorkdir(migrationsDir = MIGRATIONS_DIR): { dir: string; remove(): void } {
  if (!fs.existsSync(CLI)) throw new Error(`the Supabase CLI is not installed (${path.relative(ROOT, CLI)}): run npm ci (it is a pinned dev dependency)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-cli-'));
  fs.mkdirSync(path.join(dir, 'supabase'));
  fs.mkdirSync(path.join(dir, 'home'));
  fs.copyFileSync(path.join(ROOT, 'supabase/config.toml'), path.join(dir, 'supabase/config.toml'));
  fs.symlinkSync(migrationsDir, path.join(dir, 'supabase/migrations'));
  fs.symlinkSync(path.join(ROOT, 'supabase/templates'), path.join(dir, 'supabase/templates'));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Runs the real Supabase CLI in a work folder from cliWorkdir(). */
export function supabaseCli(workdir: string, args: string[]): Promise<ToolResult> {
  const env = { ...process.env, HOME: path.join(workdir, 'home'), DO_NOT_TRACK: '1', SUPABASE_TELEMETRY_DISABLED: '1', SUPABASE_NO_UPDATE_NOTIFIER: '1' };
  return runTool(CLI, [...args, '--workdir', workdir], { cwd: workdir, env, install: 'run npm ci (the Supabase CLI is a pinned dev dependency)' });
}

/** The JSON a CLI command printed with `--output-format json`, or an error that shows what it printed instead. */
export function cliJson<T>(result: ToolResult, what: string): T {
  const text = result.stdout.trim();
  try {
    // anything before the document (a warning a future version might print) is not the document
    return JSON.parse(text.slice(Math.max(0, text.indexOf('{')))) as T;
  } catch {
    throw new Error(`${what}: expected JSON on stdout (exit ${result.code})\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
}
