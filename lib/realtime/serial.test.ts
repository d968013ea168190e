import { describe, expect, test, vi } from 'vitest';
import { Backoff, repeatJittered, serialRunner } from './serial';

/** A task whose runs the test finishes one by one. */
function controlledTask() {
  const finishers: Array<() => void> = [];
  let runs = 0;
  const task = () =>
    new Promise<void>((resolve) => {
      runs++;
      finishers.push(resolve);
    });
  const finishNext = async () => {
    await Promise.resolve();
    finishers.shift()?.();
    // let the loop pick up the next run
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { task, finishNext, runs: () => runs };
}

describe('serialRunner', () => {
  test('calls during a run ask for exactly one more run, and all settle when it ends', async () => {
    const c = controlledTask();
    const runner = serialRunner();
    const run = () => runner(c.task, undefined);
    const first = run();
    const settled: string[] = [];
    const second = run().then(() => settled.push('second'));
    const third = run().then(() => settled.push('third'));
    expect(c.runs()).toBe(1);
    await c.finishNext();
    expect(c.runs()).toBe(2); // one more, not two
    expect(settled).toEqual([]);
    await c.finishNext();
    await Promise.all([first, second, third]);
    expect(c.runs()).toBe(2);
    expect(settled.sort()).toEqual(['second', 'third']);
  });

  test('a call after a run ended starts a new one', async () => {
    const c = controlledTask();
    const runner = serialRunner();
    const run = () => runner(c.task, undefined);
    const first = run();
    await c.finishNext();
    await first;
    const second = run();
    expect(c.runs()).toBe(2);
    await c.finishNext();
    await second;
  });

  test('a failing run does not wedge the scheduler', async () => {
    let calls = 0;
    const runner = serialRunner();
    const run = () =>
      runner(async () => {
        calls++;
        if (calls === 1) throw new Error('boom');
      }, undefined);
    await expect(run()).rejects.toThrow('boom');
    await run();
    expect(calls).toBe(2);
  });

  test('minIntervalMs spaces the starts of runs', async () => {
    let clock = 1000;
    const slept: number[] = [];
    const runner = serialRunner({
      minIntervalMs: 1000,
      now: () => clock,
      sleep: async (ms) => {
        slept.push(ms);
        clock += ms;
      },
    });
    const run = () => runner(async () => {}, undefined);
    await run();
    clock += 300;
    await run();
    expect(slept).toEqual([700]);
  });
});

test('the run after the current one uses the latest task and argument', async () => {
  const seen: string[] = [];
  let release!: () => void;
  const runner = serialRunner<string>();
  const first = runner((a) => new Promise<void>((r) => ((release = r), seen.push(`first:${a}`))), 'a');
  void runner(async (a) => void seen.push(`old:${a}`), 'b');
  const last = runner(async (a) => void seen.push(`new:${a}`), 'c');
  release();
  await Promise.all([first, last]);
  expect(seen).toEqual(['first:a', 'new:c']);
});

describe('Backoff', () => {
  test('doubles from the base to the cap, with jitter, and starts over after reset', () => {
    const middle = () => 0.5; // no jitter
    const b = new Backoff(1000, 30_000, middle);
    expect([b.next(), b.next(), b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    b.reset();
    expect(b.next()).toBe(1000);
    const low = new Backoff(1000, 30_000, () => 0);
    expect(low.next()).toBe(800);
  });
});

describe('repeatJittered', () => {
  test('runs at once, then an interval after each run ends, never two at once; stopping ends it', async () => {
    vi.useFakeTimers();
    try {
      const c = controlledTask();
      const stop = repeatJittered(c.task, 1000, () => 0.5); // no jitter: exactly 1000 ms
      expect(c.runs()).toBe(1);
      await vi.advanceTimersByTimeAsync(5000); // the first run has not finished: nothing more starts
      expect(c.runs()).toBe(1);
      await c.finishNext();
      await vi.advanceTimersByTimeAsync(999);
      expect(c.runs()).toBe(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(c.runs()).toBe(2);
      stop();
      await c.finishNext(); // a run in progress when stopped finishes, and none follows it
      await vi.advanceTimersByTimeAsync(10_000);
      expect(c.runs()).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
