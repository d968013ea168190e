/**
 * What a `phx_join` asks for: the channel its config describes (broadcast self/ack, presence key, private,
 * postgres_changes bindings with their ids), for the token it joins with.
 */
import type { Message } from '../protocol/frames.ts';
import type { TokenCheck } from './auth.ts';
import { Channel, type PgBinding, type SocketLike } from './channel.ts';

/** The channel a join asks for, from its config and its checked token; or the reason to refuse it. */
export function channelFromJoin(socket: SocketLike, m: Message, joinRef: string, token: string, checked: TokenCheck): Channel | string {
  const config = isObject(m.payload.config) ? m.payload.config : {};
  const broadcast = isObject(config.broadcast) ? config.broadcast : {};
  const presence = isObject(config.presence) ? config.presence : {};
  const rawBindings = Array.isArray(config.postgres_changes) ? config.postgres_changes.filter(isObject) : [];

  if (!checked.ok) return checked.reason;

  const channel = new Channel(socket, m.topic, joinRef, truthy(config.private), checked.claims, token);
  channel.broadcastSelf = truthy(broadcast.self);
  channel.broadcastAck = truthy(broadcast.ack);
  channel.presenceEnabled = presence.enabled === undefined ? true : truthy(presence.enabled);
  channel.presenceKey = typeof presence.key === 'string' && presence.key !== '' ? presence.key : crypto.randomUUID();
  channel.bindings = rawBindings.map((b) => ({ ...b, id: bindingId(b) }) as PgBinding);
  return channel;
}


/** Stable small integers per binding, like the real server's `:erlang.phash2(params)` (0 … 2^27 − 1). */
export function bindingId(binding: Record<string, unknown>): number {
  const text = JSON.stringify([binding.event ?? null, binding.schema ?? null, binding.table ?? null, binding.filter ?? null]);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & 0x7ffffff;
}

export function truthy(v: unknown): boolean {
  return v === true || v === 'true';
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
