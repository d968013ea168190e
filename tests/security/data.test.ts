// The data API matrix: every table (read, update of each column, insert, delete) and every RPC, as each role.
import type { SupabaseClient } from '@supabase/supabase-js';
import { beforeAll, describe, expect, test } from 'vitest';
import { RPCS, TABLES, type TableRule } from './expectations.ts';
import { createWorld, ROLES, type Role, type World } from './world.ts';

let w: World;
beforeAll(async () => {
  w = await createWorld();
});

type Row = Record<string, unknown>;
const client = (role: Role): SupabaseClient => w.clients[role];
/** `q.eq(column, value)` for each entry of `filter` (typed loosely: the builder's own generics are too deep). */
function match<Q>(q: Q, filter: Row): Q {
  let acc = q as unknown as { eq(column: string, value: unknown): unknown };
  for (const [k, v] of Object.entries(filter)) acc = acc.eq(k, v) as typeof acc;
  return acc as unknown as Q;
}
/** The status PostgREST gives a denied privilege: 401 without a session, 403 with one. */
const deniedStatus = (role: Role) => (role === 'anon' ? 401 : 403);

async function targetRow(table: string, rule: TableRule): Promise<Row> {
  const { data, error } = await match(w.clients.service.from(table).select('*'), rule.target(w)).single();
  if (error) throw new Error(`${table}: ${error.message}`);
  return data as Row;
}

const tableCases = Object.entries(TABLES).flatMap(([table, rule]) => ROLES.map((role) => ({ table, rule, role })));

describe('tables', () => {
  test.each(tableCases)('$table: $role reads only what it may', async ({ table, rule, role }) => {
    const columns = role === 'service' || !rule.readColumns ? '*' : rule.readColumns.join(',');
    const { data, error, status } = await match(client(role).from(table).select(columns), rule.target(w));
    if (role === 'anon') {
      expect(status).toBe(401);
      expect(error?.code).toBe('42501');
      return;
    }
    expect(error).toBeNull();
    const visible = role === 'service' || role === 'memberA';
    expect(data).toHaveLength(visible ? 1 : 0);
    if (role === 'memberB' || role === 'outsider') {
      // and nothing of A's by any other route: an unfiltered read shows no row of A's distributor
      const all = await client(role).from(table).select(columns);
      const leaked = (all.data as unknown as Row[]).filter((r) => (table === 'distributors' ? r.id : r.distributor_id) === w.a.id);
      expect(leaked).toEqual([]);
    }
  });

  test.each(tableCases.filter((c) => c.rule.readColumns && c.role !== 'service'))('$table: $role reads none of the other columns', async ({ table, rule, role }) => {
    const hidden = Object.keys(await targetRow(table, rule)).filter((c) => !rule.readColumns!.includes(c));
    expect(hidden.length).toBeGreaterThan(0);
    for (const column of ['*', ...hidden]) {
      const { status, error } = await match(client(role).from(table).select(column), rule.target(w));
      expect({ column, status, code: error?.code }).toEqual({ column, status: deniedStatus(role), code: '42501' });
    }
  });

  test.each(tableCases.filter((c) => c.role !== 'service'))('$table: $role updates only the columns it may, and only its own rows', async ({ table, rule, role }) => {
    const before = await targetRow(table, rule);
    for (const [column, value] of Object.entries(before)) {
      if (rule.generated?.includes(column)) continue; // generated always: nobody writes it
      // writing a column's current value: a granted write changes nothing, a refused one is refused whatever the value
      const { data, error, status } = await match(client(role).from(table).update({ [column]: value }), rule.target(w)).select();
      const granted = rule.memberUpdate.includes(column) && role !== 'anon';
      if (!granted) {
        expect({ column, status, code: error?.code }).toEqual({ column, status: deniedStatus(role), code: '42501' });
        continue;
      }
      expect({ column, error }).toEqual({ column, error: null });
      // RLS: the member of A changes A's row; anyone else's update matches no row
      expect({ column, rows: data!.length }).toEqual({ column, rows: role === 'memberA' ? 1 : 0 });
    }
    const after = await targetRow(table, rule);
    for (const column of Object.keys(before)) {
      if (column === 'updated_at' || column === 'read_at') continue; // touched by a granted no-op write
      expect({ column, value: after[column] }).toEqual({ column, value: before[column] });
    }
  });

  test.each(tableCases.filter((c) => c.role !== 'service'))('$table: $role inserts only what it may', async ({ table, rule, role }) => {
    const before = await targetRow(table, rule);
    const ins = rule.memberInsert;
    if (!ins) {
      const { status, error } = await client(role).from(table).insert(withoutGenerated(before, rule));
      expect({ status, code: error?.code }).toEqual({ status: deniedStatus(role), code: '42501' });
      return;
    }
    const own = await ins.own(w);
    // every column outside the grant is refused, whatever the rest of the row
    for (const column of Object.keys(before).filter((c) => !ins.columns.includes(c) && !rule.generated?.includes(c))) {
      const { status, error } = await client(role).from(table).insert({ ...own, [column]: before[column] });
      expect({ column, status, code: error?.code }).toEqual({ column, status: deniedStatus(role), code: '42501' });
    }
    // a row aimed at another distributor is refused by RLS (or the foreign key that ties it to its conversation)
    const foreign = role === 'memberB' ? ins.foreign({ ...w, a: w.b, b: w.a }) : ins.foreign(w);
    const intoOther = await client(role).from(table).insert(foreign);
    expect(intoOther.error?.code, JSON.stringify(intoOther.error)).toMatch(/^(42501|23503)$/);
    const mine = await client(role).from(table).insert(own).select();
    if (role === 'memberA') {
      expect(mine.error).toBeNull();
      expect(mine.data).toHaveLength(1);
    } else {
      expect({ status: mine.status, code: mine.error?.code }).toEqual({ status: deniedStatus(role), code: '42501' });
    }
  });

  test.each(tableCases.filter((c) => c.role !== 'service'))('$table: $role deletes nothing', async ({ table, rule, role }) => {
    const { status, error } = await match(client(role).from(table).delete(), rule.target(w));
    expect({ status, code: error?.code }).toEqual({ status: deniedStatus(role), code: '42501' });
    await targetRow(table, rule); // still there
  });
});

const rpcCases = Object.entries(RPCS).flatMap(([fn, rule]) => ROLES.map((role) => ({ fn, rule, role })));

describe('functions (RPC)', () => {
  test.each(rpcCases)('$fn as $role', async ({ fn, rule, role }) => {
    const outcome = rule.expect[role];
    const { data, status, error } = await client(role).rpc(fn, rule.args(w));
    const allowed = Array.isArray(outcome.status) ? outcome.status : [outcome.status];
    expect(allowed, `${fn} as ${role}: ${status} ${JSON.stringify(error)}`).toContain(status);
    if (status < 300) outcome.check?.(data, w);
    else expect(data).toBeNull();
  });
});

function withoutGenerated(row: Row, rule: TableRule): Row {
  return Object.fromEntries(Object.entries(row).filter(([column]) => !rule.generated?.includes(column)));
}
