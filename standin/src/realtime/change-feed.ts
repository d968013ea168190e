/**
 * The postgres_changes change feed. A row trigger on each table in publication `supabase_realtime` NOTIFYs after
 * commit (db/realtime.sql), so changes arrive here in commit order on PGlite and PostgreSQL alike; a change too
 * large for a NOTIFY arrives as the id of a row in `standin_realtime.overflow`. Changes are queued and evaluated in
 * batches (matching in subscriptions' filters, RLS checks in rls-check.ts) and delivered (dispatch.ts) strictly in
 * the order they were received.
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
}

/** NOTIFY intake, the queue, and the pump that evaluates batches side by side but delivers them one after another. */
export class ChangeFeed {
  #queue: string[] = [];
  #inflight = 0;
  #delivering: Promise<void> = Promise.resolve();
  #unlisten: Array<() => Promise<void>> = [];

  constructor(
    private readonly db: Database,
    private readonly catalog: Catalog,
    private readonly subscriptions: Subscriptions,
    private readonly stats: FeedStats,
    private readonly log: (msg: string, err?: unknown) => void,
  ) {}

  async start(): Promise<void> {
    this.#unlisten.push(await this.db.listen('standin_realtime', (payload) => this.#enqueue(payload)));
    this.#unlisten.push(await this.db.listen('standin_ddl', () => this.catalog.invalidate()));
  }

  async stop(): Promise<void> {
    for (const u of this.#unlisten.splice(0)) await u().catch(() => {});
  }

  #enqueue(payload: string): void {
    this.#queue.push(payload);
    this.#pump();
  }

  /**
   * Up to three batches are evaluated at once (their RLS checks overlap in the database), but deliveries are
   * chained, so subscribers still receive changes in commit order.
   */
  #pump(): void {
    while (this.#inflight < 3 && this.#queue.length > 0) {
      const batch = this.#queue.splice(0, 256);
      this.#inflight++;
      const evaluated = this.#evaluate(batch);
      this.#delivering = this.#delivering
        .then(async () => this.#deliverAll(await evaluated))
        .catch((error) => this.log('postgres_changes: a batch of changes could not be delivered', error))
        .finally(() => {
          this.#inflight--;
          this.#pump();
        });
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
    const parsed = batch.map((text) => {
      try {
        const v = JSON.parse(text) as Change | { overflow: number };
        if ('overflow' in v) overflowIds.push(v.overflow);
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
    const out: Change[] = [];
    for (const v of parsed) {
      if (!v) continue;
      const change = 'overflow' in v ? overflow.get(v.overflow) : v;
      if (change) out.push(change);
    }
    return out;
  }

  async #deliverAll(deliveries: Delivery[]): Promise<void> {
    for (const d of deliveries) await deliver(this.catalog, this.stats, d);
  }

}
