import { AppError, webhookErrorResponse } from '@/lib/errors';
import { requestReconciliation } from '@/lib/twilio/reconcile-schedule';
import { ingestInboundMessage } from '@/lib/data/inbound';
import { parseInbound } from '@/lib/twilio/inbound-schema';
import { readSignedWebhook } from '@/lib/twilio/signed-webhook';
import { emptyTwiml } from '@/lib/twilio/twiml';

/**
 * verify → parse → ingest. Answers fast with empty TwiML; refuses anything not signed by the account of the sender it is addressed to
 * (403) before reading it further, and writes nothing unless the whole message is valid.
 */
export async function handleInboundMessage(request: Request): Promise<Response> {
  try {
    const { params, sender } = await readSignedWebhook(request, 'To');
    const parsed = parseInbound(params);
    if (!parsed.ok) throw new AppError('malformed_webhook', 'The webhook is not a valid WhatsApp message.', 400, { issues: parsed.issues });
    const result = await ingestInboundMessage({ ...parsed.message, sender_id: sender.senderId });
    if (result.status === 'unknown_recipient') {
      // Answered 200 so Twilio does not retry a message no distributor will ever claim.
      console.warn(`[twilio] inbound ${parsed.message.message_sid} to unknown number ${parsed.message.to}; ignored`);
    }
    return emptyTwiml();
  } catch (error) {
    // not stored: Twilio may not retry for long, so fetch it from Twilio's log soon (lib/twilio/reconcile.ts)
    return webhookErrorResponse(error, () => requestReconciliation());
  }
}
