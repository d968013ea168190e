import { expect, test } from 'vitest';
import { connectionStatus, jittered } from './connection-status';

const base = { subscribed: false, everSubscribed: false, downSince: 1000, online: true, now: 1000, graceMs: 3000 };

test('connecting, then polling only once the grace period has passed', () => {
  expect(connectionStatus(base)).toBe('connecting');
  expect(connectionStatus({ ...base, now: 3999 })).toBe('connecting');
  expect(connectionStatus({ ...base, now: 4000 })).toBe('polling');
});

test('live while subscribed; reconnecting after a drop, then polling; offline without a network', () => {
  expect(connectionStatus({ ...base, subscribed: true, downSince: null })).toBe('live');
  expect(connectionStatus({ ...base, everSubscribed: true, now: 2000 })).toBe('reconnecting');
  expect(connectionStatus({ ...base, everSubscribed: true, now: 9000 })).toBe('polling');
  expect(connectionStatus({ ...base, online: false })).toBe('offline');
});

test('never live while the browser is offline or the socket misses its heartbeat, even if the channel looks subscribed', () => {
  const joined = { ...base, subscribed: true, everSubscribed: true, downSince: null };
  expect(connectionStatus({ ...joined, online: false })).toBe('offline');
  expect(connectionStatus({ ...joined, socketHealthy: false })).toBe('reconnecting');
  expect(connectionStatus({ ...joined, socketHealthy: true })).toBe('live');
});

test('jitter stays within ±20%', () => {
  expect(jittered(5000, () => 0)).toBe(4000);
  expect(jittered(5000, () => 1)).toBe(6000);
});
