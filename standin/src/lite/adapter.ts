/**
 * The only module that knows @supabase/lite's internals. lite 0.10.0 is pinned exactly; every fix for what lite
 * does differently from hosted PostgREST and GoTrue lives here, and `selfTest()` fails the start loudly if an
 * internal this relies on has changed (so an upgrade is a deliberate step gated on the contract tests).
 *
 * What lite lacks or does differently, and where it is fixed:
 *   legacy anon/service_role JWTs as `apikey`                → apiKeyResolver()
 *   GRANT ALL on every table at the first request            → connection.rlsState = 'active' (private field)
 *   timestamps/numerics not as PostgREST prints them         → parsers in db/database.ts
 *   no lock around the shared PGlite session                 → installSessionLock() (replaces connection.kysely)
 *   PGlite's parameter serialiser throws on JSON objects     → queryWithSerialiserFallback()
 *   every expected DB error logged with a stack              → quietExpectedDbErrors()
 *   SQLSTATEs lite has no rule for answer 500 "SUP"          → installPostgrestStatuses() (23514, P0001, 53*, …)
 *   ~14 sequential round trips per request on PostgreSQL     → installPipelining()
 *   no /auth/v1/admin/*                                      → admin-api.ts, in front of lite
 *   auth.email(), usage on schema auth, platform objects     → db/bootstrap.sql
 */
import { App } from '@supabase/lite';
import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
} from 'kysely';
import { PostgresJSDialect } from 'kysely-postgres-js';
import { liteSettingCall } from '../db/act-as.ts';
import type { Database } from '../db/database.ts';
import type { Mutex } from '../db/mutex.ts';
import { verifyHS256 } from '../jwt.ts';
import { dbError, postgrestStatus } from '../rest/postgrest-errors.ts';
import { LOCAL_JWT_SECRET, LOCAL_PUBLISHABLE_KEY, LOCAL_SECRET_KEY } from '../keys.ts';

export interface LiteOptions {
  siteUrl: string;
  jwtExpiry: number;
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
 * lite runs REST and Auth transactions as raw BEGIN … COMMIT on one PGlite session with no lock, so two
 * concurrent requests can interleave (and one can run inside the other's transaction, with its role and claims).
 * This gives lite a Kysely whose driver holds `lock` from acquire to release, the way Kysely's own SQLite driver
 * serialises a single connection. Our own code takes the same lock through `Database`.
 */
function installSessionLock(connection: LiteConnection, lock: Mutex): void {
  const pg = connection.driver as { query: PgliteQuery };
  const conn: DatabaseConnection = {
    async executeQuery(q) {
      const r = await queryWithSerialiserFallback(pg, q.sql, [...q.parameters]);
      return { rows: r.rows as never[], numAffectedRows: typeof r.affectedRows === 'number' ? BigInt(r.affectedRows) : undefined };
    },
    async *streamQuery() {
      throw new Error('PGlite does not support streaming');
    },
  };
  const releases: Array<() => void> = [];
  const driver = {
    async init() {},
    async destroy() {},
    async acquireConnection() {
      releases.push(await lock.lock());
      return conn;
    },
    async releaseConnection() {
      releases.shift()?.();
    },
    async beginTransaction(c: DatabaseConnection) {
      await c.executeQuery(CompiledQuery.raw('BEGIN'));
    },
    async commitTransaction(c: DatabaseConnection) {
      await c.executeQuery(CompiledQuery.raw('COMMIT'));
    },
    async rollbackTransaction(c: DatabaseConnection) {
      await c.executeQuery(CompiledQuery.raw('ROLLBACK'));
    },
  };
  connection.kysely = postgresKysely(driver);
}

type PgliteQuery = (sql: string, params: unknown[]) => Promise<{ rows: unknown[]; affectedRows?: number }>;

/**
 * PGlite turns each parameter into text itself, by the type PostgreSQL inferred for it, and throws a plain Error
 * ("Invalid input for string type") for a value it cannot: a JSON object or array sent for a text column, a
 * string for a boolean. lite answers that 500. PostgreSQL (postgres.js) and PostgREST take an object for a text
 * column as its JSON text, so the query is sent once more with objects and arrays as JSON text (the serialiser
 * failed before anything reached the database, so nothing ran); a value that still does not fit is PostgreSQL's
 * 22P02, the caller's fault.
 */
async function queryWithSerialiserFallback(pg: { query: PgliteQuery }, sql: string, params: unknown[]) {
  try {
    return await pg.query(sql, params);
  } catch (error) {
    const type = serialiserType(error);
    if (type === null) throw error;
    const asJson = params.map((p) => (typeof p === 'object' && p !== null && !(p instanceof Date) && !(p instanceof Uint8Array) ? JSON.stringify(p) : p));
    try {
      return await pg.query(sql, asJson);
    } catch (again) {
      const still = serialiserType(again);
      if (still === null) throw again;
      throw Object.assign(new Error(`invalid input syntax for type ${still}`), { code: '22P02', severity: 'ERROR' });
    }
  }
}

/** The type named by PGlite's serialiser error, or null for any other error. */
function serialiserType(error: unknown): string | null {
  if (!(error instanceof Error) || 'code' in error) return null;
  return /^Invalid input for (\w+) type$/.exec(error.message)?.[1] ?? null;
}

/**
 * On PostgreSQL lite sends each request's preamble as separate statements, each waiting for the last: BEGIN,
 * six `set_config`s and `SET LOCAL ROLE` for the claims, five more for an RPC's request GUCs. This driver holds
 * those back and sends them together with the next statement that needs an answer (postgres.js pipelines
 * queries issued together on one connection), so a request costs three or four round trips instead of ~14.
 * lite ignores the results of the held statements; if one fails, that first error is what the request gets.
 */
const DEFERRABLE = /^\s*(BEGIN\b|SELECT set_config\(|SET LOCAL ROLE )/i;

/**
 * Runs of `SELECT set_config(…)` / `SET LOCAL ROLE x` become one `SELECT set_config(…), set_config(…)` (each
 * placeholder renumbered), so a request's preamble is one statement, not twelve.
 */
/** A Kysely for lite over a driver of ours (the PostgreSQL dialect with that driver swapped in). */
function postgresKysely(driver: Driver): Kysely<unknown> {
  return new Kysely({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => driver,
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
}

export function mergeSetConfigs(queries: CompiledQuery[]): CompiledQuery[] {
  const out: CompiledQuery[] = [];
  let calls: string[] = [];
  let params: unknown[] = [];
  const close = () => {
    if (calls.length > 0) out.push(CompiledQuery.raw(`SELECT ${calls.join(', ')}`, params));
    calls = [];
    params = [];
  };
  for (const q of queries) {
    const setting = liteSettingCall(q.sql, q.parameters);
    if (setting) {
      const offset = params.length;
      calls.push(setting.call.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`));
      params.push(...setting.params);
    } else {
      close();
      out.push(q);
    }
  }
  close();
  return out;
}

function installPipelining(connection: LiteConnection): void {
  const sql = connection.driver as ConstructorParameters<typeof PostgresJSDialect>[0]['postgres'];
  const inner = new PostgresJSDialect({ postgres: sql }).createDriver();
  const held = new WeakMap<DatabaseConnection, DatabaseConnection>();
  const driver: Driver = {
    init: () => inner.init(),
    destroy: () => inner.destroy(),
    async acquireConnection() {
      const conn = await inner.acquireConnection();
      let deferred: CompiledQuery[] = [];
      const flush = () => {
        const pending = mergeSetConfigs(deferred).map((q) => conn.executeQuery(q));
        deferred = [];
        return pending;
      };
      const wrapped: DatabaseConnection = {
        async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
          if (DEFERRABLE.test(query.sql)) {
            deferred.push(query);
            return { rows: [] };
          }
          const results = await Promise.allSettled([...flush(), conn.executeQuery<R>(query)]);
          const failure = results.find((r) => r.status === 'rejected');
          if (failure) throw (failure as PromiseRejectedResult).reason;
          return (results.at(-1) as PromiseFulfilledResult<QueryResult<R>>).value;
        },
        async *streamQuery<R>(query: CompiledQuery, chunkSize?: number) {
          await Promise.all(flush());
          yield* conn.streamQuery<R>(query, chunkSize);
        },
      };
      held.set(wrapped, conn);
      return wrapped;
    },
    beginTransaction: (c, settings) =>
      settings.isolationLevel || settings.accessMode ? inner.beginTransaction(held.get(c)!, settings) : c.executeQuery(CompiledQuery.raw('BEGIN')).then(() => {}),
    commitTransaction: (c) => c.executeQuery(CompiledQuery.raw('COMMIT')).then(() => {}),
    rollbackTransaction: (c) => c.executeQuery(CompiledQuery.raw('ROLLBACK')).then(() => {}),
    releaseConnection: (c) => inner.releaseConnection(held.get(c)!),
  };
  connection.kysely = postgresKysely(driver);
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

/**
 * Start-up self-test of the lite behaviour the adapter depends on. Runs against the live app before the port
 * opens; throws with a message naming the broken assumption.
 */
export async function selfTest(app: LiteApp, db: Database): Promise<void> {
  const probe = '_standin_self_test';
  await db.execScript(
    // The project's own default privileges (`alter default privileges … grant … to anon, authenticated`, as
    // Supabase projects long had) grant the probe at creation: revoke them, so any grant seen after lite's
    // first request can only be lite's.
    `create table public.${probe} (id int primary key check (id > 0)); alter table public.${probe} enable row level security;
     revoke all on public.${probe} from anon, authenticated;
     grant insert on public.${probe} to service_role;`,
  );
  try {
    await clearLiteSchemaCache(app);
    const res = await app.fetch(
      new Request(`http://standin.local/rest/v1/${probe}?select=id`, {
        headers: { apikey: LOCAL_PUBLISHABLE_KEY, authorization: `Bearer ${LOCAL_PUBLISHABLE_KEY}`, 'accept-profile': 'public' },
      }),
    );
    const body = (await res.json().catch(() => null)) as { code?: string } | null;
    const [grants] = await db.query<{ granted: boolean }>(
      `select has_table_privilege('anon', 'public.${probe}', 'select') or has_table_privilege('authenticated', 'public.${probe}', 'select') as granted`,
    );
    assertInternal(!grants!.granted, 'no blanket GRANT at the first request (rlsState)');
    assertInternal(res.status === 401 && body?.code === '42501', `an ungranted table answers 401 42501 to anon (got ${res.status} ${body?.code})`);
    const check = await app.fetch(
      new Request(`http://standin.local/rest/v1/${probe}`, {
        method: 'POST',
        headers: { apikey: LOCAL_SECRET_KEY, authorization: `Bearer ${LOCAL_SECRET_KEY}`, 'content-type': 'application/json', 'content-profile': 'public' },
        body: '{"id":-1}',
      }),
    );
    const checkBody = (await check.json().catch(() => null)) as { code?: string } | null;
    assertInternal(
      check.status === 400 && checkBody?.code === '23514',
      `a CHECK violation answers 400 23514 (normalizeDbError → the PGRST raise protocol; got ${check.status} ${checkBody?.code})`,
    );
    const [helpers] = await db.query<{ ours: boolean }>(
      `select bool_and(prosrc like '%request.jwt.claims%') as ours from pg_proc
        where pronamespace = 'auth'::regnamespace and proname in ('uid', 'role', 'email', 'jwt')`,
    );
    assertInternal(helpers!.ours === true, 'auth.uid()/role()/email()/jwt() are the Supabase definitions from bootstrap.sql');
  } finally {
    await db.execScript(`drop table if exists public.${probe}`);
    await clearLiteSchemaCache(app);
  }
}

function assertInternal(ok: boolean, what: string): asserts ok {
  if (!ok) {
    throw new Error(
      `stand-in self-test failed: @supabase/lite no longer behaves as standin/src/lite/adapter.ts expects: ${what}. ` +
        'Was @supabase/lite upgraded? It is pinned to 0.10.0; run the contract tests before changing it.',
    );
  }
}
