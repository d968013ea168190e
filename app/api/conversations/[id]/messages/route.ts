// POST /api/conversations/:id/messages – a member replies to a customer (free text in the 24-hour window, or a template)
import { z } from 'zod';
import { AppError, toResponse } from '@/lib/errors';
import { sendReply } from '@/lib/data/messages';
import { parseReplyRequest } from '@/lib/replies/schema';
import { readBody } from '@/lib/read-body';
import { createClient, requireUser } from '@/lib/supabase/route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const MAX_BODY_BYTES = 32 * 1024;

export async function POST(request: Request, context: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await context.params;
    if (!z.uuid().safeParse(id).success) throw new AppError('not_found', 'No such conversation.', 404);
    const supabase = createClient(request);
    const userId = await requireUser(supabase, request);
    if (!userId) throw new AppError('unauthorized', 'Sign in to send messages.', 401);
    const parsed = parseReplyRequest(await readJson(request));
    if (!parsed.ok) throw new AppError('invalid_request', 'The message is not valid.', 400, { issues: parsed.issues });
    const { message, created } = await sendReply(supabase, userId, id, parsed.request);
    return Response.json({ message }, { status: created ? 201 : 200 });
  } catch (error) {
    return toResponse(error);
  }
}

async function readJson(request: Request): Promise<unknown> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw new AppError('unsupported_media_type', 'Send JSON.', 415);
  const bytes = await readBody(request, MAX_BODY_BYTES);
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new AppError('malformed_json', 'The request body is not valid JSON.', 400);
  }
}
