/**
 * postgres_changes filters: `column=op.value`, several joined by top-level commas (AND), with `not.` negating
 * any operator. Operators: eq, neq, lt, lte, gt, gte, in (≤ 100 values), like, ilike, is, match, imatch,
 * isdistinct. Parsing is pure; values are normalised against the column type by the caller (a Postgres cast,
 * `to_jsonb(value::type)`), so comparing them with a change's `to_jsonb` record is exact.
 *
 *   parseFilter('status=not.in.(read,failed),seq=gt.10')
 *   → [{ column: 'status', op: 'in', negate: true, raw: ['read', 'failed'] }, { column: 'seq', op: 'gt', negate: false, raw: '10' }]
 */
import { LIMITS } from '../protocol/constants.ts';
import { compileLike, compileRegex, type CompileResult, type TextMatcher } from './patterns.ts';

export const FILTER_OPS = ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'in', 'like', 'ilike', 'is', 'match', 'imatch', 'isdistinct'] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

export interface ParsedCondition {
  column: string;
  op: FilterOp;
  negate: boolean;
  /** The value as written: one string, a list for `in`, or the keyword for `is`. */
  raw: string | string[];
}

/** How values of a column compare for lt/gt (eq/in always compare JSON values exactly). */
export type ValueKind = 'number' | 'text' | 'time' | 'bool' | 'json' | 'other';

export interface Condition {
  column: string;
  op: FilterOp;
  negate: boolean;
  kind: ValueKind;
  /** to_jsonb of the cast value (eq, neq, lt…, isdistinct), the list for `in`, a TextMatcher for like/match, the keyword for `is`. */
  value: unknown;
}

/** Operators whose cost grows with the row's text: evaluated only on rows the subscriber may see. */
export const PATTERN_OPS: ReadonlySet<FilterOp> = new Set(['like', 'ilike', 'match', 'imatch']);

/** Compiles a like/ilike/match/imatch value into a linear-time matcher (never a JavaScript RegExp). */
export function compilePattern(op: FilterOp, raw: string): CompileResult {
  if (op === 'like' || op === 'ilike') return compileLike(raw, op === 'ilike');
  return compileRegex(raw, op === 'imatch');
}

export type ParseResult = { ok: true; conditions: ParsedCondition[] } | { ok: false; error: string };

export function parseFilter(filter: unknown): ParseResult {
  if (filter === undefined || filter === null) return { ok: true, conditions: [] };
  if (typeof filter !== 'string') return { ok: false, error: 'Error parsing `filter` params: the filter must be a string' };
  if (filter.trim() === '') return { ok: true, conditions: [] };
  if (filter.length > LIMITS.maxFilterLength) return { ok: false, error: `Error parsing \`filter\` params: filters are limited to ${LIMITS.maxFilterLength} characters` };
  const parts = splitTopLevel(filter, ',');
  if (!parts) return { ok: false, error: `Error parsing \`filter\` params: ${JSON.stringify(filter)}` };
  const conditions: ParsedCondition[] = [];
  for (const part of parts) {
    const m = /^\s*([^=\s]+)\s*=\s*(not\.)?([a-z]+)\.(.*)$/s.exec(part);
    if (!m) return { ok: false, error: `Error parsing \`filter\` params: ${JSON.stringify(part.split('='))}` };
    const [, column, not, op, rest] = m as unknown as [string, string, string | undefined, string, string];
    if (!(FILTER_OPS as readonly string[]).includes(op)) return { ok: false, error: `Error parsing \`filter\` params: unknown operator "${op}"` };
    let raw: string | string[];
    if (op === 'in') {
      const inner = /^\((.*)\)$/s.exec(rest.trim());
      const items = inner ? splitTopLevel(inner[1]!, ',') : null;
      if (!items) return { ok: false, error: `Error parsing \`filter\` params: ${op} needs a list like in.(a,b)` };
      raw = items.filter((s) => s.trim() !== '').map(unquote);
      if (raw.length > LIMITS.maxInFilterValues) return { ok: false, error: `Error parsing \`filter\` params: in accepts at most ${LIMITS.maxInFilterValues} values` };
    } else if (op === 'is') {
      raw = rest.trim().toLowerCase();
      if (!['null', 'true', 'false', 'unknown'].includes(raw)) return { ok: false, error: 'Error parsing `filter` params: is takes null, true, false or unknown' };
    } else {
      raw = unquote(rest);
    }
    conditions.push({ column: unquote(column), op: op as FilterOp, negate: Boolean(not), raw });
  }
  return { ok: true, conditions };
}

/** Splits on `sep` outside double quotes and parentheses; null if quotes or parentheses are unbalanced. */
function splitTopLevel(input: string, sep: string): string[] | null {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (let i = 0; i < input.length; i++) {
    const ch = input[i]!;
    if (quoted) {
      current += ch;
      if (ch === '\\' && i + 1 < input.length) current += input[++i]!;
      else if (ch === '"') quoted = false;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) return null;
    if (ch === sep && depth === 0) {
      out.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (quoted || depth !== 0) return null;
  out.push(current);
  return out;
}

function unquote(s: string): string {
  const t = s.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1).replace(/\\(.)/gs, '$1');
  return t;
}

export function kindOfType(pgType: string): ValueKind {
  if (['int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'oid', 'money'].includes(pgType)) return 'number';
  if (['timestamptz', 'timestamp', 'date', 'time', 'timetz', 'interval'].includes(pgType)) return 'time';
  if (pgType === 'bool') return 'bool';
  if (pgType === 'json' || pgType === 'jsonb') return 'json';
  if (['text', 'varchar', 'bpchar', 'name', 'citext', 'uuid'].includes(pgType)) return 'text';
  return 'other';
}

/**
 * Evaluates conditions against a record (to_jsonb values) with SQL's three-valued logic: a comparison with NULL
 * is unknown, NOT unknown is unknown, and only true passes. A column missing from the record fails closed.
 */
export function matches(conditions: readonly Condition[], record: Record<string, unknown> | null | undefined): boolean {
  if (conditions.length === 0) return true;
  if (!record) return false;
  for (const c of conditions) {
    if (!(c.column in record)) return false;
    let result = test(c, record[c.column]);
    if (c.negate && result !== null) result = !result;
    if (result !== true) return false;
  }
  return true;
}

function test(c: Condition, v: unknown): boolean | null {
  switch (c.op) {
    case 'is':
      if (c.value === 'null' || c.value === 'unknown') return v === null;
      return v === (c.value === 'true');
    case 'isdistinct':
      return !sameValue(v, c.value);
  }
  if (v === null || v === undefined) return null;
  switch (c.op) {
    case 'eq':
      return sameValue(v, c.value);
    case 'neq':
      return !sameValue(v, c.value);
    case 'in':
      return (c.value as unknown[]).some((x) => sameValue(v, x));
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte': {
      const cmp = compare(v, c.value, c.kind);
      if (cmp === null) return null;
      return c.op === 'lt' ? cmp < 0 : c.op === 'lte' ? cmp <= 0 : c.op === 'gt' ? cmp > 0 : cmp >= 0;
    }
    case 'like':
    case 'ilike':
    case 'match':
    case 'imatch':
      return typeof v === 'string' ? (c.value as TextMatcher)(v) : null;
  }
  return null;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(a) === JSON.stringify(b); // jsonb prints keys in a canonical order
}

function compare(a: unknown, b: unknown, kind: ValueKind): number | null {
  if (b === null || b === undefined) return null;
  if (kind === 'number' && typeof a === 'number' && typeof b === 'number') return a - b;
  if (kind === 'bool' && typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  // ISO timestamps printed by to_jsonb in one time zone order lexicographically, as do dates and text
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return null;
}
