/**
 * Which Twilio URL the media proxy may fetch, with the account's credentials, for one stored message. The stored
 * media URL is only ever a hint: the path fetched is rebuilt from values we trust (the configured Twilio origin
 * and account, the row's own `twilio_sid`) plus a Media SID, and the stored URL must agree with all of them.
 * Twilio puts inbound media at `{api origin}/2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media/{MediaSid}`.
 * Anything else (another account, another message, another resource, odd characters) is no media at all.
 */

export interface MediaMessage {
  direction: string;
  twilio_sid: string | null;
  media: unknown;
}

export interface TwilioMediaConfig {
  /** Where Twilio's REST API is: https://api.twilio.com, or the local fake. */
  origin: string;
  accountSid: string;
}

export interface MediaSource {
  url: URL;
  /** A bare `type/subtype`, lower case: safe to send as our own Content-Type header. */
  contentType: string;
}

const ACCOUNT_SID = /^AC[0-9a-f]{32}$/i;
const MESSAGE_SID = /^(SM|MM)[0-9a-f]{32}$/;
const MEDIA_PATH = /^\/2010-04-01\/Accounts\/(AC[0-9a-fA-F]{32})\/Messages\/((?:SM|MM)[0-9a-f]{32})\/Media\/(ME[0-9a-fA-F]{32})$/;
// RFC 9110 token characters on both sides of the slash, nothing else: no parameters, spaces, CR or LF
const CONTENT_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i;
// printable ASCII only, and none of the characters that change how a URL is read (userinfo, escapes, backslashes)
const PLAIN_URL = /^[\x21-\x7e]+$/;
const URL_TRICKS = /[@%\\]/;

/** The one URL to fetch for media `index` of `message`, or null when there is none we may fetch. */
export function mediaSource(message: MediaMessage, index: number, config: TwilioMediaConfig): MediaSource | null {
  if (message.direction !== 'inbound' || !message.twilio_sid || !MESSAGE_SID.test(message.twilio_sid)) return null;
  if (!ACCOUNT_SID.test(config.accountSid) || !Array.isArray(message.media)) return null;
  const item: unknown = message.media[index];
  if (typeof item !== 'object' || item === null) return null;
  const { url, content_type: contentType } = item as { url?: unknown; content_type?: unknown };
  if (typeof url !== 'string' || typeof contentType !== 'string' || !CONTENT_TYPE.test(contentType)) return null;

  const mediaSid = mediaSidOf(url, message.twilio_sid, config);
  if (!mediaSid) return null;
  const fetched = new URL(`/2010-04-01/Accounts/${config.accountSid}/Messages/${message.twilio_sid}/Media/${mediaSid}`, config.origin);
  if (fetched.origin !== new URL(config.origin).origin) return null;
  return { url: fetched, contentType: contentType.toLowerCase() };
}

/** The Media SID of a stored URL, if it is exactly Twilio's URL for this message's media on this account. */
function mediaSidOf(stored: string, messageSid: string, config: TwilioMediaConfig): string | null {
  if (stored.length > 512 || !PLAIN_URL.test(stored) || URL_TRICKS.test(stored)) return null;
  let url: URL;
  try {
    url = new URL(stored);
  } catch {
    return null;
  }
  // the parsed URL must say what the raw string says: no userinfo, query, fragment or path the parser rewrote
  if (url.username || url.password || url.search || url.hash || url.href !== stored) return null;
  if (url.origin !== new URL(config.origin).origin) return null;
  const match = MEDIA_PATH.exec(url.pathname);
  if (!match || match[1]!.toLowerCase() !== config.accountSid.toLowerCase() || match[2] !== messageSid) return null;
  return match[3]!;
}
