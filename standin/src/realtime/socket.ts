/**
 * One WebSocket connection: decodes frames, answers heartbeats, and routes channel events to their handlers
 * (handleJoin, handleLeave, handleAccessToken, handleBroadcast, handlePresence), as a Phoenix socket does.
 * Frames that are not Phoenix messages are dropped (they carry no ref to answer); a message that is one but
 * asks for something malformed gets an error reply on its channel. Nothing a client sends can throw out of
 * here: an unexpected failure closes this socket (1011) and no other.
 */
import type { Claims } from '../keys.ts';
import {
  ACCESS_TOKEN,
  BROADCAST,
  HEARTBEAT,
  LIMITS,
  PHOENIX_TOPIC,
  PHX_JOIN,
  PHX_LEAVE,
  PHX_REPLY,
  PRESENCE,
  PRESENCE_STATE,
  REASON,
  TOPIC_PREFIX,
} from '../protocol/constants.ts';
import type { BinaryBroadcastPush, Message, Vsn } from '../protocol/frames.ts';
import { channelToken, checkToken, type TokenCheck } from './auth.ts';
import { channelAccess, type Extension } from './authorization.ts';
import { Channel, type PgBinding, type SocketLike, type Transport } from './channel.ts';
import type { Hub } from './hub.ts';
import type { SubscribeResult } from './postgres-changes.ts';
import { decodeBinary, decodeText, encodeText } from './serializer.ts';

let socketIds = 0;

export class RealtimeSocket implements SocketLike {
  readonly id = ++socketIds;
  readonly channels = new Map<string, Channel>();
  /**
   * Joins under way, topic → join_ref. Each holds a channel slot from the moment the join is read, before any
   * await, so a burst of joins cannot all pass the channel limit while each waits on the database.
   */
  #joining = new Map<string, string>();
  #idleTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    private readonly hub: Hub,
    private readonly transport: Transport,
    readonly vsn: Vsn,
    readonly apikey: string,
    readonly apikeyClaims: Claims,
  ) {
    this.#touch();
  }

  send(message: Message): void {
    this.sendRaw(encodeText(message, this.vsn), false);
  }

  sendRaw(data: string | Buffer, binary: boolean): void {
    if (this.#closed) return;
    try {
      this.transport.send(data, binary);
    } catch {
      /* the transport is going away; onClose() cleans up */
    }
  }

  onMessage(data: Buffer | string, isBinary: boolean): void {
    try {
      this.#onMessage(data, isBinary);
    } catch (error) {
      this.hub.options.log('realtime: a frame could not be handled; closing its socket', error);
      this.close(1011, 'internal error');
    }
  }

  #onMessage(data: Buffer | string, isBinary: boolean): void {
    this.#touch();
    if (isBinary) {
      const push = typeof data === 'string' ? null : decodeBinary(data);
      if (push) this.#channelFor(push.topic, push.join_ref, push.ref, (ch) => this.handleBinaryBroadcast(ch, push));
      return;
    }
    const message = decodeText(typeof data === 'string' ? data : data.toString('utf8'), this.vsn);
    if (!message || message.kind !== 'message') return;
    void this.#dispatch(message).catch((error) => this.hub.options.log(`realtime: ${message.event} on ${message.topic} failed`, error));
  }

  onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#idleTimer);
    for (const channel of this.channels.values()) this.hub.release(channel);
    this.channels.clear();
    this.#joining.clear();
  }

  close(code = 1000, reason = ''): void {
    this.transport.close(code, reason);
    this.onClose();
  }

  async #dispatch(m: Message): Promise<void> {
    if (m.topic === PHOENIX_TOPIC) {
      if (m.event === HEARTBEAT) this.send({ join_ref: null, ref: m.ref, topic: PHOENIX_TOPIC, event: PHX_REPLY, payload: { status: 'ok', response: {} } });
      return;
    }
    if (m.event === PHX_JOIN) return this.handleJoin(m);
    this.#channelFor(m.topic, m.join_ref, m.ref, (channel) => {
      switch (m.event) {
        case PHX_LEAVE:
          return this.handleLeave(channel, m);
        case ACCESS_TOKEN:
          return this.handleAccessToken(channel, m);
        case BROADCAST:
          return this.handleBroadcast(channel, m);
        case PRESENCE:
          return this.handlePresence(channel, m);
        default:
          return undefined; // unknown events are ignored, as the real server does
      }
    });
  }

  /** Finds the joined channel for a push; answers "unmatched topic" when there is none, ignores stale join_refs. */
  #channelFor(topic: string, joinRef: string | null, ref: string | null, fn: (channel: Channel) => unknown): void {
    const channel = this.channels.get(topic);
    if (!channel) {
      this.send({ join_ref: joinRef, ref, topic, event: PHX_REPLY, payload: { status: 'error', response: { reason: REASON.unmatchedTopic } } });
      return;
    }
    if (joinRef !== null && joinRef !== channel.joinRef) return;
    const result = fn(channel);
    if (result instanceof Promise) result.catch((error) => this.hub.options.log(`realtime: push on ${topic} failed`, error));
  }

  #touch(): void {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => this.close(1000, 'heartbeat timeout'), LIMITS.idleTimeoutMs);
    this.#idleTimer.unref?.();
  }

  // ── phx_join ──────────────────────────────────────────────────────────────────────────────────────────
  async handleJoin(m: Message): Promise<void> {
    const joinRef = m.join_ref ?? m.ref ?? '';
    const reply = (reason: string) => this.send({ join_ref: joinRef, ref: m.ref, topic: m.topic, event: PHX_REPLY, payload: { status: 'error', response: { reason } } });
    const fail = async (reason: string) => {
      this.#release(m.topic, joinRef); // a refused join holds no slot while its answer is delayed
      if (this.hub.options.joinErrorDelayMs > 0) await new Promise((r) => setTimeout(r, this.hub.options.joinErrorDelayMs));
      reply(reason);
    };
    // the token is checked first, so everything after it (ending a previous join, taking a slot) runs with
    // no await in between, as it did when verification was synchronous
    const token = channelToken(m.payload.access_token ?? m.payload.user_token, this.apikey);
    const checked = await checkToken(token, this.hub.keys);
    if (this.#closed) return;
    if (!m.topic.startsWith(TOPIC_PREFIX)) return fail(REASON.unmatchedTopic);
    if (m.topic === TOPIC_PREFIX) return fail(REASON.topicRequired);

    const existing = this.channels.get(m.topic);
    if (existing) {
      // a second join on the same topic ends the first (the client ignores this close as stale)
      existing.sendClose();
      this.hub.release(existing);
      this.channels.delete(m.topic);
    }
    // everything that needs no await is judged before a slot is taken
    const channel = this.#channelFromJoin(m, joinRef, token, checked);
    if (typeof channel === 'string') return fail(channel);
    // check and reserve in one synchronous step: every await below runs with the slot already taken
    if (!this.#joining.has(m.topic) && this.#slotsInUse() >= LIMITS.maxChannelsPerSocket) return fail(REASON.tooManyChannels);
    this.#joining.set(m.topic, joinRef);
    try {
      const refusal = await this.#join(channel, m, joinRef);
      if (refusal !== null && !this.#superseded(m.topic, joinRef)) await fail(refusal);
    } catch (error) {
      this.hub.options.log(`realtime: join of ${m.topic} failed`, error);
      if (!this.#superseded(m.topic, joinRef)) await fail(REASON.unknownJoinError);
    } finally {
      this.#release(m.topic, joinRef);
    }
  }

  /** Channels joined plus joins under way (a topic being re-joined counts once). */
  #slotsInUse(): number {
    let n = this.channels.size;
    for (const topic of this.#joining.keys()) if (!this.channels.has(topic)) n++;
    return n;
  }

  #release(topic: string, joinRef: string): void {
    if (this.#joining.get(topic) === joinRef) this.#joining.delete(topic);
  }

  /** The channel a join asks for, from its config and token; or the reason to refuse it. */
  #channelFromJoin(m: Message, joinRef: string, token: string, checked: TokenCheck): Channel | string {
    const config = isObject(m.payload.config) ? m.payload.config : {};
    const broadcast = isObject(config.broadcast) ? config.broadcast : {};
    const presence = isObject(config.presence) ? config.presence : {};
    const rawBindings = Array.isArray(config.postgres_changes) ? config.postgres_changes.filter(isObject) : [];

    if (!checked.ok) return checked.reason;

    const channel = new Channel(this, m.topic, joinRef, truthy(config.private), checked.claims, token);
    channel.broadcastSelf = truthy(broadcast.self);
    channel.broadcastAck = truthy(broadcast.ack);
    channel.presenceEnabled = presence.enabled === undefined ? true : truthy(presence.enabled);
    channel.presenceKey = typeof presence.key === 'string' && presence.key !== '' ? presence.key : crypto.randomUUID();
    channel.bindings = rawBindings.map((b) => ({ ...b, id: bindingId(b) }) as PgBinding);
    return channel;
  }

  /** Joins the channel; null when joined (or superseded), else the reason to refuse it with. */
  async #join(channel: Channel, m: Message, joinRef: string): Promise<string | null> {
    const isPrivate = channel.isPrivate;
    const presenceEnabled = channel.presenceEnabled;
    if (isPrivate) {
      const wanted: Extension[] = presenceEnabled ? ['broadcast', 'presence'] : ['broadcast'];
      const readable = await channelAccess(this.hub.db, channel.subTopic, channel.claims, wanted, 'read');
      if (this.#superseded(m.topic, joinRef)) return null;
      if (readable.size === 0) return REASON.unauthorized(channel.subTopic);
    }

    // Subscribe before replying: once the client sees SUBSCRIBED, every later commit reaches it.
    let subscribed: SubscribeResult;
    try {
      subscribed = await this.hub.pg.subscribe(channel);
    } catch (error) {
      this.hub.release(channel);
      throw error;
    }
    if (this.#superseded(m.topic, joinRef)) {
      this.hub.release(channel);
      return null;
    }
    this.channels.set(m.topic, channel);
    this.hub.groups.add(channel);
    channel.reply(m.ref, 'ok', { postgres_changes: channel.bindings.map((b) => ({ ...b })) });
    if (channel.presenceEnabled) channel.push(PRESENCE_STATE, this.hub.presence.state(channel.groupKey));
    if (channel.bindings.length > 0) {
      if (subscribed.ok) channel.system('postgres_changes', 'ok', 'Subscribed to PostgreSQL');
      else channel.system('postgres_changes', 'error', subscribed.message);
    }
    this.#scheduleExpiry(channel);
    return null;
  }

  #superseded(topic: string, joinRef: string): boolean {
    return this.#closed || this.#joining.get(topic) !== joinRef;
  }

  // ── phx_leave ─────────────────────────────────────────────────────────────────────────────────────────
  handleLeave(channel: Channel, m: Message): void {
    channel.reply(m.ref, 'ok', {});
    channel.sendClose();
    this.#end(channel);
  }

  #end(channel: Channel): void {
    this.hub.release(channel);
    if (this.channels.get(channel.topic) === channel) this.channels.delete(channel.topic);
  }

  /** Ends a channel from the server side: a `system` error, then `phx_close` (the client does not rejoin). */
  shutdown(channel: Channel, message: string): void {
    if (channel.closed) return;
    channel.system('system', 'error', message);
    channel.sendClose();
    this.#end(channel);
  }

  // ── access_token ──────────────────────────────────────────────────────────────────────────────────────
  async handleAccessToken(channel: Channel, m: Message): Promise<void> {
    const token = m.payload.access_token;
    if (typeof token !== 'string' || token === '' || token.startsWith('sb_') || token === channel.token) return;
    const seq = ++channel.tokenChecks;
    const checked = await checkToken(token, this.hub.keys);
    // a later access_token (or the channel's end) overtook this one while it was checked: the later one decides
    if (seq !== channel.tokenChecks || channel.closed) return;
    if (!checked.ok) return this.shutdown(channel, checked.systemMessage);
    channel.token = token;
    channel.claims = checked.claims;
    // forget write permissions of the old token, including checks still under way for it
    channel.writeAccess.clear();
    channel.pendingWrite.clear();
    if (channel.isPrivate) {
      const wanted: Extension[] = channel.presenceEnabled ? ['broadcast', 'presence'] : ['broadcast'];
      const readable = await channelAccess(this.hub.db, channel.subTopic, channel.claims, wanted, 'read');
      if (channel.closed) return;
      if (readable.size === 0) return this.shutdown(channel, REASON.noLongerAuthorized(channel.subTopic));
    }
    if (channel.bindings.length > 0) {
      const result = await this.hub.pg.subscribe(channel); // RLS now runs as the new user
      if (!result.ok && !channel.closed) channel.system('postgres_changes', 'error', result.message);
    }
    this.#scheduleExpiry(channel);
  }

  #scheduleExpiry(channel: Channel): void {
    clearTimeout(channel.expiryTimer);
    const exp = channel.claims.exp;
    if (typeof exp !== 'number') return;
    const ms = exp * 1000 - Date.now();
    // setTimeout caps at ~24.8 days; re-check then
    channel.expiryTimer = setTimeout(
      () => (Date.now() >= exp * 1000 ? this.shutdown(channel, `Token has expired ${Math.floor(Date.now() / 1000 - exp)} seconds ago`) : this.#scheduleExpiry(channel)),
      Math.max(0, Math.min(ms, 2 ** 31 - 1)),
    );
    channel.expiryTimer.unref?.();
  }

  // ── broadcast ─────────────────────────────────────────────────────────────────────────────────────────
  async handleBroadcast(channel: Channel, m: Message): Promise<void> {
    const payload = m.payload;
    if (JSON.stringify(payload).length > LIMITS.maxPayloadBytes) {
      if (channel.broadcastAck) channel.reply(m.ref, 'error', 'payload_size_exceeded');
      return;
    }
    if (channel.isPrivate && !(await this.#mayWrite(channel, 'broadcast'))) return; // dropped silently, as on Supabase
    if (channel.closed) return;
    this.hub.groups.broadcast(channel.groupKey, channel.topic, { form: 'json', payload }, channel.broadcastSelf ? undefined : channel);
    if (channel.broadcastAck) channel.reply(m.ref, 'ok', {});
  }

  async handleBinaryBroadcast(channel: Channel, push: BinaryBroadcastPush): Promise<void> {
    const size = push.payload.encoding === 'raw' ? push.payload.bytes.byteLength : JSON.stringify(push.payload.json ?? null).length;
    if (size > LIMITS.maxPayloadBytes) {
      if (channel.broadcastAck) channel.reply(push.ref, 'error', 'payload_size_exceeded');
      return;
    }
    if (channel.isPrivate && !(await this.#mayWrite(channel, 'broadcast'))) return;
    if (channel.closed) return;
    this.hub.groups.broadcast(
      channel.groupKey,
      channel.topic,
      { form: 'binary', event: push.event, payload: push.payload, meta: null },
      channel.broadcastSelf ? undefined : channel,
    );
    if (channel.broadcastAck) channel.reply(push.ref, 'ok', {});
  }

  /** Private channels: may this subscriber write? Asked once per token and extension (RLS insert on realtime.messages). */
  async #mayWrite(channel: Channel, extension: Extension): Promise<boolean> {
    const known = channel.writeAccess.get(extension);
    if (known !== undefined) return known;
    let pending = channel.pendingWrite.get(extension);
    if (!pending) {
      const token = channel.token;
      const check: Promise<boolean> = channelAccess(this.hub.db, channel.subTopic, channel.claims, [extension], 'write').then(
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
  async handlePresence(channel: Channel, m: Message): Promise<void> {
    const now = Date.now();
    const { presenceCallsPerWindow, presenceWindowMs } = this.hub.options;
    channel.presenceCalls = channel.presenceCalls.filter((t) => now - t < presenceWindowMs);
    channel.presenceCalls.push(now);
    if (channel.presenceCalls.length > presenceCallsPerWindow) return this.shutdown(channel, REASON.presenceRateLimit);

    const event = m.payload.event;
    if (event === 'track') {
      const meta = m.payload.payload;
      if (!isObject(meta)) return channel.reply(m.ref, 'error', { reason: REASON.trackPayloadNotMap });
      // every member of the group receives this meta in each presence_state: it is held to the broadcast limit
      if (JSON.stringify(meta).length > LIMITS.maxPayloadBytes) return channel.reply(m.ref, 'error', { reason: REASON.payloadTooLarge });
      if (channel.isPrivate && !(await this.#mayWrite(channel, 'presence'))) return channel.reply(m.ref, 'error', {});
      if (channel.closed) return;
      if (!channel.presenceEnabled) {
        channel.presenceEnabled = true;
        channel.push(PRESENCE_STATE, this.hub.presence.state(channel.groupKey));
      }
      this.hub.presence.track(channel, meta);
      return channel.reply(m.ref, 'ok', {});
    }
    if (event === 'untrack') {
      this.hub.presence.untrack(channel);
      return channel.reply(m.ref, 'ok', {});
    }
    channel.reply(m.ref, 'error', {});
  }
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

function truthy(v: unknown): boolean {
  return v === true || v === 'true';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
