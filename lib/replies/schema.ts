/**
 * The zod schema for the reply request body (./wire.ts). Server side: the route imports it; browser code builds
 * requests with ./wire.ts alone, which keeps zod out of the inbox bundle (eslint enforces that).
 */
import { z } from 'zod';
import { fromReplyRequest, type ReplyRequest, type SendRequest } from './wire';

/** Text Postgres can store and WhatsApp can carry: no NUL characters and no unpaired UTF-16 surrogates. */
const storable = (s: string) => !/[\u0000\p{Cs}]/u.test(s); // with the u flag, \p{Cs} matches only an unpaired surrogate
const STORABLE = 'contains a character that cannot be sent';

export const replyRequestSchema = z
  .object({
    client_msg_id: z.uuid(),
    body: z.string().trim().min(1, 'Write a message.').max(4096).refine(storable, STORABLE).optional(),
    template: z
      .object({
        content_sid: z.string().regex(/^HX[0-9a-f]{32}$/, 'content_sid must be HX + 32 hex'),
        variables: z.record(z.string().regex(/^\d{1,2}$/), z.string().max(1024).refine(storable, STORABLE)).default({}),
      })
      .optional(),
  })
  .strict()
  .refine((v) => (v.body === undefined) !== (v.template === undefined), { message: 'Send either body or template, not both.' });

// Compile-time guard against drift: every ReplyRequest the builder can produce is a shape this schema accepts.
type Accepts<T, U> = [T] extends [U] ? true : never;
const _wireFitsSchema: Accepts<ReplyRequest, z.input<typeof replyRequestSchema>> = true;

/** Parses a request body into the server's terms, or lists what is wrong with it (`path: message`). */
export function parseReplyRequest(value: unknown): { ok: true; request: SendRequest } | { ok: false; issues: string[] } {
  const parsed = replyRequestSchema.safeParse(value);
  if (!parsed.success) return { ok: false, issues: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`) };
  const { client_msg_id, body, template } = parsed.data;
  // the refine above guarantees exactly one of body and template
  return { ok: true, request: fromReplyRequest(template ? { client_msg_id, template } : { client_msg_id, body: body! }) };
}
