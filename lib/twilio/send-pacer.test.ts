import { expect, test } from 'vitest';
import { SendPacer } from './send-pacer';

/** A clock the test moves by hand; scheduled callbacks fire when it passes them. */
function fakeClock() {
  let now = 0;
  let timers: Array<{ at: number; fn: () => void }> = [];
  return {
    now: () => now,
    schedule: (fn: () => void, ms: number) => {
      timers.push({ at: now + ms, fn });
      return 0 as unknown as ReturnType<typeof setTimeout>;
    },
    async advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const next = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
        if (!next) break;
        now = next.at;
        timers = timers.filter((t) => t !== next);
        next.fn();
        await Promise.resolve();
      }
      now = until;
      await Promise.resolve();
    },
  };
}

test('lets a burst through, then one send per 1/rate seconds, in order, per sender', async () => {
  const clock = fakeClock();
  const pacer = new SendPacer(10, 10, clock.now, clock.schedule);
  const released: string[] = [];
  const sends = Array.from({ length: 15 }, (_, i) => pacer.acquire('+1').then(() => released.push(`a${i}`)));
  const other = pacer.acquire('+2').then(() => released.push('b0'));
  await Promise.resolve();
  await Promise.resolve();
  expect(released).toHaveLength(11); // 10 for +1 and the other sender's first
  expect(released).toContain('b0');
  await clock.advance(100);
  expect(released.filter((r) => r.startsWith('a'))).toHaveLength(11);
  await clock.advance(400);
  await Promise.all([...sends, other]);
  expect(released.filter((r) => r.startsWith('a'))).toEqual(Array.from({ length: 15 }, (_, i) => `a${i}`));
});
