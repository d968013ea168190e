/**
 * A joined channel's pushes other than join and leave, as Supabase Realtime answers them: `access_token` (and
 * the channel's end when its token expires), broadcasts (JSON and binary) and presence track/untrack. Private
 * channels ask RLS on realtime.messages before a write, once per token and extension.
 */
import { LIMITS, PRESENCE_STATE, REASON } from '../protocol/constants.ts';
import type { BinaryBroadcastPush, Message } from '../protocol/frames.ts';
import { checkToken } from './auth.ts';
import { channelAccess, type Extension } from './authorization.ts';
import type { Channel } from './channel.ts';
import type { Hub } from './hub.ts';
import { isObject } from './join-config.ts';

/** What the handlers need of the socket the channel is joined on. */
export interface SocketContext {
  readonly hub: Hub;
  /** Ends the channel from the server side (a `system` error, then `phx_close`). */
  shutdown(channel: Channel, message: string): void;
}

// ── access_token ──────────────────────────────────────────────────────────────────────────────────────
export async function handleAccessToken(socket: SocketContext, channel: Channel, m: Message): Promise<void> {
  const token = m.payload.access_token;
  if (typeof token !== 'string' || token === '' || token.startsWith('sb_') || token === channel.token) return;
  const seq = ++channel.tokenChecks;
  const checked = await checkToken(token, socket.hub.keys);
  // a later access_token (or the channel's end) overtook this one while it was checked: the later one decides
  if (seq !== channel.tokenChecks || channel.closed) return;
  if (!checked.ok) return socket.shutdown(channel, checked.systemMessage);
  channel.token = token;
  channel.claims = checked.claims;
  // forget write permissions of the old token, including checks still under way for it
  channel.writeAccess.clear();
  channel.pendingWrite.clear();
  if (channel.isPrivate) {
    const wanted: Extension[] = channel.presenceEnabled ? ['broadcast', 'presence'] : ['broadcast'];
    const readable = await channelAccess(socket.hub.db, channel.subTopic, channel.claims, wanted, 'read');
    if (channel.closed) return;
    if (readable.size === 0) return socket.shutdown(channel, REASON.noLongerAuthorized(channel.subTopic));
  }
  if (channel.bindings.length > 0) {
    const result = await socket.hub.pg.subscribe(channel); // RLS now runs as the new user
    if (!result.ok && !channel.closed) channel.system('postgres_changes', 'error', result.message);
  }
  scheduleExpiry(socket, channel);
}

export function scheduleExpiry(socket: SocketContext, channel: Channel): void {
  clearTimeout(channel.expiryTimer);
  const exp = channel.claims.exp;
  if (typeof exp !== 'number') return;
  const ms = exp * 1000 - Date.now();
  // setTimeout caps at ~24.8 days; re-check then
  channel.expiryTimer = setTimeout(
    () => (Date.now() >= exp * 1000 ? socket.shutdown(channel, `Token has expired ${Math.floor(Date.now() / 1000 - exp)} seconds ago`) : scheduleExpiry(socket, channel)),
    Math.max(0, Math.min(ms, 2 ** 31 - 1)),
  );
  channel.expiryTimer.unref?.();
}

// ── broadcast ─────────────────────────────────────────────────────────────────────────────────────────
export async function handleBroadcast(socket: SocketContext, channel: Channel, m: Message): Promise<void> {
  const payload = m.payload;
  if (JSON.stringify(payload).length > LIMITS.maxPayloadBytes) {
    if (channel.broadcastAck) channel.reply(m.ref, 'error', 'payload_size_exceeded');
    return;
  }
  if (channel.isPrivate && !(await mayWrite(socket.hub, channel, 'broadcast'))) return; // dropped silently, as on Supabase
  if (channel.closed) return;
  socket.hub.groups.broadcast(channel.groupKey, channel.topic, { form: 'json', payload }, channel.broadcastSelf ? undefined : channel);
  if (channel.broadcastAck) channel.reply(m.ref, 'ok', {});
}

export async function handleBinaryBroadcast(socket: SocketContext, channel: Channel, push: BinaryBroadcastPush): Promise<void> {
  const size = push.payload.encoding === 'raw' ? push.payload.bytes.byteLength : JSON.stringify(push.payload.json ?? null).length;
  if (size > LIMITS.maxPayloadBytes) {
    if (channel.broadcastAck) channel.reply(push.ref, 'error', 'payload_size_exceeded');
    return;
  }
  if (channel.isPrivate && !(await mayWrite(socket.hub, channel, 'broadcast'))) return;
  if (channel.closed) return;
  socket.hub.groups.broadcast(
    channel.groupKey,
    channel.topic,
    { form: 'binary', event: push.event, payload: push.payload, meta: null },
    channel.broadcastSelf ? undefined : channel,
  );
  if (channel.broadcastAck) channel.reply(push.ref, 'ok', {});
}

/** Private channels: may this subscriber write? Asked once per token and extension (RLS insert on realtime.messages). */
async function mayWrite(hub: Hub, channel: Channel, extension: Extension): Promise<boolean> {
  const known = channel.writeAccess.get(extension);
  if (known !== undefined) return known;
  let pending = channel.pendingWrite.get(extension);
  if (!pending) {
    const token = channel.token;
    const check: Promise<boolean> = channelAccess(hub.db, channel.subTopic, channel.claims, [extension], 'write').then(
      (granted) => {
        const ok = granted.has(extension);
        if (channel.token === token) channel.writeAccess.set(extension, ok);
        if (channel.pendingWrite.get(extension) === check) channel.pendingWrite.delete(extension);
        return ok;
      },
      (error: unknown) => {
        if (channel.pendingWrite.get(extension) === check) channel.pendingWrite.delete(extension);
        throw error;
      },
    );
    pending = check;
    channel.pendingWrite.set(extension, check);
  }
  return pending;
}

// ── presence ──────────────────────────────────────────────────────────────────────────────────────────
export async function handlePresence(socket: SocketContext, channel: Channel, m: Message): Promise<void> {
  const now = Date.now();
  const { presenceCallsPerWindow, presenceWindowMs } = socket.hub.options;
  channel.presenceCalls = channel.presenceCalls.filter((t) => now - t < presenceWindowMs);
  channel.presenceCalls.push(now);
  if (channel.presenceCalls.length > presenceCallsPerWindow) return socket.shutdown(channel, REASON.presenceRateLimit);

  const event = m.payload.event;
  if (event === 'track') {
    const meta = m.payload.payload;
    if (!isObject(meta)) return channel.reply(m.ref, 'error', { reason: REASON.trackPayloadNotMap });
    // every member of the group receives this meta in each presence_state: it is held to the broadcast limit
    if (JSON.stringify(meta).length > LIMITS.maxPayloadBytes) return channel.reply(m.ref, 'error', { reason: REASON.payloadTooLarge });
    if (channel.isPrivate && !(await mayWrite(socket.hub, channel, 'presence'))) return channel.reply(m.ref, 'error', {});
    if (channel.closed) return;
    if (!channel.presenceEnabled) {
      channel.presenceEnabled = true;
      channel.push(PRESENCE_STATE, socket.hub.presence.state(channel.groupKey));
    }
    socket.hub.presence.track(channel, meta);
    return channel.reply(m.ref, 'ok', {});
  }
  if (event === 'untrack') {
    socket.hub.presence.untrack(channel);
    return channel.reply(m.ref, 'ok', {});
  }
  channel.reply(m.ref, 'error', {});
}
