// POST /api/conversations/:id/messages – a member replies to a customer (free text in the 24-hour window, or a template)
import { z } from 'zod';
import { AppError, toResponse } from '@/lib/errors';
import { sendReply } from '@/lib/data/messages';
import { readBody } from '@/lib/read-body';
import { createClient, requireUser } from '@/lib/supabase/route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const MAX_BODY_BYTES = 32 * 1024;

const sendSchema = z
  .object({
    client_msg_id: z.uuid(),
    body: z.string().trim().min(1, 'Write a message.').max(4096).optional(),
    template: z
      .object({
        content_sid: z.string().regex(/^HX[0-9a-f]{32}$/, 'content_sid must be HX + 32 hex'),
        variables: z.record(z.string().regex(/^\d{1,2}$/), z.string().max(1024)).default({}),
      })
      .optional(),
  })
  .strict()
  .refine((v) => (v.body === undefined) !== (v.template === undefined), { message: 'Send either body or template, not both.' });

export async function POST(request: Request, context: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await context.params;
    if (!z.uuid().safeParse(id).success) throw new AppError('not_found', 'No such conversation.', 404);
    const supabase = createClient(request);
    const userId = await requireUser(supabase, request);
    if (!userId) throw new AppError('unauthorized', 'Sign in to send messages.', 401);
    const input = sendSchema.safeParse(await readJson(request));
    if (!input.success) throw new AppError('invalid_request', 'The message is not valid.', 400, { issues: input.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`) });
    const { client_msg_id, body, template } = input.data;
    const { message, created } = await sendReply(
      supabase,
      userId,
      id,
      template ? { clientMsgId: client_msg_id, template: { contentSid: template.content_sid, variables: template.variables } } : { clientMsgId: client_msg_id, body: body! },
    );
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
