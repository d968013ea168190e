/**
 * The postgres_changes subscription registry: each channel's bindings validated against the publication and the
 * subscriber's column privileges, compiled into subscriptions (filter values cast once, at join), and indexed by
 * table for the change feed.
 */
import { LIMITS, PG_CHANGES_ERROR } from '../protocol/constants.ts';
import type { Catalog } from './catalog.ts';
import type { Channel, PgBinding } from './channel.ts';
import { compilePattern, kindOfType, parseFilter, PATTERN_OPS, type Condition } from './filters.ts';

export interface Subscription {
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

export type SubscribeResult = { ok: true } | { ok: false; message: string };

/** Subscriptions by table (what the change feed matches against) and by channel (what a leave or re-join replaces). */
export class Subscriptions {
  #byTable = new Map<string, Set<Subscription>>();
  #byChannel = new Map<Channel, Subscription[]>();

  constructor(private readonly catalog: Catalog) {}

  /** The subscriptions of `schema.table`, live: the feed reads it once per change. */
  forTable(key: string): Set<Subscription> | undefined {
    return this.#byTable.get(key);
  }

  /** The channels with at least one subscription. */
  channels(): Channel[] {
    return [...this.#byChannel.keys()];
  }

  get count(): number {
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
      return { ok: false, message: PG_CHANGES_ERROR.tooManyBindings(LIMITS.maxBindingsPerChannel) };
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
    const unable = { ok: false as const, message: PG_CHANGES_ERROR.unableToSubscribe(describeBinding(binding)) };
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
        if (!column || !selectable.has(c.column)) return { ok: false, message: PG_CHANGES_ERROR.filter(`column "${c.column}" is unknown or not readable`) };
        const kind = kindOfType(column.type);
        let value: unknown;
        try {
          if (c.op === 'is') {
            if (c.raw !== 'null' && column.type !== 'bool') return { ok: false, message: PG_CHANGES_ERROR.filter(`is.${String(c.raw)} needs a boolean column`) };
            value = c.raw;
          } else if (c.op === 'like' || c.op === 'ilike' || c.op === 'match' || c.op === 'imatch') {
            if (kind !== 'text') return { ok: false, message: PG_CHANGES_ERROR.filter(`${c.op} needs a text column`) };
            const compiled = compilePattern(c.op, c.raw as string);
            if (!compiled.ok) return { ok: false, message: PG_CHANGES_ERROR.filter(`${c.op}.${JSON.stringify(c.raw)}: ${compiled.error}`) };
            value = compiled.match;
          } else if (c.op === 'in') {
            value = await this.catalog.normalizeAll(column, c.raw as string[]);
          } else {
            value = await this.catalog.normalize(column, c.raw as string);
          }
        } catch (error) {
          return { ok: false, message: PG_CHANGES_ERROR.filter(`${JSON.stringify([c.column, c.raw])}: ${(error as Error).message}`) };
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
