import { z } from 'zod';
import type { FormParams } from './read-form';
import { twilioErrorText } from './error-codes';

/** Statuses an outbound message's callback may report, as our message_status enum spells them. */
const STATUS = z
  .enum(['accepted', 'scheduled', 'queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'undelivered', 'canceled', 'partially_delivered'])
  .transform((s) => (s === 'partially_delivered' ? 'delivered' : s));

export const statusCallbackSchema = z
  .object({
    MessageSid: z.string().regex(/^(SM|MM)[0-9a-f]{32}$/, 'MessageSid must be SM/MM + 32 hex'),
    AccountSid: z.string().regex(/^AC[0-9a-f]{32}$/, 'AccountSid must be AC + 32 hex'),
    MessageStatus: STATUS,
    ErrorCode: z.coerce.number().int().min(0).max(999_999).optional(),
    ErrorMessage: z.string().max(1024).optional(),
    From: z.string().max(256).optional(),
    To: z.string().max(256).optional(),
  })
  .passthrough();

export interface StatusCallback {
  message_sid: string;
  status: z.infer<typeof STATUS>;
  error_code: number | null;
  error_message: string | null;
  from: string | null;
  to: string | null;
  payload: FormParams;
}

export function parseStatusCallback(params: FormParams): { ok: true; callback: StatusCallback } | { ok: false; issues: string[] } {
  const parsed = statusCallbackSchema.safeParse(params);
  if (!parsed.success) return { ok: false, issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
  const p = parsed.data;
  const code = p.ErrorCode && p.ErrorCode > 0 ? p.ErrorCode : null;
  // the raw callback is kept for the audit trail; NUL cannot be stored in jsonb
  const payload = Object.fromEntries(Object.entries(params).map(([k, v]) => [k.replace(/\u0000/g, ''), v.replace(/\u0000/g, '')]));
  return {
    ok: true,
    callback: {
      message_sid: p.MessageSid,
      status: p.MessageStatus,
      error_code: code,
      error_message: code ? twilioErrorText(code, p.ErrorMessage?.replace(/\u0000/g, '') || null) : null,
      from: p.From?.replace(/\u0000/g, '') ?? null,
      to: p.To?.replace(/\u0000/g, '') ?? null,
      payload,
    },
  };
}
