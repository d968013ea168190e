import { AppError, webhookErrorResponse } from '@/lib/errors';
import { requestReconciliation } from '@/lib/twilio/reconcile-schedule';
import { applyStatusCallback } from '@/lib/data/status';
import { readSignedWebhook } from '@/lib/twilio/signed-webhook';
import { parseStatusCallback } from '@/lib/twilio/status-schema';

/** verify → parse → record. Every callback is logged; a message's status only moves up. */
export async function handleStatusCallback(request: Request): Promise<Response> {
  try {
    const { params, sender } = await readSignedWebhook(request, 'From');
    const parsed = parseStatusCallback(params);
    if (!parsed.ok) throw new AppError('malformed_webhook', 'The webhook is not a valid status callback.', 400, { issues: parsed.issues });
    await applyStatusCallback({ ...parsed.callback, sender_id: sender.senderId });
    return new Response(null, { status: 200 });
  } catch (error) {
    // not stored: Twilio may not retry for long, so fetch it from Twilio's log soon (lib/twilio/reconcile.ts)
    return webhookErrorResponse(error, () => requestReconciliation());
  }
}
