import { AppError } from '@/lib/errors';
import { readBody } from '@/lib/read-body';

/** Twilio's webhooks are small forms; anything far larger is not Twilio. */
export const MAX_WEBHOOK_BYTES = 64 * 1024;

export type FormParams = Record<string, string>;

/**
 * Reads an `application/x-www-form-urlencoded` body with a size limit, without trusting Content-Length alone.
 * Repeated keys keep their last value (Twilio never repeats one). Throws AppError 413/415/400.
 */
export async function readForm(request: Request, limit = MAX_WEBHOOK_BYTES): Promise<FormParams> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new AppError('unsupported_media_type', 'Expected an application/x-www-form-urlencoded body.', 415);
  }
  const bytes = await readBody(request, limit);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new AppError('malformed_body', 'Body is not valid UTF-8.', 400);
  }
  const params: FormParams = {};
  try {
    for (const [key, value] of new URLSearchParams(text)) params[key] = value;
  } catch {
    throw new AppError('malformed_body', 'Body is not a form.', 400);
  }
  return params;
}
