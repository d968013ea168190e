import 'server-only';
import { AppError } from '@/lib/errors';
import { serverEnv } from '@/lib/env';
import { readForm, type FormParams } from './read-form';
import { webhookSender, type SenderCredentials } from './senders';
import { verifyTwilioSignature } from './verify-signature';

const refused = () => new AppError('invalid_signature', 'The X-Twilio-Signature header is missing or does not match.', 403);

/**
 * The first step of every Twilio webhook: read the form (413/415/400), find the workspace's sender it is addressed
 * to (`To` of an inbound message, `From` of a status callback, on its `AccountSid`), and refuse it (403) unless that
 * sender's account signed it. An unknown sender and a bad signature get the same answer, and nothing is written.
 */
export async function readSignedWebhook(request: Request, ours: 'To' | 'From'): Promise<{ params: FormParams; sender: SenderCredentials }> {
  const params = await readForm(request);
  const number = params[ours];
  const accountSid = params.AccountSid;
  if (typeof number !== 'string' || !/^whatsapp:\+[1-9]\d{6,14}$/.test(number) || typeof accountSid !== 'string' || !/^AC[0-9a-f]{32}$/.test(accountSid)) {
    throw refused();
  }
  const sender = await webhookSender(number, accountSid);
  if (!sender || !verifyTwilioSignature(request, params, sender.authToken, serverEnv().PUBLIC_BASE_URL)) throw refused();
  return { params, sender };
}
