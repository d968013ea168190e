/**
 * The postgres_changes change feed. A row trigger on each table in publication `supabase_realtime` NOTIFYs after
 * commit (db/realtime.sql), so changes arrive here in commit order on PGlite and PostgreSQL alike; a change too
 * large for a NOTIFY arrives as the id of a row that holds it. Changes are queued and evaluated in batches
 * (matching in subscriptions' filters, RLS checks in rls-check.ts) and delivered (dispatch.ts) strictly in the
 * order they were received.
 *
 * Nothing committed is lost when the database connection is (PostgreSQL; PGlite runs in this process):
 *   - every change is also written to the change log `standin_realtime.changes` (hosted Realtime reads a
 *     replication slot, which keeps what it has not read: this is the stand-in's equivalent), and its NOTIFY
 *     carries the log id; the feed remembers the ids it has had for a while;
 *   - when the LISTEN session comes back (database.ts re-establishes it), live changes are held back while the
 *     log is read from a little before the last moment the session was known to work (a heartbeat NOTIFY every
 *     2 s says when), and every change not had yet is queued first, in log order; then the held-back ones;
 *   - a batch whose evaluation fails because the database is unreachable is retried until it is back;
 *   - where a gap cannot be ruled out (the log could not be read in time, an evaluation keeps failing) every
 *     channel with postgres_changes gets `phx_error`, so every client rejoins and catches up (`onGap`).
 */
import type { Database } from '../db/database.ts';
import type { Catalog } from './catalog.ts';
import { deleteIdentity, deliver, type Delivery } from './dispatch.ts';
import { matches } from './filters.ts';
import { checkRls, planRowChange, type Plan } from './rls-check.ts';
import type { Subscription, Subscriptions } from './subscriptions.ts';

export interface Change {
  schema: string;
  table: string;
  type: 'INSERT' | 'UPDATE' | 'DELETE';
  ts: number;
  record: Record<string, unknown> | null;
  old_record: Record<string, unknown> | null;
}

/** Counters for diagnostics and benchmarks. */
export interface FeedStats {
  /** Deliveries made (one per channel per change). */
  delivered: number;
  /** Statements run to check RLS for batches of changes (one per batch, for every subscriber at once). */
  rlsChecks: number;
  /** Times the LISTEN session came back after a loss, changes read back from the log then, and gaps (channels told to rejoin). */
  relistens: number;
  recovered: number;
  gaps: number;
}

/** How the feed guards against lost changes (PostgreSQL); tests shorten the times. */
export interface FeedDurability {
  /** A heartbeat NOTIFY through the log's channel this often, to know when the session last worked. */
  heartbeatMs: number;
  /** How far before the last heartbeat the log is read after a lost session (transactions that began earlier and committed in the gap). */
  marginMs: number;
  /** How long the log is kept. */
  retentionMs: number;
  /** How long a lost session's log read, or a failing batch, is retried before the channels are told to rejoin. */
  giveUpMs: number;
}

export const DEFAULT_DURABILITY: FeedDurability = { heartbeatMs: 2000, marginMs: 30_000, retentionMs: 15 * 60_000, giveUpMs: 30_000 };

/** SQLSTATE classes and driver codes that mean "the database is not reachable right now", worth retrying. */
function isConnectionError(error: unknown): boolean {
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  return /^(08|57P0[1-3]|53300)/.test(code) || ['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code);
}

const LOG_ID = /^\{"id":(\d+),/;

/** NOTIFY intake, the queue, and the pump that evaluates batches side by side but delivers them one after another. */
export class ChangeFeed {
  #queue: string[] = [];
  #inflight = 0;
  #delivering: Promise<void> = Promise.resolve();
  #unlisten: Array<() => Promise<void>> = [];
  readonly #durable: boolean;
  /** Log ids had (queued), with their change time, for the recovery window. */
  #seen = new Map<number, number>();
  /** Database time (ms) of the last heartbeat heard: the session worked then. */
  #lastAlive = 0;
  /** While the log is read after a lost session, live changes wait here. */
  #held: string[] | null = null;
  #timers: NodeJS.Timeout[] = [];
  #stopped = false;

  constructor(
    private readonly db: Database,
    private readonly catalog: Catalog,
    private readonly subscriptions: Subscriptions,
    private readonly stats: FeedStats,
    private readonly log: (msg: string, err?: unknown) => void,
    private readonly onGap: (reason: string) => void = () => {},
    private readonly durability: FeedDurability = DEFAULT_DURABILITY,
  ) {
    this.#durable = db.kind === 'postgres';
  }

  async start(): Promise<void> {
    if (this.#durable) {
      const [{ now }] = (await this.db.query<{ now: string }>('select floor(extract(epoch from clock_timestamp()) * 1000)::bigint as now')) as [{ now: string }];
      this.#lastAlive = Number(now);
    }
    this.#unlisten.push(
      await this.db.listen('standin_realtime', (payload) => this.#receive(payload), {
        lost: () => {
          this.#held ??= [];
        },
        back: () => void this.#recover(),
      }),
    );
    // DDL notified while the session was lost is unknown: forget all cached metadata
    this.#unlisten.push(await this.db.listen('standin_ddl', () => this.catalog.invalidate(), { back: () => this.catalog.invalidate() }));
    if (this.#durable) {
      this.#timers.push(setInterval(() => void this.#heartbeat(), this.durability.heartbeatMs));
      this.#timers.push(setInterval(() => void this.#trimLog(), Math.min(60_000, this.durability.retentionMs / 4)));
      for (const t of this.#timers) t.unref();
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const t of this.#timers.splice(0)) clearInterval(t);
    for (const u of this.#unlisten.splice(0)) await u().catch(() => {});
  }

  #receive(payload: string): void {
    if (payload.startsWith('{"hb":')) {
      this.#lastAlive = Number(/^\{"hb":(\d+)/.exec(payload)?.[1] ?? this.#lastAlive);
      // an id older than the recovery window is never read from the log again
      this.#forgetBefore(this.#lastAlive - this.durability.marginMs - 5 * this.durability.heartbeatMs);
      return;
    }
    if (this.#held) this.#held.push(payload);
    else this.#enqueue(payload);
  }

  #enqueue(payload: string): void {
    if (this.#durable) {
      const id = LOG_ID.exec(payload)?.[1] ?? /^\{"log":(\d+)\}$/.exec(payload)?.[1];
      if (id !== undefined) {
        if (this.#seen.has(Number(id))) return; // had it already (read from the log while the session was lost)
        this.#seen.set(Number(id), this.#lastAlive);
      }
    }
    this.#queue.push(payload);
    this.#pump();
  }

  async #heartbeat(): Promise<void> {
    await this.db
      .query(`select pg_notify('standin_realtime', json_build_object('hb', floor(extract(epoch from clock_timestamp()) * 1000)::bigint)::text)`)
      .catch(() => {}); // the database is away: the session's loss (or not) shows when it is back
  }

  async #trimLog(): Promise<void> {
    await this.db
      .query('delete from standin_realtime.changes where ts < floor(extract(epoch from clock_timestamp()) * 1000) - $1', [this.durability.retentionMs])
      .catch(() => {});
  }

  #forgetBefore(ts: number): void {
    for (const [id, at] of this.#seen) {
      if (at >= ts) break; // insertion order is arrival order
      this.#seen.delete(id);
    }
  }

  /**
   * The LISTEN session is back after a loss: what was notified meanwhile is gone, so the log is read from a margin
   * before the last heartbeat, and every change not had is queued, in log order, before the live ones held back.
   */
  async #recover(): Promise<void> {
    if (!this.#durable || this.#stopped) return;
    this.stats.relistens++;
    const held: string[] = this.#held ?? [];
    this.#held = held;
    const since = this.#lastAlive - this.durability.marginMs;
    const deadline = Date.now() + this.durability.giveUpMs;
    let rows: Array<{ id: string; payload: string }> | null = null;
    for (let delay = 100; !this.#stopped && Date.now() < deadline; delay = Math.min(delay * 2, 2000)) {
      try {
        rows = await this.db.query<{ id: string; payload: string }>('select id, payload from standin_realtime.changes where ts >= $1 order by id', [since]);
        break;
      } catch (error) {
        if (!isConnectionError(error)) {
          this.log('postgres_changes: the change log could not be read', error);
          break;
        }
        await new Promise((r) => setTimeout(r, delay));
      }
    }
    if (this.#held !== held) return; // a later loss took over
    this.#held = null;
    if (rows === null) {
      this.stats.gaps++;
      this.onGap('the change log could not be read after the database connection was lost');
    } else {
      for (const r of rows) {
        if (this.#seen.has(Number(r.id))) continue;
        this.stats.recovered++;
        this.#enqueue(`{"id":${r.id},${r.payload.slice(1)}`);
      }
    }
    for (const payload of held) this.#enqueue(payload);
  }

  /**
   * Up to three batches are evaluated at once (their RLS checks overlap in the database), but deliveries are
   * chained, so subscribers still receive changes in commit order.
   */
  #pump(): void {
    while (this.#inflight < 3 && this.#queue.length > 0) {
      const batch = this.#queue.splice(0, 256);
      this.#inflight++;
      const evaluated = this.#evaluateRetrying(batch);
      this.#delivering = this.#delivering
        .then(async () => this.#deliverAll(await evaluated))
        .catch((error) => this.log('postgres_changes: a batch of changes could not be delivered', error))
        .finally(() => {
          this.#inflight--;
          this.#pump();
        });
    }
  }

  /**
   * #evaluate(), again while the database is unreachable (a restart): the changes are committed and must be
   * delivered. Given up after `giveUpMs`, or at once for any other error: the channels are told to rejoin (a
   * client that rejoins catches up), since this batch is not delivered.
   */
  async #evaluateRetrying(batch: string[]): Promise<Delivery[]> {
    const deadline = Date.now() + this.durability.giveUpMs;
    for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
      try {
        return await this.#evaluate(batch);
      } catch (error) {
        if (this.#stopped) return [];
        if (!isConnectionError(error) || Date.now() > deadline) {
          this.log('postgres_changes: a batch of changes could not be evaluated', error);
          this.stats.gaps++;
          this.onGap('a batch of changes could not be evaluated');
          return [];
        }
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /** Decides, for each change of a batch, which subscriptions receive it. */
  async #evaluate(batch: string[]): Promise<Delivery[]> {
    const changes = await this.#decode(batch);
    const plans: Plan[] = [];
    for (const change of changes) {
      const subs = this.subscriptions.forTable(`${change.schema}.${change.table}`);
      if (!subs || subs.size === 0) continue;
      const meta = await this.catalog.table(change.schema, change.table);
      if (!meta) continue;
      const plan: Plan = { change, meta, candidates: [], groups: new Map(), rlsChecked: new Set(), errors: new Map() };
      if (change.type === 'DELETE') {
        // the row is gone and cannot be RLS-checked: filters see only what replication would carry of it
        const identity = deleteIdentity(change, meta);
        for (const sub of subs) {
          if (!sub.channel.closed && (sub.event === '*' || sub.event === 'DELETE') && matches(sub.conditions, identity) && matches(sub.patterns, identity)) {
            plan.candidates.push(sub);
          }
        }
      } else {
        await planRowChange(this.catalog, plan, subs);
      }
      if (plan.candidates.length > 0) plans.push(plan);
    }
    const checked = plans.filter((p) => p.groups.size > 0);
    const verdicts = checked.length > 0 ? await checkRls(this.db, this.stats, checked) : [];
    return plans.map((plan) => {
      const index = checked.indexOf(plan);
      if (index < 0) return { change: plan.change, meta: plan.meta, subs: plan.candidates, errors: plan.errors };
      const allowed = new Set(verdicts[index]);
      const hidden = new Set<Subscription>();
      [...plan.groups.values()].forEach((group, i) => {
        if (!allowed.has(String(i))) for (const s of group.subs) hidden.add(s);
      });
      // pattern filters run here, on rows RLS showed the subscriber, and nowhere else
      const subs = plan.candidates.filter((s) => !hidden.has(s) && (!plan.rlsChecked.has(s) || matches(s.patterns, plan.change.record)));
      return { change: plan.change, meta: plan.meta, subs, errors: plan.errors };
    });
  }

  async #decode(batch: string[]): Promise<Change[]> {
    const overflowIds: number[] = [];
    const logIds: number[] = [];
    const parsed = batch.map((text) => {
      try {
        const v = JSON.parse(text) as Change | { overflow: number } | { log: number };
        if ('overflow' in v) overflowIds.push(v.overflow);
        if ('log' in v) logIds.push(v.log);
        return v;
      } catch {
        return null;
      }
    });
    const overflow = new Map<number, Change>();
    if (overflowIds.length > 0) {
      const rows = await this.db.query<{ id: number; payload: string }>(
        'delete from standin_realtime.overflow where id = any ($1::bigint[]) returning id, payload',
        [overflowIds],
      );
      for (const r of rows) overflow.set(Number(r.id), JSON.parse(r.payload) as Change);
    }
    const logged = new Map<number, Change>();
    if (logIds.length > 0) {
      const rows = await this.db.query<{ id: number; payload: string }>('select id, payload from standin_realtime.changes where id = any ($1::bigint[])', [logIds]);
      for (const r of rows) logged.set(Number(r.id), JSON.parse(r.payload) as Change);
    }
    const out: Change[] = [];
    for (const v of parsed) {
      if (!v) continue;
      const change = 'overflow' in v ? overflow.get(v.overflow) : 'log' in v ? logged.get(v.log) : v;
      if (change) out.push(change);
    }
    return out;
  }

  async #deliverAll(deliveries: Delivery[]): Promise<void> {
    for (const d of deliveries) await deliver(this.catalog, this.stats, d);
  }

}
