/**
 * Runs once when the Next.js server starts. supabase-js 2.119 refuses to construct a client on Node.js < 22
 * unless a global WebSocket exists (it builds its realtime client eagerly), so provide `ws` there. Then the
 * periodic template sync starts (TEMPLATE_SYNC_MINUTES, default 60; 0 turns it off), and reconciliation with
 * Twilio's message log (RECONCILE_MINUTES, default 5; 0 keeps only the sweep at start).
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs' && typeof globalThis.WebSocket === 'undefined') {
    const { WebSocket } = await import('ws');
    (globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;
  }
  if (process.env.NEXT_RUNTIME === 'nodejs' && process.env.NEXT_PHASE !== 'phase-production-build') {
    const minutes = Number(process.env.TEMPLATE_SYNC_MINUTES ?? 60);
    if (Number.isFinite(minutes) && minutes > 0) {
      const { scheduleTemplateSync } = await import('./lib/twilio/template-schedule');
      scheduleTemplateSync(minutes);
    }
    // reconciliation with Twilio's message log: at start and every RECONCILE_MINUTES (default 5; 0: never)
    const every = Number(process.env.RECONCILE_MINUTES ?? 5);
    if (Number.isFinite(every) && every >= 0) {
      const { startReconciliation } = await import('./lib/twilio/reconcile-schedule');
      startReconciliation(every);
    }
  }
}
