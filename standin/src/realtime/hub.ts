import type { Database } from '../db/database.ts';
import type { KeyRing } from './auth.ts';
import { Groups } from './broadcast.ts';
import type { Channel } from './channel.ts';
import { PostgresChanges } from './postgres-changes.ts';
import type { FeedDurability } from './change-feed.ts';
import { PHX_ERROR } from '../protocol/constants.ts';
import { Presence } from './presence.ts';

export interface RealtimeOptions {
  /** Presence pushes allowed per channel per window before the channel is shut down (real default: 5 per 30 s). */
  presenceCallsPerWindow: number;
  presenceWindowMs: number;
  /** Delay before a join error reply (the real server waits 5 s; 0 answers at once). */
  joinErrorDelayMs: number;
  log: (message: string, error?: unknown) => void;
  /** The change feed's guard against lost changes (tests shorten its times). */
  durability?: FeedDurability;
}

/** State shared by every socket of one realtime server. */
export class Hub {
  readonly groups = new Groups();
  readonly presence = new Presence(this.groups);
  readonly pg: PostgresChanges;

  constructor(
    readonly db: Database,
    readonly keys: KeyRing,
    readonly options: RealtimeOptions,
  ) {
    this.pg = new PostgresChanges(db, options.log, (channels, reason) => this.#rejoin(channels, reason), options.durability);
  }

  /**
   * Makes each channel rejoin, as the real server does when a channel process fails: `phx_error` (realtime-js
   * answers it with CHANNEL_ERROR and rejoins after its backoff; the app catches up on the rejoin), and nothing more
   * is delivered on this join.
   */
  #rejoin(channels: Channel[], reason: string): void {
    if (channels.length === 0) return;
    this.options.log(`postgres_changes: ${reason}; ${channels.length} channel(s) told to rejoin`);
    for (const channel of channels) {
      if (channel.closed) continue;
      channel.socket.send({ join_ref: channel.joinRef, ref: channel.joinRef, topic: channel.topic, event: PHX_ERROR, payload: {} });
      this.release(channel);
    }
  }

  /** Everything a channel holds on to goes when it closes: fan-out membership, presence, subscriptions, timers. */
  release(channel: Channel): void {
    if (channel.closed) return;
    channel.closed = true;
    clearTimeout(channel.expiryTimer);
    this.groups.remove(channel);
    this.presence.untrack(channel);
    this.pg.unsubscribe(channel);
  }
}
