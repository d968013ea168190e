/**
 * Acting as a JWT's subject in the database, the way PostgREST does for a request and Supabase Realtime does for
 * each RLS check: the transaction-local settings (GUCs) that policies, `auth.uid()`/`auth.role()`/`auth.jwt()`
 * (db/bootstrap.sql) and `current_user` read. This module owns the list and renders it in each form the
 * stand-in sends it:
 *   - `setConfigLiterals()`: a `SELECT` list with literal values, for a simple-protocol multi-statement query
 *     (rest/rpc-fast-path.ts);
 *   - `setConfigSelect()`: a parameterised `SELECT set_config($1, $2, true), …` (and lite's own statements,
 *     merged into one by lite/drivers.ts, are recognised here: `liteSettingCall()`);
 *   - `actAsPlpgsql()`: plpgsql `perform set_config(…)` statements from SQL expressions for the role and the
 *     claims (realtime/catalog.ts, db/realtime.sql through `renderActAs()`).
 * Every setting is `is_local` (true): it ends with the transaction.
 */
import type { Claims } from '../keys.ts';

/** The settings that make a transaction act as a JWT's subject, in the order they are set. */
export const ACT_AS_GUCS = ['role', 'request.jwt.claims', 'request.jwt.claim.sub', 'request.jwt.claim.role'] as const;
export type ActAsGuc = (typeof ACT_AS_GUCS)[number];

/** One setting: its name and value (a value, or a SQL expression, depending on the form). */
export type Setting = readonly [name: string, value: string];

/**
 * The values for acting as `role` with `claims`: the role, the claims as JSON, the claims' `sub` (empty when it
 * is not a string) and the role again.
 */
export function actAsSettings(role: string, claims: Claims): Setting[] {
  const values: Record<ActAsGuc, string> = {
    role,
    'request.jwt.claims': JSON.stringify(claims),
    'request.jwt.claim.sub': typeof claims.sub === 'string' ? claims.sub : '',
    'request.jwt.claim.role': role,
  };
  return ACT_AS_GUCS.map((name) => [name, values[name]]);
}

/** PostgREST's request settings around an RPC call (`current_setting('request.headers')`, `response.status`, …). */
export function rpcRequestSettings(request: { method: string; path: string; headers: Record<string, string> }): Setting[] {
  return [
    ['request.method', request.method],
    ['request.path', request.path],
    ['request.headers', JSON.stringify(request.headers)],
    ['response.status', ''],
    ['response.headers', ''],
  ];
}

/** `set_config(name, value, true)`, name and value given as SQL. */
export function setConfigCall(nameSql: string, valueSql: string): string {
  return `set_config(${nameSql}, ${valueSql}, true)`;
}

/** `set_config('…', '…', true), …` with literal values, for one SELECT of a query that cannot take parameters. */
export function setConfigLiterals(settings: readonly Setting[]): string {
  return settings.map(([name, value]) => setConfigCall(quoteLiteral(name), quoteLiteral(value))).join(', ');
}

/** `SELECT set_config($1, $2, true), …` and its parameters, numbered from `firstParam`. */
export function setConfigSelect(settings: readonly Setting[], firstParam = 1): { sql: string; params: string[] } {
  const params: string[] = [];
  const calls = settings.map(([name, value]) => {
    params.push(name, value);
    return setConfigCall(`$${firstParam + params.length - 2}`, `$${firstParam + params.length - 1}`);
  });
  return { sql: `SELECT ${calls.join(', ')}`, params };
}

/**
 * plpgsql statements acting as the subject whose role and claims (JSON text) the SQL expressions `roleSql` and
 * `claimsSql` give: the same settings as actAsSettings(), `sub` read from the claims in SQL.
 */
export function actAsPlpgsql(roleSql: string, claimsSql: string, indent = ''): string {
  const values: Record<ActAsGuc, string> = {
    role: roleSql,
    'request.jwt.claims': claimsSql,
    'request.jwt.claim.sub': `coalesce((${claimsSql})::jsonb ->> 'sub', '')`,
    'request.jwt.claim.role': roleSql,
  };
  return ACT_AS_GUCS.map((name) => `${indent}perform ${setConfigCall(quoteLiteral(name), values[name])};`).join('\n');
}

/**
 * A SQL script's `-- act-as: <role expression> | <claims expression>` lines, each replaced by actAsPlpgsql()
 * at its indentation. Throws unless the script has exactly `expected` of them, so a script cannot lose its
 * role switch (and run its RLS checks as the function's owner) by a typo.
 */
export function renderActAs(script: string, expected: number): string {
  let found = 0;
  const rendered = script.replace(/^([ \t]*)-- act-as: (.+?) \| (.+?)[ \t]*$/gm, (_, indent: string, roleSql: string, claimsSql: string) => {
    found++;
    return actAsPlpgsql(roleSql, claimsSql, indent);
  });
  if (found !== expected) throw new Error(`expected ${expected} '-- act-as:' lines in the script, found ${found}`);
  return rendered;
}

/**
 * lite's forms of these settings (it sends each as its own statement): `SELECT set_config(…)` with one call,
 * and `SET LOCAL ROLE x`. Returns the one `set_config(…)` call it amounts to (placeholders as lite numbered them,
 * the role of a SET LOCAL ROLE as the parameter after `params`), or null for any other statement.
 */
export function liteSettingCall(sql: string, params: readonly unknown[]): { call: string; params: unknown[] } | null {
  const setConfig = /^\s*SELECT (set_config\(.*\))\s*$/is.exec(sql);
  if (setConfig && !setConfig[1]!.includes(', set_config(')) return { call: setConfig[1]!, params: [...params] };
  const setRole = /^\s*SET LOCAL ROLE ("(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)\s*$/i.exec(sql);
  if (!setRole) return null;
  const role = setRole[1]!.startsWith('"') ? setRole[1]!.slice(1, -1).replace(/""/g, '"') : setRole[1]!;
  return { call: setConfigCall(quoteLiteral('role'), `$${params.length + 1}`), params: [...params, role] };
}

/** A string literal; standard_conforming_strings is on, so only the quote needs doubling. */
function quoteLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
