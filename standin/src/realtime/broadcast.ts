/**
 * Topic groups and broadcast fan-out. A broadcast is encoded once per serializer version and the same bytes go
 * to every receiver; JSON pushes are forwarded as JSON, binary (kind 3) pushes as kind 4 to vsn 2.0.0 sockets
 * and as JSON to vsn 1.0.0 sockets (raw-bytes payloads cannot be expressed there and are skipped).
 */
import { BROADCAST } from '../protocol/constants.ts';
import type { Vsn } from '../protocol/frames.ts';
import type { Channel } from './channel.ts';
import { encodeText, encodeUserBroadcast } from './serializer.ts';

export type BroadcastBody =
  | { form: 'json'; payload: Record<string, unknown> } // as the client pushed it: {type, event, payload, …}
  | { form: 'binary'; event: string; payload: { encoding: 'json'; json: unknown } | { encoding: 'raw'; bytes: Uint8Array }; meta: Record<string, unknown> | null };

export class Groups {
  readonly #groups = new Map<string, Set<Channel>>();

  add(channel: Channel): void {
    let group = this.#groups.get(channel.groupKey);
    if (!group) this.#groups.set(channel.groupKey, (group = new Set()));
    group.add(channel);
  }

  remove(channel: Channel): void {
    const group = this.#groups.get(channel.groupKey);
    if (!group) return;
    group.delete(channel);
    if (group.size === 0) this.#groups.delete(channel.groupKey);
  }

  members(groupKey: string): ReadonlySet<Channel> {
    return this.#groups.get(groupKey) ?? EMPTY;
  }

  get size(): number {
    return this.#groups.size;
  }

  /** Sends a broadcast to every channel of the group except `except` (the sender, unless it asked for `self`). */
  broadcast(groupKey: string, topic: string, body: BroadcastBody, except?: Channel): number {
    const group = this.#groups.get(groupKey);
    if (!group) return 0;
    const cache = new Map<Vsn, { data: string | Buffer; binary: boolean } | null>();
    let delivered = 0;
    for (const channel of group) {
      if (channel === except || channel.closed) continue;
      const vsn = channel.socket.vsn;
      let frame = cache.get(vsn);
      if (frame === undefined) cache.set(vsn, (frame = encodeBroadcast(topic, body, vsn)));
      if (!frame) continue;
      channel.socket.sendRaw(frame.data, frame.binary);
      delivered++;
    }
    return delivered;
  }
}

const EMPTY: ReadonlySet<Channel> = new Set();

function encodeBroadcast(topic: string, body: BroadcastBody, vsn: Vsn): { data: string | Buffer; binary: boolean } | null {
  if (body.form === 'json') {
    return { data: Buffer.from(encodeText({ join_ref: null, ref: null, topic, event: BROADCAST, payload: body.payload }, vsn)), binary: false };
  }
  if (vsn === '2.0.0') {
    const bin = encodeUserBroadcast(topic, body.event, body.payload, body.meta);
    if (bin) return { data: bin, binary: true };
  }
  if (body.payload.encoding === 'raw') return null;
  const payload: Record<string, unknown> = { type: 'broadcast', event: body.event, payload: body.payload.json };
  if (body.meta) payload.meta = body.meta;
  return { data: Buffer.from(encodeText({ join_ref: null, ref: null, topic, event: BROADCAST, payload }, vsn)), binary: false };
}
