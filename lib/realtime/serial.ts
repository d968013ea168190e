/**
 * Three small schedulers the realtime hooks share.
 *
 * `serialRunner()`: runs tasks one at a time. A call while a run is in progress does not start a second one
 * in parallel; it asks for exactly one more run after the current one (which then sees everything that
 * happened meanwhile), however many calls came in. Every caller's promise settles once the run that covers
 * its call has finished. With `minIntervalMs`, runs start at least that far apart.
 *
 * `Backoff`: the delay before re-creating a channel the server closed: 1 s, 2 s, 4 s … up to 30 s, each
 * with ±20% jitter so many screens that lost the server together do not come back in step.
 *
 * `repeatJittered(task, intervalMs)`: runs a task now and again each interval (±20%) after the last run
 * ended, until stopped: the inbox's polling while its channel is down.
 */
import { jittered } from '@/lib/realtime/connection-status';

export interface SerialOptions {
  minIntervalMs?: number;
  /** Injected for tests. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Runs the task it is given, one run at a time; see the top of this file. */
export type SerialRunner<A = void> = (task: (arg: A) => Promise<void>, arg: A) => Promise<void>;

/**
 * A runner that never runs two tasks at once. The run after the current one uses the latest task and
 * argument it was given (a hook's task closes over its latest props; the latest reason wins).
 */
export function serialRunner<A = void>(options: SerialOptions = {}): SerialRunner<A> {
  const { minIntervalMs = 0, now = Date.now, sleep = (ms) => new Promise((r) => setTimeout(r, ms)) } = options;
  let running: Promise<void> | null = null;
  let next: { task: (arg: A) => Promise<void>; arg: A } | null = null;
  let lastStart = Number.NEGATIVE_INFINITY;
  return (task, arg) => {
    next = { task, arg };
    if (running) return running;
    running = (async () => {
      try {
        while (next) {
          const current = next;
          next = null;
          const wait = lastStart + minIntervalMs - now();
          if (wait > 0) await sleep(wait);
          lastStart = now();
          await current.task(current.arg);
        }
      } finally {
        running = null;
        next = null;
      }
    })();
    return running;
  };
}

export class Backoff {
  #attempt = 0;
  constructor(
    private readonly baseMs = 1000,
    private readonly maxMs = 30_000,
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay before the next attempt; each call doubles the following one, up to the cap. */
  next(): number {
    const delay = Math.min(this.maxMs, this.baseMs * 2 ** this.#attempt);
    this.#attempt = Math.min(this.#attempt + 1, 30);
    return jittered(delay, this.random);
  }

  /** After a success: the next failure starts from the base delay again. */
  reset(): void {
    this.#attempt = 0;
  }
}

/**
 * Runs `task` at once, then `jittered(intervalMs)` after each run has finished (never two at once), until the
 * returned function is called; a run in progress when it is stopped finishes, and none follows it.
 */
export function repeatJittered(task: () => Promise<void>, intervalMs: number, random: () => number = Math.random): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    if (stopped) return;
    await task();
    if (!stopped) timer = setTimeout(tick, jittered(intervalMs, random));
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
