import twilio from 'twilio';
import type { FormParams } from './read-form';

/**
 * Checks `X-Twilio-Signature` with twilio's own validateRequest, over the public URL Twilio called: the
 * configured base URL (what Twilio sees, not what a proxy forwards to us) plus the path and the raw query.
 * Every received parameter is signed, so one added after signing fails too.
 */
export function verifyTwilioSignature(request: Request, params: FormParams, authToken: string, publicBaseUrl: string): boolean {
  const signature = request.headers.get('x-twilio-signature');
  if (!signature) return false;
  const url = new URL(request.url);
  const publicUrl = `${publicBaseUrl.replace(/\/+$/, '')}${url.pathname}${url.search}`;
  return twilio.validateRequest(authToken, signature, publicUrl, params);
}
