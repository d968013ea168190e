import { AppError, toResponse } from '@/lib/errors';
import { serverEnv } from '@/lib/env';
import { ingestInboundMessage } from '@/lib/data/inbound';
import { parseInbound } from '@/lib/twilio/inbound-schema';
import { readForm } from '@/lib/twilio/read-form';
import { emptyTwiml } from '@/lib/twilio/twiml';
import { verifyTwilioSignature } from '@/lib/twilio/verify-signature';

/**
 * verify → parse → ingest. Answers fast with empty TwiML; refuses anything not signed by our Twilio account
 * (403) before reading it further, and writes nothing unless the whole message is valid.
 */
export async function handleInboundMessage(request: Request): Promise<Response> {
  try {
    const env = serverEnv();
    if (!env.TWILIO_AUTH_TOKEN) throw new AppError('webhook_not_configured', 'Twilio webhooks are not configured on this server.', 503);
    const params = await readForm(request);
    if (!verifyTwilioSignature(request, params, env.TWILIO_AUTH_TOKEN, env.PUBLIC_BASE_URL)) {
      throw new AppError('invalid_signature', 'The X-Twilio-Signature header is missing or does not match.', 403);
    }
    const parsed = parseInbound(params);
    if (!parsed.ok) throw new AppError('malformed_webhook', 'The webhook is not a valid WhatsApp message.', 400, { issues: parsed.issues });
    const result = await ingestInboundMessage(parsed.message);
    if (result.status === 'unknown_recipient') {
      // Answered 200 so Twilio does not retry a message no distributor will ever claim.
      console.warn(`[twilio] inbound ${parsed.message.message_sid} to unknown number ${parsed.message.to}; ignored`);
    }
    return emptyTwiml();
  } catch (error) {
    return toResponse(error);
  }
}
