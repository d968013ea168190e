// POST /api/twilio/reconcile – one reconciliation sweep of every sender, for hosts whose processes do not outlive a
// request (a cron: pg_cron + pg_net, or the host's own). Long-running hosts sweep by themselves (instrumentation.ts).
import { timingSafeEqual } from 'node:crypto';
import { serverEnv } from '@/lib/env';
import { sweepAllSenders } from '@/lib/twilio/reconcile';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * Exists only where RECONCILE_SECRET is set (404 otherwise) and answers only its bearer (401). The answer says what
 * the sweep did per sender, in figures; never credentials or message content.
 */
export async function POST(request: Request): Promise<Response> {
  const secret = serverEnv().RECONCILE_SECRET;
  if (!secret) return Response.json({ error: { code: 'not_found', message: 'Not found.' } }, { status: 404 });
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1] ?? '';
  const a = Buffer.from(bearer);
  const b = Buffer.from(secret);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    return Response.json({ error: { code: 'unauthorized', message: 'This route needs the reconcile secret as a bearer token.' } }, { status: 401 });
  }
  try {
    const results = await sweepAllSenders('schedule');
    return Response.json({
      senders: results.length,
      recovered_inbound: results.reduce((n, r) => n + r.recoveredInbound, 0),
      recovered_statuses: results.reduce((n, r) => n + r.recoveredStatuses, 0),
      failed: results.filter((r) => r.error).length,
    });
  } catch (error) {
    console.error('[reconcile] cron sweep failed:', error);
    return Response.json({ error: { code: 'temporarily_unavailable', message: 'The sweep could not run right now.' } }, { status: 503, headers: { 'retry-after': '60' } });
  }
}
