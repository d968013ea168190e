/**
 * Media as Twilio serves it: the authenticated media URL of a message answers 307 to a short-lived,
 * unauthenticated CDN URL, which serves the bytes (here always one small PNG).
 *
 *   GET /2010-04-01/Accounts/{AC}/Messages/{SID}/Media/{ME}   → 307 Location: {fake}/cdn/{ME}?Expires=…
 *   GET /cdn/{ME}                                            → 200 image/png
 */
import type { Exchange } from './http.ts';
import { sid } from './webhooks.ts';

// an 8×8 green PNG
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAIAQMAAAD+wSzIAAAABlBMVEUSfFz///+Ycef2AAAADklEQVQI12NgYGBgYGAAAAAFAAFlfjPyAAAAAElFTkSuQmCC',
  'base64',
);

/** How long a CDN link is valid (s), as its Expires parameter says; the fake does not enforce it. */
const CDN_LINK_SECONDS = 300;

/** The CDN a media URL redirects to: no credentials, like Twilio's signed media links. */
export function serveCdn({ req, res, url }: Exchange): boolean {
  if (!/^\/cdn\/ME[0-9a-f]{32}$/.test(url.pathname) || req.method !== 'GET') return false;
  res.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length });
  res.end(PNG);
  return true;
}

/** A message's media URL (behind Basic auth): a redirect to the CDN. */
export function redirectMedia({ req, res, url }: Exchange, accountSid: string, publicUrl: string): boolean {
  const media = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\/((?:SM|MM)[0-9a-f]{32})\/Media\/(ME[0-9a-f]{32})$/.exec(url.pathname);
  if (!media || media[1] !== accountSid || req.method !== 'GET') return false;
  res.writeHead(307, { location: `${publicUrl}/cdn/${media[3]}?Expires=${Math.floor(Date.now() / 1000) + CDN_LINK_SECONDS}` });
  res.end();
  return true;
}

/** A media URL the fake serves, as Twilio would put it in an inbound webhook. */
export function mediaUrl(publicUrl: string, accountSid: string, messageSid = sid('MM')): string {
  return `${publicUrl}/2010-04-01/Accounts/${accountSid}/Messages/${messageSid}/Media/${sid('ME')}`;
}
