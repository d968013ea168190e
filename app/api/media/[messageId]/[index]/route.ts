// GET /api/media/:messageId/:index – a member downloads an inbound message's media (fetched from Twilio with the account's credentials)
import { z } from 'zod';
import { AppError, toResponse } from '@/lib/errors';
import { serverEnv } from '@/lib/env';
import { createClient, requireUser } from '@/lib/supabase/route';
import { twilioApiOrigins } from '@/lib/twilio/client';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Shown inline; anything else downloads, so a customer's file can never run as a page of ours. */
const INLINE = /^(image\/(png|jpeg|gif|webp)|audio\/[\w.+-]+|video\/[\w.+-]+|application\/pdf)$/;

export async function GET(request: Request, context: { params: Promise<{ messageId: string; index: string }> }) {
  try {
    const { messageId, index } = await context.params;
    const i = Number(index);
    if (!z.uuid().safeParse(messageId).success || !Number.isInteger(i) || i < 0 || i > 9) throw new AppError('not_found', 'No such media.', 404);
    const supabase = createClient(request);
    if (!(await requireUser(supabase, request))) throw new AppError('unauthorized', 'Sign in to see media.', 401);
    const { data, error } = await supabase.from('messages').select('media').eq('id', messageId).maybeSingle();
    if (error) throw new AppError('not_found', 'No such media.', 404);
    const media = (data?.media as Array<{ url?: string; content_type?: string }> | undefined)?.[i];
    if (!media?.url || !media.content_type) throw new AppError('not_found', 'No such media.', 404);
    const url = new URL(media.url);
    if (!twilioApiOrigins().includes(url.origin)) throw new AppError('not_found', 'No such media.', 404);

    const env = serverEnv();
    const auth = `Basic ${Buffer.from(`${env.TWILIO_ACCOUNT_SID}:${env.TWILIO_AUTH_TOKEN}`).toString('base64')}`;
    let res = await fetch(url, { headers: { authorization: auth }, redirect: 'manual', signal: AbortSignal.timeout(15_000) });
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      // Twilio redirects to a short-lived signed CDN URL; the credentials stay behind
      res = await fetch(new URL(location, url), { redirect: 'follow', signal: AbortSignal.timeout(15_000) });
    }
    if (!res.ok || !res.body) throw new AppError('media_unavailable', 'Twilio could not provide this media.', 502);
    const inline = INLINE.test(media.content_type);
    return new Response(res.body, {
      status: 200,
      headers: {
        'content-type': media.content_type,
        'cache-control': 'private, max-age=3600',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; img-src 'self'; media-src 'self'; sandbox",
        'content-disposition': inline ? 'inline' : `attachment; filename="media-${i}"`,
        ...(res.headers.get('content-length') ? { 'content-length': res.headers.get('content-length')! } : {}),
      },
    });
  } catch (error) {
    return toResponse(error);
  }
}
