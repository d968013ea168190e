/**
 * The only module that knows @supabase/lite's internals. lite 0.10.0 is pinned exactly; every fix for what lite
 * does differently from hosted PostgREST and GoTrue lives here and in the modules named below (drivers.ts: the
 * Kysely drivers lite runs on; self-test.ts: `selfTest()`, which fails the start loudly if an internal this
 * relies on has changed, so an upgrade is a deliberate step gated on the contract tests).
 *
 * What lite lacks or does differently, and where it is fixed:
 *   legacy anon/service_role JWTs as `apikey`                → apiKeyResolver()
 *   GRANT ALL on every table at the first request            → connection.rlsState = 'active' (private field)
 *   timestamps/numerics not as PostgREST prints them         → parsers in db/database.ts
 *   no lock around the shared PGlite session                 → drivers.ts installSessionLock() (replaces connection.kysely)
 *   PGlite's parameter serialiser throws on JSON objects     → drivers.ts queryWithSerialiserFallback()
 *   every expected DB error logged with a stack              → quietExpectedDbErrors()
 *   SQLSTATEs lite has no rule for answer 500 "SUP"          → installPostgrestStatuses() (23514, P0001, 53*, …)
 *   ~14 sequential round trips per request on PostgreSQL     → drivers.ts installPipelining()
 *   no /auth/v1/admin/*, no /auth/v1/invite                  → admin-api.ts, in front of lite
 *   mail links to site_url/auth/v1/verify, no redirect_to    → mailer.ts (app._mailer), outbox at /mail (mail-api.ts)
 *   no verify types `invite` and `email`                     → auth-guard.ts maps them to lite's
 *   auth.email(), usage on schema auth, platform objects     → db/bootstrap.sql
 */
import { App } from '@supabase/lite';
import { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import { verifyHS256 } from '../jwt.ts';
import { dbError, postgrestStatus } from '../rest/postgrest-errors.ts';
import { LOCAL_JWT_SECRET, LOCAL_PUBLISHABLE_KEY, LOCAL_SECRET_KEY } from '../keys.ts';
import { installPipelining, installSessionLock } from './drivers.ts';
import type { Mailer } from './mailer.ts';

export interface LiteOptions {
  siteUrl: string;
  jwtExpiry: number;
  /** Replaces lite's mailer (mailer.ts says why). */
  mailer: Mailer;
}

/** The parts of lite's connection the adapter touches (some are private in lite's typings). */
interface LiteConnection {
  driver: unknown;
  kysely: Kysely<unknown>;
  rlsState?: 'unknown' | 'active' | 'inactive';
  clearSchemaCache(): Promise<void>;
  /** lite's hook from a driver error to the one its REST error mapper reads; the base class returns it as is. */
  normalizeDbError(error: unknown): unknown;
}

export type LiteApp = App;

/** Creates lite's App on our database and provisions its `auth` and `supabase_migrations` schemas. */
export async function createLiteApp(db: Database, options: LiteOptions): Promise<LiteApp> {
  const connection = db.connection as unknown as LiteConnection;
  assertInternal(
    'rlsState' in connection && connection.rlsState === 'unknown',
    'connection.rlsState (lite grants ALL on every table at the first request unless it is set)',
  );
  assertInternal(connection.kysely instanceof Kysely, 'connection.kysely');
  assertInternal(typeof connection.clearSchemaCache === 'function', 'connection.clearSchemaCache()');
  assertInternal(typeof connection.normalizeDbError === 'function', 'connection.normalizeDbError()');
  installPostgrestStatuses(connection);
  if (db.sessionLock) installSessionLock(connection, db.sessionLock);
  else installPipelining(connection);

  const app = new App({
    connection,
    auth: {
      enabled: true,
      jwt_secret: LOCAL_JWT_SECRET,
      jwt_expiry: options.jwtExpiry,
      publishable_key: LOCAL_PUBLISHABLE_KEY,
      secret_key: LOCAL_SECRET_KEY,
      site_url: options.siteUrl,
      enable_refresh_token_rotation: true,
      refresh_token_reuse_interval: 10,
      minimum_password_length: 6,
    },
    options: { server: { admin: false, apiKeys: { resolver: apiKeyResolver } } },
  } as never);
  await app.init();
  await app.ensureSystemSchema();
  // lite builds its auth service per request from `app._mailer ?? new <its mailer>(…)`
  assertInternal('_mailer' in app, 'app._mailer (the mailer lite\'s auth service uses)');
  (app as unknown as { _mailer: Mailer })._mailer = options.mailer;
  return app;
}

/**
 * Called once the bootstrap and migrations have run: privileges are exactly what the migrations granted
 * (as on Supabase), and lite's schema cache forgets what it saw before the migrations.
 */
export async function finishLiteSetup(app: LiteApp): Promise<void> {
  const connection = app.connection as unknown as LiteConnection;
  connection.rlsState = 'active';
  await connection.clearSchemaCache();
}

/** Drops lite's cached schema, e.g. after a test changed the publication or a table. */
export async function clearLiteSchemaCache(app: LiteApp): Promise<void> {
  await (app.connection as unknown as LiteConnection).clearSchemaCache();
}

/**
 * Maps an `apikey` to the role it stands for, as the Supabase gateway does: the fixed `sb_publishable_`/`sb_secret_`
 * keys, and legacy HS256 JWT keys (anon / service_role) signed with the local JWT secret.
 */
export async function apiKeyResolver(key: string) {
  if (key === LOCAL_PUBLISHABLE_KEY) return { type: 'publishable' as const, claims: { role: 'anon' } };
  if (key === LOCAL_SECRET_KEY) return { type: 'secret' as const, claims: { role: 'service_role' } };
  const verified = await verifyHS256(key, LOCAL_JWT_SECRET);
  if (!verified.ok) return null;
  if (verified.claims.role === 'anon') return { type: 'publishable' as const, claims: verified.claims };
  if (verified.claims.role === 'service_role') return { type: 'secret' as const, claims: verified.claims };
  return null;
}

/**
 * lite's REST error mapper knows a handful of SQLSTATEs (42501, 23505, 22*, …) and answers every other database
 * error 500 with code "SUP": a CHECK violation (23514), a plain `raise exception` (P0001), a lock timeout. Its one
 * door for a full answer chosen elsewhere is PostgREST's own `raise sqlstate 'PGRST'` protocol (message = the
 * body as JSON, detail = `{status, headers}`), read from what `connection.normalizeDbError()` returns. So every
 * database error is handed to lite in that form, with PostgREST's status from `postgrestStatus()`, except:
 *   - 42501, whose status depends on the caller's role, which lite decides exactly as PostgREST does;
 *   - 42703 and 42883, which lite rewrites into PostgREST's wording (`column posts.x does not exist`) at the
 *     same status;
 *   - a real `raise sqlstate 'PGRST'`, which lite already parses.
 * The result keeps `severity` so quietExpectedDbErrors() still recognises it when lite logs it.
 */
function installPostgrestStatuses(connection: LiteConnection): void {
  const normalize = connection.normalizeDbError.bind(connection);
  connection.normalizeDbError = (raw: unknown) => {
    const normalized = normalize(raw);
    const error = dbError(normalized);
    if (!error || error.code === 'PGRST' || error.code === '42501' || error.code === '42703') return normalized;
    const status = postgrestStatus(error.code, { message: error.message, role: 'anon' }); // role only matters for 42501
    if (error.code === '42883' && status === 404) return normalized;
    return {
      code: 'PGRST',
      severity: (normalized as { severity?: unknown }).severity ?? 'ERROR',
      message: JSON.stringify({ code: error.code, message: error.message, details: error.details, hint: error.hint }),
      detail: JSON.stringify({ status, headers: {} }),
    };
  };
}

/**
 * lite `console.error`s every database error raised inside a request, with a stack, including the expected ones
 * (RLS denials, unique violations) that become ordinary 4xx answers, and every malformed `select` or filter.
 * Those are dropped unless logging is `debug`.
 * Returns a function that restores the previous `console.error`.
 */
export function quietExpectedDbErrors(enabled: boolean): () => void {
  if (!enabled) return () => {};
  const previous = console.error;
  const filtered = (...args: unknown[]) => {
    if (args.length === 1 && (isDatabaseError(args[0]) || isQuerySyntaxError(args[0]))) return;
    previous(...args);
  };
  console.error = filtered;
  return () => {
    if (console.error === filtered) console.error = previous;
  };
}

/** The parse errors of a malformed `select`/filter/order that lite logs before answering them 400 PGRST100. */
function isQuerySyntaxError(v: unknown): boolean {
  if (!(v instanceof Error)) return false;
  const m = v.message;
  return (
    /^Expected .* at position \d+$/.test(m) ||
    /^"failed to parse [^"]*" \(line \d+, column \d+\)$/.test(m) ||
    ['Unknown operator', 'Expected identifier', 'Invalid filter', 'Unexpected input', 'Unsupported operator', 'failed to parse'].some((p) => m.includes(p))
  );
}

function isDatabaseError(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as { severity?: unknown; code?: unknown; message?: unknown };
  if (typeof e.severity === 'string' && typeof e.code === 'string') return true; // PGlite / postgres.js error
  return typeof e.message === 'string' && e.message.startsWith('Failed to execute query');
}

/** Fails the start, naming the lite internal that is not as expected (self-test.ts uses it too). */
export function assertInternal(ok: boolean, what: string): asserts ok {
  if (!ok) {
    throw new Error(
      `stand-in self-test failed: @supabase/lite no longer behaves as standin/src/lite/adapter.ts expects: ${what}. ` +
        'Was @supabase/lite upgraded? It is pinned to 0.10.0; run the contract tests before changing it.',
    );
  }
}
