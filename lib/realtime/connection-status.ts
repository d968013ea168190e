/**
 * What the inbox tells the user about its connection, from what realtime-js reports. Polling starts only once
 * the channel has been down longer than the grace period, and stops as soon as it is SUBSCRIBED again.
 */
export type ConnectionStatus = 'live' | 'connecting' | 'reconnecting' | 'polling' | 'offline';

export interface ChannelObservation {
  subscribed: boolean;
  everSubscribed: boolean;
  /** When the channel was last seen not subscribed (ms since epoch), or null while subscribed. */
  downSince: number | null;
  online: boolean;
  now: number;
  graceMs: number;
}

export function connectionStatus(o: ChannelObservation): ConnectionStatus {
  if (o.subscribed) return 'live';
  if (!o.online) return 'offline';
  const downFor = o.downSince === null ? 0 : o.now - o.downSince;
  if (downFor >= o.graceMs) return 'polling';
  return o.everSubscribed ? 'reconnecting' : 'connecting';
}

/** Poll interval with ±20% jitter, so many dashboards that lost the socket together do not poll in step. */
export function jittered(baseMs: number, random = Math.random): number {
  return Math.round(baseMs * (0.8 + 0.4 * random()));
}
