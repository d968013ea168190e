/**
 * What the inbox tells the user about its connection, from what realtime-js reports and what the browser knows.
 * A channel can look SUBSCRIBED while nothing can arrive: the browser is offline (realtime-js notices only at its
 * next heartbeat, up to 25 s later), or the socket's last heartbeat went unanswered. Then the screen says so
 * instead of *live*. Polling starts only once the channel has been down longer than the grace period, and stops
 * as soon as it is SUBSCRIBED again.
 */
export type ConnectionStatus = 'live' | 'connecting' | 'reconnecting' | 'polling' | 'offline';

export interface ChannelObservation {
  subscribed: boolean;
  everSubscribed: boolean;
  /** When the channel was last seen not subscribed (ms since epoch), or null while subscribed. */
  downSince: number | null;
  online: boolean;
  /** The socket's last heartbeat was answered (realtime-js `onHeartbeat`: not 'timeout', 'error' or 'disconnected'). */
  socketHealthy?: boolean;
  now: number;
  graceMs: number;
}

export function connectionStatus(o: ChannelObservation): ConnectionStatus {
  if (!o.online) return 'offline';
  if (o.subscribed) return o.socketHealthy === false ? 'reconnecting' : 'live';
  const downFor = o.downSince === null ? 0 : o.now - o.downSince;
  if (downFor >= o.graceMs) return 'polling';
  return o.everSubscribed ? 'reconnecting' : 'connecting';
}

/** Poll interval with ±20% jitter, so many dashboards that lost the socket together do not poll in step. */
export function jittered(baseMs: number, random = Math.random): number {
  return Math.round(baseMs * (0.8 + 0.4 * random()));
}
