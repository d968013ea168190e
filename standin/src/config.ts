import path from 'node:path';
import { parseArgs } from 'node:util';
import { LOCAL_VAULT_ROOT_KEY } from './keys.ts';

export type DatabaseTarget =
  | { kind: 'pglite-memory' }
  | { kind: 'pglite-dir'; dir: string }
  | { kind: 'postgres'; url: string };

export interface StandinOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one (tests). */
  port: number;
  host: string;
  db: DatabaseTarget;
  /** The project whose `supabase/migrations` and `supabase/seed.sql` are applied. */
  projectDir: string;
  /** More migration folders applied after the project's (test fixtures). */
  extraMigrationDirs: string[];
  /** Run `supabase/seed.sql` once, on a database that has never been seeded. */
  seed: boolean;
  /** Where auth redirects go by default (GoTrue's `site_url`). */
  siteUrl: string;
  /** More allowed auth redirects than config.toml's `additional_redirect_urls` (GoTrue globs). */
  redirectUrls: string[];
  /** Access-token lifetime in seconds (GoTrue's `jwt_expiry`). */
  jwtExpiry: number;
  /** Vault's root key (at least 32 characters): `STANDIN_VAULT_KEY`, no flag (a command line is visible to every user). */
  vaultKey: string;
  log: 'silent' | 'info' | 'debug';
}

export const DEFAULT_PORT = 54321;
export const DEFAULT_DB_DIR = '.standin/pgdata';

/**
 * One place that resolves the stand-in's settings: flags > environment > defaults (postgres.js's habit).
 * `--db memory` is in-memory PGlite, `--db postgres://…` a PostgreSQL server, anything else a PGlite data
 * directory (created on first start, kept across restarts).
 */
export function parseConfig(
  argv: readonly string[] = [],
  env: Record<string, string | undefined> = {},
  defaults: Partial<StandinOptions> = {},
): StandinOptions {
  const flags = parseFlags(argv);
  const projectDir = path.resolve(flags.project ?? env.STANDIN_PROJECT_DIR ?? defaults.projectDir ?? process.cwd());
  const dbSpec = flags.db ?? env.STANDIN_DB;
  const port = toPort(flags.port ?? env.STANDIN_PORT, defaults.port ?? DEFAULT_PORT);
  const log = (flags.log ?? env.STANDIN_LOG ?? defaults.log ?? 'info') as StandinOptions['log'];
  if (!['silent', 'info', 'debug'].includes(log)) throw new Error(`--log must be silent, info or debug (got "${log}")`);
  return {
    port,
    host: flags.host ?? env.STANDIN_HOST ?? defaults.host ?? '127.0.0.1',
    db: dbSpec ? parseDatabase(dbSpec, projectDir) : (defaults.db ?? { kind: 'pglite-dir', dir: path.join(projectDir, DEFAULT_DB_DIR) }),
    projectDir,
    extraMigrationDirs: defaults.extraMigrationDirs ?? [],
    seed: flags['no-seed'] ? false : (defaults.seed ?? true),
    siteUrl: flags['site-url'] ?? env.STANDIN_SITE_URL ?? defaults.siteUrl ?? 'http://127.0.0.1:3000',
    redirectUrls: defaults.redirectUrls ?? (env.STANDIN_REDIRECT_URLS ? env.STANDIN_REDIRECT_URLS.split(',').map((u) => u.trim()).filter(Boolean) : []),
    jwtExpiry: toPositiveInt(flags['jwt-expiry'] ?? env.STANDIN_JWT_EXPIRY, defaults.jwtExpiry ?? 3600, 'jwt-expiry'),
    vaultKey: toVaultKey(env.STANDIN_VAULT_KEY || defaults.vaultKey || LOCAL_VAULT_ROOT_KEY),
    log,
  };
}

export function parseDatabase(spec: string, projectDir = process.cwd()): DatabaseTarget {
  if (spec === 'memory' || spec === 'memory://') return { kind: 'pglite-memory' };
  if (/^postgres(ql)?:\/\//.test(spec)) return { kind: 'postgres', url: spec };
  return { kind: 'pglite-dir', dir: path.resolve(projectDir, spec) };
}

export function describeDatabase(db: DatabaseTarget): string {
  if (db.kind === 'pglite-memory') return 'PGlite (in memory)';
  if (db.kind === 'pglite-dir') return `PGlite (on disk: ${db.dir})`;
  const u = new URL(db.url);
  if (u.password) u.password = '***';
  return `PostgreSQL (${u.toString()})`;
}

/** The command line's flags, parsed by node:util (unknown flags and stray arguments are errors). */
function parseFlags(argv: readonly string[]): Record<string, string | undefined> {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      db: { type: 'string' },
      project: { type: 'string' },
      'site-url': { type: 'string' },
      'jwt-expiry': { type: 'string' },
      log: { type: 'string' },
      'no-seed': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v === true ? 'true' : v === false ? undefined : v]));
}

function toPort(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--port must be 0–65535 (got "${value}")`);
  return n;
}

function toPositiveInt(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer (got "${value}")`);
  return n;
}

function toVaultKey(value: string): string {
  if (value.length < 32) throw new Error(`STANDIN_VAULT_KEY must be at least 32 characters (got ${value.length})`);
  return value;
}
