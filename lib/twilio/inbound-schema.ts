import { z } from 'zod';
import type { FormParams } from './read-form';

/** `whatsapp:+E.164`, or `whatsapp:<BSUID>` for users with usernames (2026: e.g. BR.1502576394655843, US.ENT.…). */
const WHATSAPP_ADDRESS = /^whatsapp:(\+[1-9]\d{6,14}|[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128})$/;
const WHATSAPP_PHONE = /^whatsapp:\+[1-9]\d{6,14}$/;
const SID = (prefix: string) => new RegExp(`^${prefix}[0-9a-f]{32}$`);

/** Postgres text cannot hold NUL; Twilio bodies occasionally carry one (Chatwoot strips it too). */
const text = (max: number) => z.string().max(max).transform((s) => s.replace(/\u0000/g, ''));
const optionalText = (max: number) => text(max).optional();

/**
 * An inbound WhatsApp webhook (twilio.com/docs/messaging/guides/webhook-request). Known fields are checked;
 * Twilio adds parameters without notice, so unknown ones are tolerated (and were covered by the signature).
 */
export const inboundSchema = z
  .object({
    MessageSid: z.string().regex(SID('(SM|MM)'), 'MessageSid must be SM/MM + 32 hex'),
    AccountSid: z.string().regex(SID('AC'), 'AccountSid must be AC + 32 hex'),
    From: z.string().regex(WHATSAPP_ADDRESS, 'From must be a WhatsApp address'),
    To: z.string().regex(WHATSAPP_PHONE, 'To must be a WhatsApp number'),
    Body: text(4096).default(''),
    NumMedia: z.coerce.number().int().min(0).max(10).default(0),
    ProfileName: optionalText(256),
    WaId: z.string().regex(/^\d{1,20}$/).optional(),
    MessageType: optionalText(64),
    MessagingServiceSid: z.string().regex(SID('MG')).optional(),
    ButtonText: optionalText(1024),
    ButtonPayload: optionalText(1024),
    Latitude: z.coerce.number().min(-90).max(90).optional(),
    Longitude: z.coerce.number().min(-180).max(180).optional(),
    Address: optionalText(1024),
    Label: optionalText(1024),
    OriginalRepliedMessageSid: z.string().regex(SID('(SM|MM)')).optional(),
    OriginalRepliedMessageSender: optionalText(256),
    Forwarded: z.enum(['true', 'false']).optional(),
    FrequentlyForwarded: z.enum(['true', 'false']).optional(),
    ExternalUserId: optionalText(256),
    ParentExternalUserId: optionalText(256),
    ProfileUsername: optionalText(256),
    Username: optionalText(256),
    ReferralSourceId: optionalText(256),
    ReferralSourceType: optionalText(64),
    ReferralSourceUrl: optionalText(2048),
    ReferralHeadline: optionalText(1024),
    ReferralBody: optionalText(4096),
    ReferralCtwaClid: optionalText(512),
  })
  .passthrough();


export interface InboundMedia {
  url: string;
  content_type: string;
}

/** What ingest_inbound_message takes. */
export interface InboundMessage {
  message_sid: string;
  account_sid: string;
  to: string;
  from: string;
  body: string;
  profile_name: string | null;
  wa_id: string | null;
  external_user_id: string | null;
  parent_external_user_id: string | null;
  username: string | null;
  message_type: string | null;
  media: InboundMedia[];
  metadata: Record<string, unknown>;
}

export type ParseResult = { ok: true; message: InboundMessage } | { ok: false; issues: string[] };

export function parseInbound(params: FormParams): ParseResult {
  const parsed = inboundSchema.safeParse(params);
  if (!parsed.success) return { ok: false, issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
  const w = parsed.data;
  const media: InboundMedia[] = [];
  for (let i = 0; i < w.NumMedia; i++) {
    const url = params[`MediaUrl${i}`];
    const type = params[`MediaContentType${i}`];
    if (!url || !isHttpUrl(url)) return { ok: false, issues: [`MediaUrl${i}: missing or not an http(s) URL`] };
    if (!type || !/^[\w.+-]+\/[\w.+-]+$/.test(type)) return { ok: false, issues: [`MediaContentType${i}: missing or not a MIME type`] };
    media.push({ url, content_type: type.toLowerCase() });
  }
  const metadata: Record<string, unknown> = {};
  if (w.ButtonText || w.ButtonPayload) metadata.button = { text: w.ButtonText ?? null, payload: w.ButtonPayload ?? null };
  if (w.Latitude !== undefined && w.Longitude !== undefined) {
    metadata.location = { latitude: w.Latitude, longitude: w.Longitude, address: w.Address ?? null, label: w.Label ?? null };
  }
  if (w.OriginalRepliedMessageSid) metadata.reply_to = { sid: w.OriginalRepliedMessageSid, sender: w.OriginalRepliedMessageSender ?? null };
  if (w.Forwarded === 'true' || w.FrequentlyForwarded === 'true') metadata.forwarded = { frequently: w.FrequentlyForwarded === 'true' };
  if (w.ReferralSourceId || w.ReferralSourceUrl || w.ReferralCtwaClid) {
    metadata.referral = {
      source_id: w.ReferralSourceId ?? null,
      source_type: w.ReferralSourceType ?? null,
      source_url: w.ReferralSourceUrl ?? null,
      headline: w.ReferralHeadline ?? null,
      body: w.ReferralBody ?? null,
      ctwa_clid: w.ReferralCtwaClid ?? null,
    };
  }
  if (w.MessagingServiceSid) metadata.messaging_service_sid = w.MessagingServiceSid;
  return {
    ok: true,
    message: {
      message_sid: w.MessageSid,
      account_sid: w.AccountSid,
      to: w.To,
      from: w.From,
      body: w.Body,
      profile_name: w.ProfileName || null,
      wa_id: w.WaId ?? null,
      external_user_id: w.ExternalUserId || null,
      parent_external_user_id: w.ParentExternalUserId || null,
      username: w.ProfileUsername || w.Username || null,
      message_type: w.MessageType || (media.length > 0 ? media[0]!.content_type.split('/')[0]! : metadata.location ? 'location' : 'text'),
      media,
      metadata,
    },
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}
