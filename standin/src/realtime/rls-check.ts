/**
 * The RLS side of postgres_changes: which subscribers of an INSERT/UPDATE need their RLS asked, and the check
 * itself, run as each subscriber (role + claims) by looking the row up by primary key after commit. All checks of a
 * batch of changes go to the database in one statement; a failing statement is retried one subscriber at a time.
 */
import type { Database } from '../db/database.ts';
import { PG_CHANGES_ERROR } from '../protocol/constants.ts';
import { asJson, quoteIdent, quoteLiteral, type Catalog, type TableMeta } from './catalog.ts';
import type { Change, FeedStats } from './change-feed.ts';
import { matches } from './filters.ts';
import type { Subscription } from './subscriptions.ts';

/** One change of a batch, while its subscribers are being decided. */
export interface Plan {
  change: Change;
  meta: TableMeta;
  candidates: Subscription[];
  /** subscribers that need an RLS check, grouped by (role, claims) */
  groups: Map<string, { role: string; claims: string; subs: Subscription[] }>;
  /** candidates whose delivery waits on their RLS verdict (and then on their pattern filters) */
  rlsChecked: Set<Subscription>;
  errors: Map<Subscription, string>;
}

/**
 * INSERT/UPDATE: which subscriptions are candidates, which get an error frame (as the real server: no primary
 * key, or a primary key the role may not read, answers every subscriber of that role whatever its filter), and
 * which need an RLS check before their pattern filters may look at the row.
 */
export async function planRowChange(catalog: Catalog, plan: Plan, subs: Iterable<Subscription>): Promise<void> {
  const { change, meta } = plan;
  // per role, once per change: a table has many subscribers but few roles, and an await per subscriber
  // costs the whole fan-out a microtask hop each
  const pkReadable = new Map<string, boolean>();
  const bypasses = new Map<string, boolean>();
  for (const sub of subs) {
    if (sub.channel.closed) continue;
    if (sub.event !== '*' && sub.event !== change.type) continue;
    if (meta.pk.length === 0) {
      plan.candidates.push(sub);
      plan.errors.set(sub, PG_CHANGES_ERROR.noPrimaryKey);
      continue;
    }
    const role = sub.channel.role;
    let readable = pkReadable.get(role);
    if (readable === undefined) {
      const selectable = await catalog.selectable(meta, role);
      pkReadable.set(role, (readable = meta.pk.every((c) => selectable.has(c))));
    }
    if (!readable) {
      plan.candidates.push(sub);
      plan.errors.set(sub, PG_CHANGES_ERROR.unauthorized);
      continue;
    }
    if (!matches(sub.conditions, change.record)) continue;
    let bypass = bypasses.get(role);
    if (bypass === undefined) bypasses.set(role, (bypass = !meta.checkFunction || (await catalog.bypassesRls(role))));
    if (bypass) {
      // no RLS between this subscriber and the row: every row of the table is theirs to see
      if (matches(sub.patterns, change.record)) plan.candidates.push(sub);
      continue;
    }
    plan.candidates.push(sub);
    plan.rlsChecked.add(sub);
    const claims = JSON.stringify(sub.channel.claims);
    const key = `${role}\u0000${claims}`;
    let group = plan.groups.get(key);
    if (!group) plan.groups.set(key, (group = { role, claims, subs: [] }));
    group.subs.push(sub);
  }
}

/**
 * One statement checks every (change × distinct subscriber) pair of a batch, through each table's check
 * function. If it fails (a policy that raises), the batch is checked again one subscriber at a time, so a
 * broken policy hides rows from the subscribers it breaks for and nobody else.
 */
export async function checkRls(db: Database, stats: FeedStats, plans: Plan[]): Promise<string[][]> {
  const params: string[] = [];
  const calls = plans.map((plan) => {
    const pk = Object.fromEntries(plan.meta.pk.map((c) => [c, plan.change.record?.[c] ?? null]));
    // keys sent to the database are indexes into plan.groups (claims JSON may hold anything)
    const subs = [...plan.groups.values()].map((g, i) => ({ k: String(i), role: g.role, claims: g.claims }));
    params.push(JSON.stringify(pk), JSON.stringify(subs));
    return `${plan.meta.checkFunction}($${params.length - 1}::text::jsonb, $${params.length}::text::jsonb)`;
  });
  stats.rlsChecks++;
  try {
    const [row] = await db.query<{ v: unknown }>(`select json_build_array(${calls.join(', ')})::text as v`, params);
    return asJson<string[][]>(row!.v);
  } catch {
    const out: string[][] = [];
    for (const plan of plans) {
      const pk = Object.fromEntries(plan.meta.pk.map((c) => [c, plan.change.record?.[c] ?? null]));
      const subs = [...plan.groups.values()].map((g, i) => ({ k: String(i), role: g.role, claims: g.claims }));
      const [row] = await db.query<{ v: unknown }>('select standin_realtime.visible_to($1::text::jsonb)::text as v', [
        JSON.stringify([{ q: existsQuery(plan.meta), pk, subs }]),
      ]);
      out.push(asJson<string[][]>(row!.v)[0] ?? []);
    }
    return out;
  }
}

/** The row lookup the generic (slow, per-subscriber-safe) checker runs; $1 is the key as JSON. */
function existsQuery(meta: TableMeta): string {
  const where = meta.pk.map((c) => `${quoteIdent(c)} = ($1 ->> ${quoteLiteral(c)})::${meta.columnByName.get(c)!.format}`).join(' and ');
  return `select exists (select 1 from ${quoteIdent(meta.schema)}.${quoteIdent(meta.table)} where ${where})`;
}
