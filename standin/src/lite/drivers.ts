/**
 * The Kysely drivers lite runs on, each swapped in for the one lite built (`connection.kysely`): on PGlite a
 * driver that holds the stand-in's session lock and retries what PGlite's parameter serialiser refuses; on
 * PostgreSQL one that pipelines each request's preamble. See adapter.ts for why lite needs either.
 */
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
import type { Mutex } from '../db/mutex.ts';

/** The parts of lite's connection a driver replaces or reads. */
interface DriverConnection {
  driver: unknown;
  kysely: Kysely<unknown>;
}

/**
 * lite runs REST and Auth transactions as raw BEGIN … COMMIT on one PGlite session with no lock, so two
 * concurrent requests can interleave (and one can run inside the other's transaction, with its role and claims).
 * This gives lite a Kysely whose driver holds `lock` from acquire to release, the way Kysely's own SQLite driver
 * serialises a single connection. Our own code takes the same lock through `Database`.
 */
export function installSessionLock(connection: DriverConnection, lock: Mutex): void {
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
    // PGlite wants a Uint8Array for bytea; PostgREST clients send bytea as Postgres prints it, `\x` and hex
    const asJson = params.map((p) =>
      typeof p === 'object' && p !== null && !(p instanceof Date) && !(p instanceof Uint8Array)
        ? JSON.stringify(p)
        : type === 'bytea' && typeof p === 'string' && BYTEA_HEX.test(p)
          ? Uint8Array.from(Buffer.from(p.slice(2), 'hex'))
          : p,
    );
    try {
      return await pg.query(sql, asJson);
    } catch (again) {
      const still = serialiserType(again);
      if (still === null) throw again;
      throw Object.assign(new Error(`invalid input syntax for type ${still}`), { code: '22P02', severity: 'ERROR' });
    }
  }
}

const BYTEA_HEX = /^\\x(?:[0-9a-fA-F]{2})*$/;

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

/**
 * Runs of `SELECT set_config(…)` / `SET LOCAL ROLE x` become one `SELECT set_config(…), set_config(…)` (each
 * placeholder renumbered), so a request's preamble is one statement, not twelve.
 */
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

export function installPipelining(connection: DriverConnection): void {
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
