import fs from 'node:fs';
import postgres from 'postgres';
import { createPgliteConnection, type PgliteConnection } from '@supabase/lite/pglite';
import { createPostgresConnection, type PostgresConnection } from '@supabase/lite/postgres';
import { uuid_ossp } from '@electric-sql/pglite/contrib/uuid_ossp';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { citext } from '@electric-sql/pglite/contrib/citext';
import type { DatabaseTarget } from '../config.ts';
import { Mutex } from './mutex.ts';
import { pgliteParsers, postgresTypes } from './values.ts';

export type Row = Record<string, unknown>;

/** What a LISTEN's owner hears of its session (PostgreSQL). */
export interface ListenSession {
  /** The session is lost; notifications from now until `back` may be missing. */
  lost?: () => void;
  /** The session listens again; a notification it delivers after this call came from the new session. */
  back?: () => void;
}
export type Query = <T extends Row = Row>(text: string, params?: readonly unknown[]) => Promise<T[]>;

/** The search path Supabase gives API requests and migrations. */
export const SEARCH_PATH = '"$user", public, extensions';

/**
 * The database under the stand-in, as one superuser session (PGlite) or a small pool (PostgreSQL).
 * Everything except lite goes through here; on PGlite every use, lite's included, is serialised by one lock,
 * because a PGlite instance is a single session and an interleaved statement would run inside someone
 * else's transaction (with their role and claims).
 */
export interface Database {
  readonly kind: 'pglite' | 'postgres';
  /** lite's connection object; `server.ts` hands it to lite's App. */
  readonly connection: PgliteConnection | PostgresConnection;
  /** The lock every user of a PGlite session takes (null on PostgreSQL, where each transaction has its own connection). */
  readonly sessionLock: Mutex | null;
  query: Query;
  /** Runs `fn` in one transaction; `q` is bound to it. */
  transaction<T>(fn: (q: Query, exec: (script: string) => Promise<void>) => Promise<T>): Promise<T>;
  /** Runs a multi-statement SQL script (dollar quoting and all) in one transaction. */
  execScript(script: string): Promise<void>;
  /**
   * Sends statements as one simple-protocol query (one round trip; Postgres runs them as one implicit transaction)
   * and returns each statement's rows. Values must be inlined as literals: there are no parameters.
   */
  simpleQuery(script: string): Promise<Row[][]>;
  /**
   * LISTEN on a channel; resolves to an unlisten function. Notifications arrive after commit, in commit order.
   * On PostgreSQL the session can be lost (the server restarted, the backend terminated): it is re-established
   * with backoff for as long as it takes: `session.lost` runs as soon as the loss is seen, `session.back` once
   * it listens again (whatever was notified in between is gone). (PGlite runs in this process: its session
   * cannot be lost.)
   */
  listen(channel: string, onPayload: (payload: string) => void, session?: ListenSession): Promise<() => Promise<void>>;
  /** Serialises `fn` with every other use of the session (a no-op wrapper on PostgreSQL). */
  withLock<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  return target.kind === 'postgres' ? openPostgres(target.url) : openPglite(target.kind === 'pglite-dir' ? target.dir : undefined);
}

async function openPglite(dir: string | undefined): Promise<Database> {
  if (dir) fs.mkdirSync(dir, { recursive: true });
  const connection = await keepingExitCode(async () => {
    const c = await createPgliteConnection({
      url: dir,
      pgliteOptions: { extensions: { uuid_ossp, pg_trgm, citext }, parsers: pgliteParsers },
    });
    await c.driver.waitReady;
    return c;
  });
  const pg = connection.driver;
  guardExitCode(pg as unknown as Record<string, unknown>, ['query', 'exec', 'transaction', 'listen', 'close']);
  const mutex = new Mutex();
  const query: Query = async (text, params = []) => (await pg.query<never>(text, [...params])).rows;
  return {
    kind: 'pglite',
    connection,
    sessionLock: mutex,
    query: (text, params) => mutex.run(() => query(text, params)),
    transaction: (fn) =>
      mutex.run(() =>
        pg.transaction(async (tx) =>
          fn(async (text, params = []) => (await tx.query<never>(text, [...params])).rows, async (script) => void (await tx.exec(script))),
        ),
      ),
    execScript: (script) => mutex.run(() => pg.transaction(async (tx) => void (await tx.exec(script)))),
    simpleQuery: (script) => mutex.run(async () => (await pg.exec(script)).map((r) => r.rows as Row[])),
    listen: async (channel, onPayload) => {
      const unlisten = await mutex.run(() => pg.listen(channel, onPayload));
      return () => mutex.run(() => unlisten());
    },
    withLock: (fn) => mutex.run(fn),
    close: () => keepingExitCode(() => connection.close()),
  };
}

async function openPostgres(url: string): Promise<Database> {
  const options = {
    connection: { TimeZone: 'UTC', search_path: SEARCH_PATH, application_name: 'switchboard-standin' },
    types: postgresTypes,
    onnotice: () => {},
  };
  const sql = postgres(url, { ...options, max: 4, idle_timeout: 30 });
  try {
    await sql`select 1`;
  } catch (error) {
    await sql.end({ timeout: 1 });
    throw new Error(`cannot connect to ${redact(url)}: ${(error as Error).message}`);
  }
  const connection = createPostgresConnection({ url, postgresOptions: { ...options, max: 10 } as never });
  const bind = (s: postgres.Sql | postgres.TransactionSql): Query =>
    // prepared per connection: the realtime module runs the same few statements many times a second
    async (text, params = []) => (await s.unsafe(text, params as never[], { prepare: params.length > 0 })) as never;
  return {
    kind: 'postgres',
    connection,
    sessionLock: null,
    query: bind(sql),
    transaction: (fn) => sql.begin((tx) => fn(bind(tx), async (script) => void (await tx.unsafe(script).simple()))) as never,
    execScript: async (script) => void (await sql.begin((tx) => tx.unsafe(script).simple())),
    simpleQuery: async (script) => {
      const result = (await sql.unsafe(script).simple()) as unknown as Row[] | Row[][];
      // postgres.js answers one statement with its rows, several with one row list per statement
      return Array.isArray(result[0]) || result.length === 0 ? (result as Row[][]) : [result as Row[]];
    },
    listen: (channel, onPayload, session) => listenDurably(url, options, channel, onPayload, session ?? {}),
    withLock: (fn) => fn(),
    close: async () => {
      // not connection.close(): lite's is postgres.js's end() with no timeout, which never resolves when one of its
      // connections was reserved (Kysely reserves one per query) at the moment it was called (porsager/postgres#925)
      await keepingExitCode(() => Promise.all([sql.end({ timeout: 2 }), (connection.driver as unknown as postgres.Sql).end({ timeout: 2 })]));
    },
  };
}

/**
 * A LISTEN session of its own that comes back after it is lost. postgres.js's own `sql.listen` re-listens once when
 * its connection closes and gives up silently if that attempt fails (the server still starting after a restart):
 * the feed then hears nothing, ever again. Here a lost session is re-established with backoff (100 ms doubling to
 * 2 s) until it listens or `unlisten` is called. `lost` runs before the new session can deliver anything, so its
 * owner can hold back what the new session delivers until it has read what the old one missed.
 */
async function listenDurably(
  url: string,
  options: object,
  channel: string,
  onPayload: (payload: string) => void,
  session: ListenSession,
): Promise<() => Promise<void>> {
  let stopped = false;
  let current: postgres.Sql | null = null;
  const open = async (): Promise<void> => {
    const conn = postgres(url, {
      ...options,
      max: 1,
      idle_timeout: null,
      max_lifetime: null,
      fetch_types: false,
      connect_timeout: 5,
      onnotify: (name: string, payload: string) => {
        if (name === channel) onPayload(payload);
      },
      onclose: () => {
        if (stopped || current !== conn) return;
        current = null;
        session.lost?.();
        void conn.end({ timeout: 0 }).catch(() => {});
        void reopen();
      },
    } as never);
    try {
      await conn.unsafe(`listen "${channel.replace(/"/g, '""')}"`);
    } catch (error) {
      await conn.end({ timeout: 0 }).catch(() => {});
      throw error;
    }
    if (stopped) {
      await conn.end({ timeout: 0 }).catch(() => {});
      return;
    }
    current = conn;
  };
  const reopen = async (): Promise<void> => {
    for (let delay = 100; !stopped; delay = Math.min(delay * 2, 2000)) {
      try {
        await open();
        if (!stopped) session.back?.();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  };
  await open();
  return async () => {
    stopped = true;
    const conn = current;
    current = null;
    await conn?.end({ timeout: 1 }).catch(() => {});
  };
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the database URL';
  }
}

/**
 * PGlite's Emscripten runtime sets `process.exitCode` itself: to a code of its own (99, 100 …) whenever a statement
 * fails, since its error path ends in Emscripten's `quit_`, and to 0 when it shuts down. Hosts read that code: every
 * test run that touched PGlite exited 100 although it passed, and a run whose failures vitest had recorded exited 0
 * once the stand-in closed. Each of PGlite's entry points is wrapped so that a code set during the call is undone,
 * except 1, the code test runners and CLIs set for a failure (were PGlite ever to set 1, a run would fail loudly,
 * never pass silently).
 */
export function keepingExitCode<T>(call: () => Promise<T>): Promise<T> {
  const before = process.exitCode;
  const restore = () => {
    if (process.exitCode !== before && process.exitCode !== 1) process.exitCode = before;
  };
  let result: Promise<T>;
  try {
    result = call();
  } catch (error) {
    restore();
    throw error;
  }
  return result.finally(restore);
}

function guardExitCode(target: Record<string, unknown>, methods: string[]): void {
  for (const name of methods) {
    const original = target[name] as (...args: unknown[]) => Promise<unknown>;
    target[name] = (...args: unknown[]) => keepingExitCode(() => original.apply(target, args));
  }
}
