/**
 * Paces sends per sender number with a token bucket (Twilio queues WhatsApp text above ~10 messages/s per
 * sender and fails what waits too long). One bucket per number; waiters are served in arrival order. Per process:
 * several app instances each pace on their own.
 *
 *   const pacer = new SendPacer(10);
 *   await pacer.acquire('+14155550100'); // resolves when this send may go
 */
export class SendPacer {
  #buckets = new Map<string, { tokens: number; updated: number; queue: Array<() => void>; timer?: ReturnType<typeof setTimeout> }>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst = Math.max(1, Math.ceil(ratePerSecond)),
    private readonly now: () => number = () => performance.now(),
    private readonly schedule: (fn: () => void, ms: number) => ReturnType<typeof setTimeout> = (fn, ms) => setTimeout(fn, ms),
  ) {}

  acquire(key: string): Promise<void> {
    let bucket = this.#buckets.get(key);
    if (!bucket) this.#buckets.set(key, (bucket = { tokens: this.burst, updated: this.now(), queue: [] }));
    return new Promise((resolve) => {
      bucket.queue.push(resolve);
      this.#drain(key);
    });
  }

  #drain(key: string): void {
    const bucket = this.#buckets.get(key)!;
    const t = this.now();
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((t - bucket.updated) / 1000) * this.ratePerSecond);
    bucket.updated = t;
    while (bucket.queue.length > 0 && bucket.tokens >= 1) {
      bucket.tokens -= 1;
      bucket.queue.shift()!();
    }
    if (bucket.queue.length > 0 && !bucket.timer) {
      const wait = ((1 - bucket.tokens) / this.ratePerSecond) * 1000;
      bucket.timer = this.schedule(() => {
        bucket.timer = undefined;
        this.#drain(key);
      }, Math.max(1, wait));
    }
    if (bucket.queue.length === 0 && bucket.tokens >= this.burst) this.#buckets.delete(key);
  }
}
