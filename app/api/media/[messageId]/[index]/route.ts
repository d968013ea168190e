// GET /api/media/:messageId/:index – a member downloads an inbound message's media (fetched from Twilio with its sender's credentials)
import { z } from 'zod';
import { AppError, toResponse } from '@/lib/errors';
import { createClient, requireUser } from '@/lib/supabase/route';
import { basicAuthFor, senderCredentials, twilioApiOrigins } from '@/lib/twilio/senders';
import { mediaSource } from '@/lib/twilio/media';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Shown inline; anything else downloads, so a customer's file can never run as a page of ours. */
const INLINE = /^(image\/(png|jpeg|gif|webp)|audio\/[\w.+-]+|video\/[\w.+-]+|application\/pdf)$/;

const notFound = () => new AppError('not_found', 'No such media.', 404);

export async function GET(request: Request, context: { params: Promise<{ messageId: string; index: string }> }) {
  try {
    const { messageId, index } = await context.params;
    if (!z.uuid().safeParse(messageId).success || !/^[0-9]$/.test(index)) throw notFound();
    const i = Number(index);
    const supabase = createClient(request);
    if (!(await requireUser(supabase, request))) throw new AppError('unauthorized', 'Sign in to see media.', 401);
    // RLS: only a message of the caller's distributor is found
    const { data, error } = await supabase.from('messages').select('direction, twilio_sid, media, conversation:conversations(sender_id)').eq('id', messageId).maybeSingle();
    if (error || !data) throw notFound();

    if (!data.conversation) throw notFound();
    const creds = await senderCredentials(data.conversation.sender_id).catch(() => null);
    if (!creds) throw notFound();
    // the URL is rebuilt from the row's own SID and its sender's account, never taken from the stored value
    const source = mediaSource(data, i, { origin: twilioApiOrigins()[0]!, accountSid: creds.accountSid });
    if (!source) throw notFound();

    const auth = basicAuthFor(creds);
    let res = await fetch(source.url, { headers: { authorization: auth }, redirect: 'manual', signal: AbortSignal.timeout(15_000) });
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      // Twilio redirects to a short-lived signed CDN URL; the credentials stay behind
      const cdn = URL.canParse(location, source.url) ? new URL(location, source.url) : null;
      await res.body?.cancel();
      if (!cdn || !/^https?:$/.test(cdn.protocol)) throw new AppError('media_unavailable', 'Twilio could not provide this media.', 502);
      res = await fetch(cdn, { redirect: 'follow', signal: AbortSignal.timeout(15_000) });
    }
    if (!res.ok || !res.body) throw new AppError('media_unavailable', 'Twilio could not provide this media.', 502);
    const length = res.headers.get('content-length');
    return new Response(res.body, {
      status: 200,
      headers: {
        'content-type': source.contentType,
        'cache-control': 'private, max-age=3600',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; img-src 'self'; media-src 'self'; sandbox",
        'content-disposition': INLINE.test(source.contentType) ? 'inline' : `attachment; filename="media-${i}"`,
        ...(length && /^\d{1,12}$/.test(length) ? { 'content-length': length } : {}),
      },
    });
  } catch (error) {
    return toResponse(error);
  }
}
