/**
 * One WebSocket connection: decodes frames, answers heartbeats, and routes channel events to their handlers
 * (joins and leaves here; access_token, broadcast and presence in channel-events.ts), as a Phoenix socket does.
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
import type { Message, Vsn } from '../protocol/frames.ts';
import { channelToken, checkToken } from './auth.ts';
import { channelAccess, type Extension } from './authorization.ts';
import { handleAccessToken, handleBinaryBroadcast, handleBroadcast, handlePresence, scheduleExpiry, type SocketContext } from './channel-events.ts';
import type { Channel, SocketLike, Transport } from './channel.ts';
import type { Hub } from './hub.ts';
import { channelFromJoin } from './join-config.ts';
import type { SubscribeResult } from './postgres-changes.ts';
import { decodeBinary, decodeText, encodeText } from './serializer.ts';

let socketIds = 0;

export class RealtimeSocket implements SocketLike, SocketContext {
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
    readonly hub: Hub,
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
      if (push) this.#channelFor(push.topic, push.join_ref, push.ref, (ch) => handleBinaryBroadcast(this, ch, push));
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
          return handleAccessToken(this, channel, m);
        case BROADCAST:
          return handleBroadcast(this, channel, m);
        case PRESENCE:
          return handlePresence(this, channel, m);
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
    const channel = channelFromJoin(this, m, joinRef, token, checked);
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
    scheduleExpiry(this, channel);
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

}
