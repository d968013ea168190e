/**
 * Phoenix Presence for one topic group: state keyed by presence key, each key holding the metas of every
 * channel that tracked it (`phx_ref` per meta). Changes go out as `presence_diff` to every member of the group,
 * including the one that caused it; an update is a leave of the old meta plus a join carrying `phx_ref_prev`.
 */
import { randomBytes } from 'node:crypto';
import { PRESENCE_DIFF } from '../protocol/constants.ts';
import type { Channel } from './channel.ts';
import type { Groups } from './broadcast.ts';

type Meta = Record<string, unknown> & { phx_ref: string; phx_ref_prev?: string };
type Metas = Record<string, { metas: Meta[] }>;

export interface PresenceDiff {
  joins: Metas;
  leaves: Metas;
}

let refCounter = 0;
const refPrefix = randomBytes(3).toString('base64url');
/** Short unique refs, like Phoenix's. */
function nextRef(): string {
  return `${refPrefix}${(refCounter++).toString(36)}`;
}

export class Presence {
  /** groupKey → presence key → phx_ref → meta with its channel */
  readonly #state = new Map<string, Map<string, Map<string, { meta: Meta; channel: Channel }>>>();

  constructor(private readonly groups: Groups) {}

  state(groupKey: string): Metas {
    const out: Metas = {};
    for (const [key, metas] of this.#state.get(groupKey) ?? []) {
      out[key] = { metas: [...metas.values()].map((m) => m.meta) };
    }
    return out;
  }

  /** Tracks (or re-tracks) the channel's meta and tells the group. */
  track(channel: Channel, payload: Record<string, unknown>): void {
    const group = this.#group(channel.groupKey);
    const leaves: Metas = {};
    const previous = channel.presenceRef;
    if (previous) {
      const old = group.get(channel.presenceKey)?.get(previous);
      if (old) {
        group.get(channel.presenceKey)!.delete(previous);
        leaves[channel.presenceKey] = { metas: [old.meta] };
      }
    }
    const meta: Meta = { ...payload, phx_ref: nextRef(), ...(previous ? { phx_ref_prev: previous } : {}) };
    let metas = group.get(channel.presenceKey);
    if (!metas) group.set(channel.presenceKey, (metas = new Map()));
    metas.set(meta.phx_ref, { meta, channel });
    channel.presenceRef = meta.phx_ref;
    this.#diff(channel, { joins: { [channel.presenceKey]: { metas: [meta] } }, leaves });
  }

  /** Removes the channel's meta (untrack, leave, socket gone); a no-op if it tracked nothing. */
  untrack(channel: Channel): void {
    const ref = channel.presenceRef;
    if (!ref) return;
    channel.presenceRef = null;
    const group = this.#state.get(channel.groupKey);
    const metas = group?.get(channel.presenceKey);
    const entry = metas?.get(ref);
    if (!group || !metas || !entry) return;
    metas.delete(ref);
    if (metas.size === 0) group.delete(channel.presenceKey);
    if (group.size === 0) this.#state.delete(channel.groupKey);
    this.#diff(channel, { joins: {}, leaves: { [channel.presenceKey]: { metas: [entry.meta] } } });
  }

  #group(groupKey: string) {
    let group = this.#state.get(groupKey);
    if (!group) this.#state.set(groupKey, (group = new Map()));
    return group;
  }

  #diff(origin: Channel, diff: PresenceDiff): void {
    const frames = new Map<string, string>();
    for (const member of this.groups.members(origin.groupKey)) {
      if (member.closed || !member.presenceEnabled) continue;
      const vsn = member.socket.vsn;
      let frame = frames.get(vsn);
      if (!frame) {
        frame = member.encode({ join_ref: null, ref: null, topic: origin.topic, event: PRESENCE_DIFF, payload: diff as never });
        frames.set(vsn, frame);
      }
      member.socket.sendRaw(frame, false);
    }
  }
}
