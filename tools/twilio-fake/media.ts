/**
 * Media as Twilio serves it. A message's Media subresource lists its media; the authenticated media URL of one
 * answers 307 to a short-lived, unauthenticated CDN URL, which serves the bytes:
 *
 *   GET /2010-04-01/Accounts/{AC}/Messages/{SID}/Media.json        the message's media, paged (`media_list`)
 *   GET /2010-04-01/Accounts/{AC}/Messages/{SID}/Media/{ME}.json   one media item's metadata
 *   GET /2010-04-01/Accounts/{AC}/Messages/{SID}/Media/{ME}        → 307 Location: {fake}/cdn/{ME}?Expires=…
 *   GET /cdn/{ME}                                                  → 200 with the media's content type
 *
 * A media item's shape is twilio-node's (rest/api/v2010/account/message/media.ts): sid, account_sid, parent_sid
 * (the message), content_type, dates in RFC 2822 and a `uri` ending in `.json`. For a message the log holds, only
 * its own media are found (another ME is 404); a media URL of a message the log does not hold (TwilioFake.mediaUrl,
 * which tests put in webhooks they build themselves) still redirects, and the CDN serves it as a PNG.
 */
import { sendJson, sendNotFound, type Exchange } from './http.ts';
import { page2010, rfc2822 } from './paging.ts';
import type { FakeMedia, FakeMessage } from './types.ts';
import { sid } from './webhooks.ts';

// an 8×8 green PNG
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAIAQMAAAD+wSzIAAAABlBMVEUSfFz///+Ycef2AAAADklEQVQI12NgYGBgYGAAAAAFAAFlfjPyAAAAAElFTkSuQmCC',
  'base64',
);

/** How long a CDN link is valid (s), as its Expires parameter says; the fake does not enforce it. */
const CDN_LINK_SECONDS = 300;

const MEDIA_PATH = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\/((?:SM|MM)[0-9a-f]{32})\/Media(?:\.json|\/(ME[0-9a-f]{32})(\.json)?)$/;

/** New media items, one per content type, as a message records them. */
export function mediaItems(contentTypes: string[], at: Date): FakeMedia[] {
  return contentTypes.map((contentType) => ({ sid: sid('ME'), content_type: contentType, date_created: rfc2822(at) }));
}

/** The CDN a media URL redirects to: no credentials, like Twilio's signed media links. */
export function serveCdn({ req, res, url }: Exchange, log: readonly FakeMessage[]): boolean {
  const m = /^\/cdn\/(ME[0-9a-f]{32})$/.exec(url.pathname);
  if (!m || req.method !== 'GET') return false;
  const contentType = log.flatMap((x) => x.media).find((x) => x.sid === m[1])?.content_type ?? 'image/png';
  // an image is always the PNG; anything else a few bytes of its own type (no app parses them)
  const bytes = contentType.startsWith('image/') ? PNG : Buffer.from(`twilio fake media ${m[1]}\n`);
  res.writeHead(200, { 'content-type': contentType, 'content-length': bytes.length });
  res.end(bytes);
  return true;
}

/** The Media subresource of `accountSid`'s messages (behind Basic auth); false for any other request. */
export function mediaRoute(ex: Exchange, accountSid: string, log: readonly FakeMessage[], publicUrl: string): boolean {
  const { req, res, url } = ex;
  const match = MEDIA_PATH.exec(url.pathname);
  if (!match || match[1] !== accountSid || req.method !== 'GET') return false;
  const [, , messageSid, mediaSid, json] = match;
  const message = log.find((m) => m.sid === messageSid && m.account_sid === accountSid);
  if (!mediaSid) {
    if (message) sendJson(res, 200, page2010(url, message.media.map((x) => mediaResource(message, x)), 'media_list'));
    else sendNotFound(ex);
    return true;
  }
  const media = message?.media.find((x) => x.sid === mediaSid);
  if (message && !media) sendNotFound(ex);
  else if (json) {
    if (media) sendJson(res, 200, mediaResource(message!, media));
    else sendNotFound(ex);
  } else {
    res.writeHead(307, { location: `${publicUrl}/cdn/${mediaSid}?Expires=${Math.floor(Date.now() / 1000) + CDN_LINK_SECONDS}` });
    res.end();
  }
  return true;
}

/** A media item as Twilio's API represents it. */
export function mediaResource(message: FakeMessage, media: FakeMedia) {
  return {
    sid: media.sid,
    account_sid: message.account_sid,
    parent_sid: message.sid,
    content_type: media.content_type,
    date_created: media.date_created,
    date_updated: media.date_created,
    uri: `/2010-04-01/Accounts/${message.account_sid}/Messages/${message.sid}/Media/${media.sid}.json`,
  };
}

/** The media URL of a media item, as Twilio puts it in an inbound webhook (MediaUrlN): no `.json`. */
export function mediaUrl(publicUrl: string, accountSid: string, messageSid = sid('MM'), mediaSid = sid('ME')): string {
  return `${publicUrl}/2010-04-01/Accounts/${accountSid}/Messages/${messageSid}/Media/${mediaSid}`;
}
