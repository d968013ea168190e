import type { Claims } from '../keys.ts';
import { PHX_CLOSE, PHX_REPLY, SYSTEM, TOPIC_PREFIX } from '../protocol/constants.ts';
import type { Message, Vsn } from '../protocol/frames.ts';
import { encodeText } from './serializer.ts';

/** How a socket sends bytes; server.ts adapts a `ws` WebSocket to it. */
export interface Transport {
  send(data: string | Buffer, binary: boolean): void;
  close(code?: number, reason?: string): void;
}

/** A socket as channels see it. */
export interface SocketLike {
  readonly id: number;
  readonly vsn: Vsn;
  readonly apikey: string;
  send(message: Message): void;
  sendRaw(data: string | Buffer, binary: boolean): void;
}

export interface PgBinding {
  /** The id echoed in the join reply and listed in `ids` of every matching event. */
  id: number;
  event: string;
  schema: string;
  table?: string;
  filter?: string;
  select?: string[];
}

/** The group a channel fans out in: private and public channels of the same name never mix. */
export function groupKeyOf(subTopic: string, isPrivate: boolean): string {
  return `${isPrivate ? 'private' : 'public'}:${subTopic}`;
}

/** One joined channel on one socket: what realtime-js calls a RealtimeChannel, server side. */
export class Channel {
  readonly topic: string;
  readonly subTopic: string;
  readonly groupKey: string;
  broadcastSelf = false;
  broadcastAck = false;
  presenceEnabled = false;
  presenceKey = '';
  bindings: PgBinding[] = [];
  /** Write permission on a private channel, per extension; checked lazily and forgotten when the token changes. */
  writeAccess = new Map<string, boolean>();
  pendingWrite = new Map<string, Promise<boolean>>();
  presenceRef: string | null = null;
  /** Bumped by every postgres_changes (re)subscribe, so an older one that finishes late changes nothing. */
  pgGeneration = 0;
  /** Bumped by every access_token push, so a check that finishes after a later push's changes nothing. */
  tokenChecks = 0;
  presenceCalls: number[] = [];
  expiryTimer: NodeJS.Timeout | undefined;
  closed = false;

  constructor(
    readonly socket: SocketLike,
    topic: string,
    public joinRef: string,
    readonly isPrivate: boolean,
    public claims: Claims,
    public token: string,
  ) {
    this.topic = topic;
    this.subTopic = topic.slice(TOPIC_PREFIX.length);
    this.groupKey = groupKeyOf(this.subTopic, isPrivate);
  }

  get role(): string {
    return typeof this.claims.role === 'string' ? this.claims.role : 'anon';
  }

  /** A push from the channel process: carries the channel's join_ref and no ref. */
  push(event: string, payload: Record<string, unknown>): void {
    this.socket.send({ join_ref: this.joinRef, ref: null, topic: this.topic, event, payload });
  }

  reply(ref: string | null, status: 'ok' | 'error', response: unknown = {}): void {
    this.socket.send({ join_ref: this.joinRef, ref, topic: this.topic, event: PHX_REPLY, payload: { status, response } });
  }

  system(extension: string, status: 'ok' | 'error', message: string): void {
    this.push(SYSTEM, { extension, status, message, channel: this.subTopic });
  }

  /** `phx_close` with ref = join_ref, which realtime-js treats as the end of this join. */
  sendClose(): void {
    this.socket.send({ join_ref: this.joinRef, ref: this.joinRef, topic: this.topic, event: PHX_CLOSE, payload: {} });
  }

  /** Pre-encodes a frame for this channel's socket. */
  encode(message: Message): string {
    return encodeText(message, this.socket.vsn);
  }
}
