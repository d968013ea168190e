/**
 * The fake's HTTP server and its routing, in the order a request meets them:
 *
 *   …    /health, /__fake/…                                 the fake's own controls (controls.ts)
 *   GET  /cdn/{ME}                                          media bytes, no credentials (media.ts)
 *   …    anything else without good credentials for it      401 20003 (auth.ts)
 *   GET  /2010-04-01/Accounts/{AC}.json, …/IncomingPhoneNumbers…        account.ts
 *   GET  …/Messages/{SID}/Media.json, …/Media/{ME}[.json]   the media list, one item, 307 to the CDN (media.ts)
 *   …    …/Messages.json, …/Messages/{SID}.json             the Messages resource (messages.ts, sending.ts,
 *                                                           history.ts)
 *   …    /v1/Services…, /v2/Channels/Senders…, /v2/Indicators/Typing.json    messaging.twilio.com (messaging.ts)
 *   GET  /v1/ContentAndApprovals, /v1/Content…              content.twilio.com (content.ts)
 *
 * Every Twilio host is served on this one origin: a client points twilio-node at it by rewriting
 * https://{api,content,messaging,…}.twilio.com to the fake's URL (client.ts; lib/twilio/senders.ts does the same),
 * and the hosts' paths do not collide. Every request but the controls is recorded (with whether it was
 * authorized); each answer waits the configured apiDelayMs.
 */
import http from 'node:http';
import { accountRoute } from './account.ts';
import type { Directory } from './accounts.ts';
import { authorize } from './auth.ts';
import type { CallbackScheduler } from './callbacks.ts';
import { contentRoute } from './content.ts';
import { controlRoute } from './controls.ts';
import { readBody, sendError, sendNotFound, type Exchange } from './http.ts';
import type { Inbound } from './inbound.ts';
import { mediaRoute, serveCdn } from './media.ts';
import { messagesRoute } from './messages.ts';
import { messagingRoute } from './messaging.ts';
import { sendChecks } from './sending.ts';
import type { FakeState } from './state.ts';

export interface ServerContext {
  state: FakeState;
  directory: Directory;
  callbacks: CallbackScheduler;
  /** The fake's base URL (known once it listens), for the CDN links it redirects to. */
  publicUrl: () => string;
  /** Receives a message and delivers its webhook (POST /__fake/inbound). */
  inbound: Inbound;
  log: (line: string) => void;
}

export function createFakeServer(ctx: ServerContext): http.Server {
  const { state, directory } = ctx;
  return http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://fake.local');
      const ex: Exchange = { req, res, url, body: await readBody(req) };
      const auth = authorize(req.headers.authorization, url.pathname, directory);
      const control = url.pathname.startsWith('/__fake/') || url.pathname === '/health';
      if (!control) state.recordRequest({ method: req.method ?? 'GET', path: req.url ?? '/', authorized: auth.ok });
      if (state.config.apiDelayMs > 0) await new Promise((r) => setTimeout(r, state.config.apiDelayMs));

      if ((control && controlRoute(ex, state, directory, ctx.inbound)) || serveCdn(ex, state.messages)) return;
      if (!auth.ok) {
        res.setHeader('www-authenticate', 'Basic realm="Twilio API"');
        return sendError(res, 401, 20003, auth.message);
      }
      const { account } = auth;
      if (accountRoute(ex, account) || mediaRoute(ex, account.sid, state.messages, ctx.publicUrl())) return;
      if (messagesRoute(ex, ctx, account, sendChecks(directory, account))) return;
      if (messagingRoute(ex, account) || contentRoute(ex, account)) return;
      sendNotFound(ex);
    } catch (e) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 20500, message: (e as Error).message, status: 500 }));
    }
  });
}
