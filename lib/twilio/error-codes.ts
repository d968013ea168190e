/**
 * Readable text for the Twilio error codes a WhatsApp inbox meets. Twilio's status callbacks often carry an
 * ErrorCode with an empty ErrorMessage, so we keep our own map (twilio.com/docs/api/errors).
 */
const MESSAGES: Record<number, string> = {
  20003: 'Twilio rejected the account credentials.',
  20404: 'Twilio found nothing at that SID: it is wrong or was deleted.',
  20429: 'Too many requests to Twilio; try again shortly.',
  21211: 'The recipient number is not valid.',
  21408: 'Sending to this region is not enabled on the Twilio account.',
  21602: 'The message has no text, media or template.',
  21610: 'The customer has blocked messages from this number (STOP).',
  21614: 'The recipient is not a mobile number.',
  21617: 'The message is longer than WhatsApp allows.',
  21655: 'The template (ContentSid) is not valid for this account: mistyped, deleted, or another account\u2019s.',
  21656: 'The template variables (ContentVariables) are not valid: not a JSON object, or a value is empty.',
  21660: 'The sending number does not belong to the Twilio account whose credentials were used.',
  21701: 'The Messaging Service does not exist, or belongs to another Twilio account.',
  21704: 'The Messaging Service has no phone numbers or senders in its pool.',
  21705: 'The Messaging Service SID is not valid (MG followed by 32 hex characters).',
  30001: 'Twilio\u2019s queue overflowed; the message was not sent.',
  30003: 'The customer\u2019s phone is unreachable.',
  30004: 'The customer has blocked this number.',
  30005: 'The customer\u2019s number is unknown or no longer exists.',
  30006: 'The number cannot receive this message (landline or unreachable carrier).',
  30007: 'The message was filtered by the carrier or WhatsApp.',
  30008: 'Delivery failed for an unknown reason.',
  63003: 'The customer\u2019s number is not on WhatsApp.',
  63007: 'This WhatsApp sender is not set up on the Twilio account.',
  63016: 'The 24-hour WhatsApp window is closed: send an approved template instead.',
  63018: 'WhatsApp rate limit reached for this sender; messages are being held back.',
  63021: 'The message content was rejected as invalid (length or formatting).',
  63024: 'The message was rejected as invalid by WhatsApp.',
  63027: 'WhatsApp has no approved template for this content and language.',
  63032: 'The customer has opted out of marketing messages.',
  63049: 'WhatsApp chose not to deliver this marketing message to keep engagement healthy.',
};

export function twilioErrorText(code: number | null | undefined, fallback?: string | null): string | null {
  if (code === null || code === undefined || !Number.isFinite(code)) return fallback || null;
  return MESSAGES[code] ?? (fallback ? `${fallback} (Twilio error ${code})` : `Twilio error ${code}.`);
}
