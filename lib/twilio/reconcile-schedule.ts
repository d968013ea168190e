import 'server-only';
import { sweepAllSenders, type SweepReason } from './reconcile';

/**
 * When sweeps run (reconcile.ts says what one does), on a long-running Node host:
 *   - at start, a few seconds after the server is up (what was missed while it was down);
 *   - every `RECONCILE_MINUTES` (default 5; 0 turns the schedule off);
 *   - soon after a webhook could not be stored (requestReconciliation(), from the webhook routes), and again with
 *     backoff while that sweep cannot run (the database still away), for up to half an hour.
 * Serverless hosts, whose processes do not outlive a request, call POST /api/twilio/reconcile from a cron instead
 * (REALTIME_SETUP.md). Several servers sweeping at once is harmless: ingest and status updates are idempotent.
 */
let chain: Promise<unknown> = Promise.resolve();
let pending: NodeJS.Timeout | null = null;

/** Runs sweeps one after another in this process, whoever asked. */
function enqueue(reason: SweepReason): Promise<boolean> {
  const run = chain.then(async () => {
    try {
      await sweepAllSenders(reason);
      return true;
    } catch (error) {
      console.error(`[reconcile] ${reason} sweep failed:`, (error as Error).message);
      return false;
    }
  });
  chain = run;
  return run;
}

export function startReconciliation(intervalMinutes: number, firstDelayMs = 5000): () => void {
  const first = setTimeout(() => void enqueue('start'), firstDelayMs);
  first.unref();
  const timer = intervalMinutes > 0 ? setInterval(() => void enqueue('schedule'), intervalMinutes * 60_000) : null;
  timer?.unref();
  return () => {
    clearTimeout(first);
    if (timer) clearInterval(timer);
  };
}

/** A webhook could not be stored: sweep soon (once for a burst of failures), retrying while the sweep fails. */
export function requestReconciliation(delayMs = 10_000): void {
  if (pending) return;
  const attempt = (wait: number, deadline: number) => {
    pending = setTimeout(async () => {
      const ok = await enqueue('webhook_failure');
      if (ok || Date.now() + wait > deadline) pending = null;
      else attempt(Math.min(wait * 2, 120_000), deadline);
    }, wait);
    pending.unref();
  };
  attempt(delayMs, Date.now() + 30 * 60_000);
}
