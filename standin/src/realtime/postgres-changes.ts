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
 */
import type { Database } from '../db/database.ts';
import { LIMITS } from '../protocol/constants.ts';
import type { Channel, PgBinding } from './channel.ts';
import { compilePattern, kindOfType, matches, parseFilter, PATTERN_OPS, type Condition } from './filters.ts';

interface Column {
  name: string;
  type: string; // pg type name as Supabase sends it: int8, text, _text, timestamptz, an enum's name…
  format: string; // format_type(), for casts
}

export interface TableMeta {
  schema: string;
  table: string;
  columns: Column[];
  columnByName: Map<string, Column>;
  pk: string[];
  replicaIdentity: 'd' | 'f' | 'i' | 'n';
  rls: boolean;
  /**
   * `standin_realtime."visible_<oid>"(pk, subs)`: looks the row up by primary key as each subscriber (role +
   * claims) and returns the keys of those who can see it. One function per table so its lookup is static SQL,
   * planned once per session instead of once per subscriber. Null without a primary key.
   */
  checkFunction: string | null;
}

interface Subscription {
  tableKey: string;
  channel: Channel;
  binding: PgBinding;
  event: '*' | 'INSERT' | 'UPDATE' | 'DELETE';
  /** Conditions cheap to evaluate whatever the row holds (eq, in, lt…): checked before RLS, to spare RLS checks. */
  conditions: Condition[];
  /** like/ilike/match/imatch: their cost grows with the row's text, so they only ever run on rows the subscriber may see. */
  patterns: Condition[];
  select: Set<string> | null;
}

interface Plan {
  change: Change;
  meta: TableMeta;
  candidates: Subscription[];
  /** subscribers that need an RLS check, grouped by (role, claims) */
  groups: Map<string, { role: string; claims: string; subs: Subscription[] }>;
  /** candidates whose delivery waits on their RLS verdict (and then on their pattern filters) */
  rlsChecked: Set<Subscription>;
  errors: Map<Subscription, string>;
}

interface Delivery {
  change: Change;
  meta: TableMeta;
  subs: Subscription[];
  errors: Map<Subscription, string>;
}

interface Change {
  schema: string;
  table: string;
  type: 'INSERT' | 'UPDATE' | 'DELETE';
  ts: number;
  record: Record<string, unknown> | null;
  old_record: Record<string, unknown> | null;
}

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;
const quoteLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`;
const asJson = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

/** Table metadata, publication membership and column privileges, cached until DDL says otherwise. */
export class Catalog {
  #tables = new Map<string, Promise<TableMeta | null>>();
  #published: Promise<Set<string>> | null = null;
  #selectable = new Map<string, Promise<Set<string>>>();
  #bypass = new Map<string, Promise<boolean>>();

  constructor(private readonly db: Database) {}

  invalidate(): void {
    this.#tables.clear();
    this.#published = null;
    this.#selectable.clear();
    this.#bypass.clear();
  }

  /**
   * The tables in `supabase_realtime`. `fresh` reads the catalog now instead of trusting the cache: a join right
   * after `alter publication` must see it, and the DDL notification that invalidates the cache is asynchronous.
   */
  published(options: { fresh?: boolean } = {}): Promise<Set<string>> {
    if (options.fresh) this.#published = null;
    this.#published ??= this.db
      .query<{ schemaname: string; tablename: string }>(
        `select schemaname, tablename from pg_catalog.pg_publication_tables where pubname = 'supabase_realtime'`,
      )
      .then((rows) => new Set(rows.map((r) => `${r.schemaname}.${r.tablename}`)));
    return this.#published;
  }

  table(schema: string, table: string): Promise<TableMeta | null> {
    const key = `${schema}.${table}`;
    let meta = this.#tables.get(key);
    if (!meta) {
      meta = this.#loadTable(schema, table);
      this.#tables.set(key, meta);
      meta.catch(() => this.#tables.delete(key));
    }
    return meta;
  }

  async #loadTable(schema: string, table: string): Promise<TableMeta | null> {
    const [row] = await this.db.query<{ oid: number; rls: boolean; replident: string; columns: unknown; pk: unknown }>(
      `select c.oid::int8 as oid, c.relrowsecurity as rls, c.relreplident::text as replident,
              (select json_agg(json_build_object('name', a.attname, 'type', t.typname, 'format', format_type(a.atttypid, a.atttypmod)) order by a.attnum)::text
                 from pg_attribute a join pg_type t on t.oid = a.atttypid
                where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped) as columns,
              (select json_agg(a.attname order by array_position(i.indkey::int2[], a.attnum))::text
                 from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any (i.indkey)
                where i.indrelid = c.oid and i.indisprimary) as pk
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'p')`,
      [schema, table],
    );
    if (!row) return null;
    const columns = asJson<Column[] | null>(row.columns) ?? [];
    const pk = asJson<string[] | null>(row.pk) ?? [];
    const columnByName = new Map(columns.map((c) => [c.name, c]));
    let checkFunction: string | null = null;
    if (pk.length > 0 && row.rls) {
      checkFunction = `standin_realtime.${quoteIdent(`visible_${row.oid}`)}`;
      const where = pk.map((c) => `t.${quoteIdent(c)} = (pk ->> ${quoteLiteral(c)})::${columnByName.get(c)!.format}`).join(' and ');
      await this.db.execScript(`
        create or replace function ${checkFunction}(pk jsonb, subs jsonb) returns jsonb
        language plpgsql set search_path = '' as $fn$
        declare
          sub jsonb;
          ok boolean;
          visible jsonb := '[]';
        begin
          for sub in select value from jsonb_array_elements(subs) loop
            perform set_config('role', sub ->> 'role', true);
            perform set_config('request.jwt.claims', sub ->> 'claims', true);
            perform set_config('request.jwt.claim.sub', coalesce((sub ->> 'claims')::jsonb ->> 'sub', ''), true);
            perform set_config('request.jwt.claim.role', sub ->> 'role', true);
            select exists (select 1 from ${quoteIdent(schema)}.${quoteIdent(table)} t where ${where}) into ok;
            if ok then
              visible := visible || jsonb_build_array(sub -> 'k');
            end if;
          end loop;
          return visible;
        end;
        $fn$;`);
    }
    return { schema, table, columns, columnByName, pk, replicaIdentity: row.replident as TableMeta['replicaIdentity'], rls: row.rls, checkFunction };
  }

  /** Columns `role` may SELECT (column privileges included). */
  selectable(meta: TableMeta, role: string): Promise<Set<string>> {
    const key = `${meta.schema}.${meta.table}\u0000${role}`;
    let cols = this.#selectable.get(key);
    if (!cols) {
      cols = this.db
        .query<{ attname: string }>(
          `select a.attname from pg_attribute a
            where a.attrelid = format('%I.%I', $1::text, $2::text)::regclass and a.attnum > 0 and not a.attisdropped
              and exists (select 1 from pg_roles where rolname = $3)
              and has_column_privilege($3, a.attrelid, a.attnum, 'SELECT')`,
          [meta.schema, meta.table, role],
        )
        .then((rows) => new Set(rows.map((r) => r.attname)))
        .catch(() => new Set<string>());
      this.#selectable.set(key, cols);
    }
    return cols;
  }

  bypassesRls(role: string): Promise<boolean> {
    let b = this.#bypass.get(role);
    if (!b) {
      b = this.db
        .query<{ bypass: boolean }>('select rolbypassrls or rolsuper as bypass from pg_roles where rolname = $1', [role])
        .then((rows) => rows[0]?.bypass === true)
        .catch(() => false);
      this.#bypass.set(role, b);
    }
    return b;
  }

  /** A filter value cast to the column's type and printed as to_jsonb would print the column. */
  async normalize(column: Column, raw: string): Promise<unknown> {
    const [row] = await this.db.query<{ v: unknown }>(`select to_jsonb($1::text::${column.format})::text as v`, [raw]);
    return asJson(row!.v);
  }

  /** normalize() for a whole `in` list in one statement, so a join's cost in queries is one per condition. */
  async normalizeAll(column: Column, raws: readonly string[]): Promise<unknown[]> {
    if (raws.length === 0) return [];
    const [row] = await this.db.query<{ v: unknown }>(
      `select coalesce(json_agg(to_jsonb(x::${column.format}) order by i), '[]')::text as v from unnest($1::text[]) with ordinality as u(x, i)`,
      [raws],
    );
    return asJson<unknown[]>(row!.v);
  }
}

export type SubscribeResult = { ok: true } | { ok: false; message: string };

/** Subscriptions by table, plus the change feed that serves them. */
export class PostgresChanges {
  readonly catalog: Catalog;
  #byTable = new Map<string, Set<Subscription>>();
  #byChannel = new Map<Channel, Subscription[]>();
  #queue: string[] = [];
  #inflight = 0;
  #delivering: Promise<void> = Promise.resolve();
  #unlisten: Array<() => Promise<void>> = [];
  /** Deliveries made (one per channel per change), for diagnostics and benchmarks. */
  delivered = 0;
  /** Statements run to check RLS for batches of changes (one per batch, for every subscriber at once). */
  rlsChecks = 0;

  constructor(private readonly db: Database, private readonly log: (msg: string, err?: unknown) => void) {
    this.catalog = new Catalog(db);
  }

  async start(): Promise<void> {
    this.#unlisten.push(await this.db.listen('standin_realtime', (payload) => this.#enqueue(payload)));
    this.#unlisten.push(await this.db.listen('standin_ddl', () => this.catalog.invalidate()));
  }

  async stop(): Promise<void> {
    for (const u of this.#unlisten.splice(0)) await u().catch(() => {});
  }

  get subscriptionCount(): number {
    let n = 0;
    for (const subs of this.#byChannel.values()) n += subs.length;
    return n;
  }

  /**
   * Validates every binding of the channel and registers them all, or none: the real server answers a bad
   * binding with one `system` error and subscribes nothing for that channel.
   */
  async subscribe(channel: Channel): Promise<SubscribeResult> {
    // A later subscribe of the same channel (a newer token) wins even if this one finishes after it.
    const generation = ++channel.pgGeneration;
    const superseded = () => channel.closed || channel.pgGeneration !== generation;
    if (channel.bindings.length === 0) {
      this.unsubscribe(channel);
      return { ok: true };
    }
    if (channel.bindings.length > LIMITS.maxBindingsPerChannel) {
      this.unsubscribe(channel);
      return { ok: false, message: `Unable to subscribe to changes: a channel may have at most ${LIMITS.maxBindingsPerChannel} postgres_changes bindings` };
    }
    const published = await this.catalog.published({ fresh: true });
    const pending: Array<{ key: string; sub: Subscription }> = [];
    for (const binding of channel.bindings) {
      const result = await this.#prepare(channel, binding, published);
      if (superseded()) return { ok: true };
      if (!result.ok) {
        this.unsubscribe(channel);
        return result;
      }
      pending.push(...result.subs);
    }
    if (superseded()) return { ok: true };
    // swap in one step, so a re-subscribe (new token) never leaves a gap in delivery
    this.unsubscribe(channel);
    for (const { key, sub } of pending) {
      let set = this.#byTable.get(key);
      if (!set) this.#byTable.set(key, (set = new Set()));
      set.add(sub);
    }
    this.#byChannel.set(channel, pending.map((p) => p.sub));
    return { ok: true };
  }

  unsubscribe(channel: Channel): void {
    const subs = this.#byChannel.get(channel);
    if (!subs) return;
    this.#byChannel.delete(channel);
    for (const sub of subs) {
      const set = this.#byTable.get(sub.tableKey);
      if (set?.delete(sub) && set.size === 0) this.#byTable.delete(sub.tableKey);
    }
  }

  async #prepare(
    channel: Channel,
    binding: PgBinding,
    published: Set<string>,
  ): Promise<{ ok: true; subs: Array<{ key: string; sub: Subscription }> } | { ok: false; message: string }> {
    const unable = { ok: false as const, message: `Unable to subscribe to changes with given parameters. Please check Realtime is enabled for the given connect parameters: ${describeBinding(binding)}` };
    // the binding came off the wire: anything but the documented shapes is refused, never coerced
    const optionalString = (v: unknown) => v === undefined || v === null || typeof v === 'string';
    if (!optionalString(binding.event) || !optionalString(binding.schema) || !optionalString(binding.table) || !optionalString(binding.filter)) return unable;
    if (binding.select !== undefined && binding.select !== null && !(Array.isArray(binding.select) && binding.select.every((c) => typeof c === 'string'))) return unable;
    const schema = binding.schema || 'public';
    const table = binding.table || '*';
    const upper = (binding.event ?? '*').toUpperCase();
    const event = (['INSERT', 'UPDATE', 'DELETE'].includes(upper) ? upper : '*') as Subscription['event'];

    const tables = [...published].filter((key) => {
      const [s, t] = splitKey(key);
      return (schema === '*' || s === schema) && (table === '*' || t === table);
    });
    if (tables.length === 0) return unable;
    const parsed = parseFilter(binding.filter);
    if (!parsed.ok) return { ok: false, message: parsed.error };
    if (parsed.conditions.length > 0 && (table === '*' || schema === '*')) return unable;
    if (binding.select && (table === '*' || schema === '*')) return unable;

    const subs: Array<{ key: string; sub: Subscription }> = [];
    for (const key of tables) {
      const [s, t] = splitKey(key);
      const meta = await this.catalog.table(s, t);
      if (!meta) return unable;
      const selectable = await this.catalog.selectable(meta, channel.role);
      const conditions: Condition[] = [];
      const patterns: Condition[] = [];
      for (const c of parsed.conditions) {
        const column = meta.columnByName.get(c.column);
        if (!column || !selectable.has(c.column)) return { ok: false, message: `Error parsing \`filter\` params: column "${c.column}" is unknown or not readable` };
        const kind = kindOfType(column.type);
        let value: unknown;
        try {
          if (c.op === 'is') {
            if (c.raw !== 'null' && column.type !== 'bool') return { ok: false, message: `Error parsing \`filter\` params: is.${String(c.raw)} needs a boolean column` };
            value = c.raw;
          } else if (c.op === 'like' || c.op === 'ilike' || c.op === 'match' || c.op === 'imatch') {
            if (kind !== 'text') return { ok: false, message: `Error parsing \`filter\` params: ${c.op} needs a text column` };
            const compiled = compilePattern(c.op, c.raw as string);
            if (!compiled.ok) return { ok: false, message: `Error parsing \`filter\` params: ${c.op}.${JSON.stringify(c.raw)}: ${compiled.error}` };
            value = compiled.match;
          } else if (c.op === 'in') {
            value = await this.catalog.normalizeAll(column, c.raw as string[]);
          } else {
            value = await this.catalog.normalize(column, c.raw as string);
          }
        } catch (error) {
          return { ok: false, message: `Error parsing \`filter\` params: ${JSON.stringify([c.column, c.raw])}: ${(error as Error).message}` };
        }
        (PATTERN_OPS.has(c.op) ? patterns : conditions).push({ column: c.column, op: c.op, negate: c.negate, kind, value });
      }
      let select: Set<string> | null = null;
      if (binding.select) {
        if (binding.select.some((col) => !meta.columnByName.has(col))) return unable;
        select = new Set([...binding.select, ...meta.pk]);
      }
      subs.push({ key, sub: { tableKey: key, channel, binding, event, conditions, patterns, select } });
    }
    return { ok: true, subs };
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
      const subs = this.#byTable.get(`${change.schema}.${change.table}`);
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
        await this.#planRowChange(plan, subs);
      }
      if (plan.candidates.length > 0) plans.push(plan);
    }
    const checked = plans.filter((p) => p.groups.size > 0);
    const verdicts = checked.length > 0 ? await this.#checkRls(checked) : [];
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

  /**
   * INSERT/UPDATE: which subscriptions are candidates, which get an error frame (as the real server: no primary
   * key, or a primary key the role may not read, answers every subscriber of that role whatever its filter), and
   * which need an RLS check before their pattern filters may look at the row.
   */
  async #planRowChange(plan: Plan, subs: Iterable<Subscription>): Promise<void> {
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
        plan.errors.set(sub, 'Error 400: Bad Request, no primary key');
        continue;
      }
      const role = sub.channel.role;
      let readable = pkReadable.get(role);
      if (readable === undefined) {
        const selectable = await this.catalog.selectable(meta, role);
        pkReadable.set(role, (readable = meta.pk.every((c) => selectable.has(c))));
      }
      if (!readable) {
        plan.candidates.push(sub);
        plan.errors.set(sub, 'Error 401: Unauthorized');
        continue;
      }
      if (!matches(sub.conditions, change.record)) continue;
      let bypass = bypasses.get(role);
      if (bypass === undefined) bypasses.set(role, (bypass = !meta.checkFunction || (await this.catalog.bypassesRls(role))));
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
  async #checkRls(plans: Plan[]): Promise<string[][]> {
    const params: string[] = [];
    const calls = plans.map((plan) => {
      const pk = Object.fromEntries(plan.meta.pk.map((c) => [c, plan.change.record?.[c] ?? null]));
      // keys sent to the database are indexes into plan.groups (claims JSON may hold anything)
      const subs = [...plan.groups.values()].map((g, i) => ({ k: String(i), role: g.role, claims: g.claims }));
      params.push(JSON.stringify(pk), JSON.stringify(subs));
      return `${plan.meta.checkFunction}($${params.length - 1}::text::jsonb, $${params.length}::text::jsonb)`;
    });
    this.rlsChecks++;
    try {
      const [row] = await this.db.query<{ v: unknown }>(`select json_build_array(${calls.join(', ')})::text as v`, params);
      return asJson<string[][]>(row!.v);
    } catch {
      const out: string[][] = [];
      for (const plan of plans) {
        const pk = Object.fromEntries(plan.meta.pk.map((c) => [c, plan.change.record?.[c] ?? null]));
        const subs = [...plan.groups.values()].map((g, i) => ({ k: String(i), role: g.role, claims: g.claims }));
        const [row] = await this.db.query<{ v: unknown }>('select standin_realtime.visible_to($1::text::jsonb)::text as v', [
          JSON.stringify([{ q: existsQuery(plan.meta), pk, subs }]),
        ]);
        out.push(asJson<string[][]>(row!.v)[0] ?? []);
      }
      return out;
    }
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
    for (const d of deliveries) await this.#deliver(d);
  }

  /** One frame per channel (per select list): the ids of every binding of that channel that matched. */
  async #deliver({ change, meta, subs, errors }: Delivery): Promise<void> {
    const perChannel = new Map<Channel, Map<string, Subscription[]>>();
    for (const sub of subs) {
      const key = `${sub.select ? [...sub.select].sort().join(',') : '*'}\u0000${errors.get(sub) ?? ''}`;
      let groups = perChannel.get(sub.channel);
      if (!groups) perChannel.set(sub.channel, (groups = new Map()));
      const list = groups.get(key);
      if (list) list.push(sub);
      else groups.set(key, [sub]);
    }
    // the `data` JSON depends only on the columns a role may see (and the select list), so it is built once
    const dataJson = new Map<string, string>();
    for (const [channel, groups] of perChannel) {
      if (channel.closed) continue;
      const selectable = await this.catalog.selectable(meta, channel.role);
      for (const [key, list] of groups) {
        const error = errors.get(list[0]!);
        const dataKey = `${channel.role}\u0000${key}`;
        let data = dataJson.get(dataKey);
        if (data === undefined) {
          data = JSON.stringify(
            error
              ? { schema: change.schema, table: change.table, type: change.type, errors: [error] }
              : this.#payload(change, meta, selectable, list[0]!.select),
          );
          dataJson.set(dataKey, data);
        }
        const ids = JSON.stringify([...new Set(list.map((s) => s.binding.id))]);
        const topic = JSON.stringify(channel.topic);
        const payload = `{"ids":${ids},"data":${data}}`;
        channel.socket.sendRaw(
          channel.socket.vsn === '2.0.0'
            ? `[null,null,${topic},"postgres_changes",${payload}]`
            : `{"topic":${topic},"event":"postgres_changes","payload":${payload},"ref":null,"join_ref":null}`,
          false,
        );
        this.delivered++;
      }
    }
  }

  #payload(change: Change, meta: TableMeta, selectable: Set<string>, select: Set<string> | null): Record<string, unknown> {
    const visible = (name: string) => selectable.has(name) && (!select || select.has(name));
    const pick = (row: Record<string, unknown> | null, keep: (name: string) => boolean) => {
      const out: Record<string, unknown> = {};
      if (row) for (const c of meta.columns) if (keep(c.name) && c.name in row) out[c.name] = row[c.name];
      return out;
    };
    const data: Record<string, unknown> = {
      schema: change.schema,
      table: change.table,
      commit_timestamp: new Date(change.ts).toISOString(),
      type: change.type,
      columns: meta.columns.filter((c) => visible(c.name)).map((c) => ({ name: c.name, type: c.type })),
    };
    if (change.type !== 'DELETE') data.record = pick(change.record, visible);
    if (change.type !== 'INSERT') {
      // Replica identity decides what the old row carries; a deleted row under RLS only ever shows its key.
      const full = meta.replicaIdentity === 'f' && !(change.type === 'DELETE' && meta.rls);
      data.old_record = pick(change.old_record, (name) => visible(name) && (full || meta.pk.includes(name)));
    }
    data.errors = null;
    if (JSON.stringify(data).length > LIMITS.maxRecordBytes) {
      for (const key of ['record', 'old_record'] as const) {
        const row = data[key] as Record<string, unknown> | undefined;
        if (row) for (const [k, v] of Object.entries(row)) if (JSON.stringify(v).length > 64) delete row[k];
      }
      data.errors = ['Error 413: Payload Too Large'];
    }
    return data;
  }
}

/** The row lookup the generic (slow, per-subscriber-safe) checker runs; $1 is the key as JSON. */
function existsQuery(meta: TableMeta): string {
  const where = meta.pk.map((c) => `${quoteIdent(c)} = ($1 ->> ${quoteLiteral(c)})::${meta.columnByName.get(c)!.format}`).join(' and ');
  return `select exists (select 1 from ${quoteIdent(meta.schema)}.${quoteIdent(meta.table)} where ${where})`;
}

/**
 * What a DELETE's filters may look at: the old tuple as logical replication carries it. Only replica identity
 * full carries more than the primary key, and under RLS even that is cut to the key, since nobody can be
 * RLS-checked against a row that no longer exists.
 */
function deleteIdentity(change: Change, meta: TableMeta): Record<string, unknown> | null {
  const old = change.old_record;
  if (!old) return null;
  if (meta.replicaIdentity === 'f' && !meta.rls) return old;
  return Object.fromEntries(meta.pk.filter((c) => c in old).map((c) => [c, old[c]]));
}

function describeBinding(binding: PgBinding): string {
  const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '');
  const described = `[event: ${text(binding.event ?? '*')}, schema: ${text(binding.schema ?? 'public')}, table: ${text(binding.table ?? '*')}, filters: [${text(binding.filter ?? '')}], select: ${binding.select ? JSON.stringify(binding.select) : 'nil'}]`;
  return described.length > 1000 ? `${described.slice(0, 1000)}…` : described;
}

function splitKey(key: string): [string, string] {
  const i = key.indexOf('.');
  return [key.slice(0, i), key.slice(i + 1)];
}
