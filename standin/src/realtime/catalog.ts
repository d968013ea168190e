/**
 * What postgres_changes needs to know of the database, cached until DDL says otherwise: table metadata, the
 * publication's tables, column privileges per role, who bypasses RLS, and filter values cast as the columns they
 * test. The per-table RLS check functions are created here, when a table's metadata is first loaded, so they exist
 * before any change of that table is checked.
 */
import { actAsPlpgsql } from '../db/act-as.ts';
import type { Database } from '../db/database.ts';

export interface Column {
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

export const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;
export const quoteLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`;
export const asJson = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

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
${actAsPlpgsql("sub ->> 'role'", "sub ->> 'claims'", '            ')}
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
