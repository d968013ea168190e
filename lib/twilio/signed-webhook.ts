import { AppError } from '@/lib/errors';
import { serverEnv } from '@/lib/env';
import { readForm, type FormParams } from './read-form';
import { verifyTwilioSignature } from './verify-signature';

/**
 * The first step of every Twilio webhook: read the form (413/415/400) and refuse it unless our account signed it
 * (403), or unless this server has no Auth Token to check with (503: fail closed).
 */
export async function readSignedWebhook(request: Request): Promise<FormParams> {
  const env = serverEnv();
  if (!env.TWILIO_AUTH_TOKEN) throw new AppError('webhook_not_configured', 'Twilio webhooks are not configured on this server.', 503);
  const params = await readForm(request);
  if (!verifyTwilioSignature(request, params, env.TWILIO_AUTH_TOKEN, env.PUBLIC_BASE_URL)) {
    throw new AppError('invalid_signature', 'The X-Twilio-Signature header is missing or does not match.', 403);
  }
  return params;
}
