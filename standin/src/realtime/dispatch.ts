/**
 * Delivery of a decided change: one `postgres_changes` frame per channel carrying the ids of every binding of that
 * channel that matched, with only the columns the subscriber's role may SELECT (and its select list asked for),
 * the old row cut to what replication would carry, and oversize records trimmed as the real server trims them.
 */
import { LIMITS, PG_CHANGES_ERROR, POSTGRES_CHANGES } from '../protocol/constants.ts';
import type { Catalog, TableMeta } from './catalog.ts';
import type { Change, FeedStats } from './change-feed.ts';
import type { Channel } from './channel.ts';
import type { Subscription } from './subscriptions.ts';

/** A change and the subscriptions that receive it, in the order the feed decided them. */
export interface Delivery {
  change: Change;
  meta: TableMeta;
  subs: Subscription[];
  errors: Map<Subscription, string>;
}

// the event as it sits in a frame, encoded once
const EVENT_JSON = JSON.stringify(POSTGRES_CHANGES);

/** One frame per channel (per select list): the ids of every binding of that channel that matched. */
export async function deliver(catalog: Catalog, stats: FeedStats, { change, meta, subs, errors }: Delivery): Promise<void> {
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
    const selectable = await catalog.selectable(meta, channel.role);
    for (const [key, list] of groups) {
      const error = errors.get(list[0]!);
      const dataKey = `${channel.role}\u0000${key}`;
      let data = dataJson.get(dataKey);
      if (data === undefined) {
        data = JSON.stringify(
          error
            ? { schema: change.schema, table: change.table, type: change.type, errors: [error] }
            : payload(change, meta, selectable, list[0]!.select),
        );
        dataJson.set(dataKey, data);
      }
      const ids = JSON.stringify([...new Set(list.map((s) => s.binding.id))]);
      const topic = JSON.stringify(channel.topic);
      const body = `{"ids":${ids},"data":${data}}`;
      channel.socket.sendRaw(
        channel.socket.vsn === '2.0.0'
          ? `[null,null,${topic},${EVENT_JSON},${body}]`
          : `{"topic":${topic},"event":${EVENT_JSON},"payload":${body},"ref":null,"join_ref":null}`,
        false,
      );
      stats.delivered++;
    }
  }
}

/** The `data` of one frame: what `selectable` and the select list let this subscriber read of the change. */
function payload(change: Change, meta: TableMeta, selectable: Set<string>, select: Set<string> | null): Record<string, unknown> {
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
    data.errors = [PG_CHANGES_ERROR.payloadTooLarge];
  }
  return data;
}

/**
 * What a DELETE's filters may look at: the old tuple as logical replication carries it. Only replica identity
 * full carries more than the primary key, and under RLS even that is cut to the key, since nobody can be
 * RLS-checked against a row that no longer exists.
 */
export function deleteIdentity(change: Change, meta: TableMeta): Record<string, unknown> | null {
  const old = change.old_record;
  if (!old) return null;
  if (meta.replicaIdentity === 'f' && !meta.rls) return old;
  return Object.fromEntries(meta.pk.filter((c) => c in old).map((c) => [c, old[c]]));
}
