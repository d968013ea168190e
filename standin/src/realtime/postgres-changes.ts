/**
 * postgres_changes: subscriptions per published table, and the change feed that delivers row changes to them.
 *
 * Capture: a row trigger on each table in publication `supabase_realtime` NOTIFYs after commit (db/realtime.sql),
 * so changes arrive here in commit order on PGlite and PostgreSQL alike. Each change is matched against every
 * subscription's event and cheap filters, then checked against each subscriber's RLS as that subscriber (role +
 * claims): all checks for a batch of queued changes go to the database in one call. Pattern filters (like, match…)
 * run only on rows the subscriber may see. One frame per channel per change carries the ids of every binding of
 * that channel that matched; columns the subscriber's role may not SELECT are left out.
 *
 * DELETEs are matched as Supabase Realtime matches them: against the old tuple as replication would carry it (the
 * primary key, unless replica identity is full and the table has no RLS), and delivered without an RLS check
 * (the row is gone) with the primary key only, so a filter can never test a deleted row's content.
 *
 * The work is split as the real server splits it; this class only wires the parts together:
 *   catalog.ts        table metadata, column privileges, RLS bypass, filter value normalisation (cached)
 *   subscriptions.ts  the registry: bindings parsed and prepared, subscribe/unsubscribe
 *   change-feed.ts    LISTEN/NOTIFY intake, queue, batching, in-order delivery, overflow payloads
 *   rls-check.ts      who needs an RLS check, the batched check and its per-subscriber fallback
 *   dispatch.ts       the frame per channel: readable columns, DELETE identity, oversize records
 */
import type { Database } from '../db/database.ts';
import { Catalog } from './catalog.ts';
import { ChangeFeed, type FeedDurability, type FeedStats } from './change-feed.ts';
import type { Channel } from './channel.ts';
import { Subscriptions, type SubscribeResult } from './subscriptions.ts';

export { Catalog, type TableMeta } from './catalog.ts';
export type { SubscribeResult } from './subscriptions.ts';

/** Subscriptions by table, plus the change feed that serves them. */
export class PostgresChanges {
  readonly catalog: Catalog;
  readonly #subscriptions: Subscriptions;
  readonly #feed: ChangeFeed;
  readonly #stats: FeedStats = { delivered: 0, rlsChecks: 0, relistens: 0, recovered: 0, gaps: 0 };

  /**
   * `onGap(channels, reason)`: changes these channels subscribed to may be lost (change-feed.ts); the hub makes
   * each of them rejoin.
   */
  constructor(db: Database, log: (msg: string, err?: unknown) => void, onGap: (channels: Channel[], reason: string) => void = () => {}, durability?: FeedDurability) {
    this.catalog = new Catalog(db);
    this.#subscriptions = new Subscriptions(this.catalog);
    this.#feed = new ChangeFeed(db, this.catalog, this.#subscriptions, this.#stats, log, (reason) => onGap(this.#subscriptions.channels(), reason), durability);
  }

  /** Deliveries made (one per channel per change), for diagnostics and benchmarks. */
  get delivered(): number {
    return this.#stats.delivered;
  }

  /** Statements run to check RLS for batches of changes (one per batch, for every subscriber at once). */
  get rlsChecks(): number {
    return this.#stats.rlsChecks;
  }

  /** The feed's guard against lost changes, in figures (change-feed.ts). */
  get durabilityStats(): { relistens: number; recovered: number; gaps: number } {
    const { relistens, recovered, gaps } = this.#stats;
    return { relistens, recovered, gaps };
  }

  get subscriptionCount(): number {
    return this.#subscriptions.count;
  }

  start(): Promise<void> {
    return this.#feed.start();
  }

  stop(): Promise<void> {
    return this.#feed.stop();
  }

  /**
   * Validates every binding of the channel and registers them all, or none: the real server answers a bad
   * binding with one `system` error and subscribes nothing for that channel.
   */
  subscribe(channel: Channel): Promise<SubscribeResult> {
    return this.#subscriptions.subscribe(channel);
  }

  unsubscribe(channel: Channel): void {
    this.#subscriptions.unsubscribe(channel);
  }
}
