import { AppError, toResponse } from '@/lib/errors';
import { serverEnv } from '@/lib/env';
import { applyStatusCallback } from '@/lib/data/inbound';
import { readForm } from '@/lib/twilio/read-form';
import { parseStatusCallback } from '@/lib/twilio/status-schema';
import { verifyTwilioSignature } from '@/lib/twilio/verify-signature';

/** verify → parse → record. Every callback is logged; a message's status only moves up. */
export async function handleStatusCallback(request: Request): Promise<Response> {
  try {
    const env = serverEnv();
    if (!env.TWILIO_AUTH_TOKEN) throw new AppError('webhook_not_configured', 'Twilio webhooks are not configured on this server.', 503);
    const params = await readForm(request);
    if (!verifyTwilioSignature(request, params, env.TWILIO_AUTH_TOKEN, env.PUBLIC_BASE_URL)) {
      throw new AppError('invalid_signature', 'The X-Twilio-Signature header is missing or does not match.', 403);
    }
    const parsed = parseStatusCallback(params);
    if (!parsed.ok) throw new AppError('malformed_webhook', 'The webhook is not a valid status callback.', 400, { issues: parsed.issues });
    await applyStatusCallback(parsed.callback);
    return new Response(null, { status: 200 });
  } catch (error) {
    return toResponse(error);
  }
}
