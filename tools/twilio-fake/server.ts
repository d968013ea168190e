/**
 * The fake's HTTP server and its routing, in the order a request meets them:
 *
 *   GET  /health, GET /__fake/messages, POST /__fake/config, POST /__fake/reset   the fake's own controls
 *   GET  /cdn/{ME}                                          media bytes, no credentials (media.ts)
 *   …    anything else without the account's Basic auth     401 20003
 *   GET  …/Messages/{SID}/Media/{ME}                        307 to the CDN (media.ts)
 *   POST /v2/Indicators/Typing.json                         WhatsApp typing indicator
 *   …    …/Messages.json, …/Messages/{SID}.json             the Messages resource (messages.ts)
 *
 * Every request but the controls is recorded (with whether it was authorized); each answer waits the
 * configured apiDelayMs.
 */
import http from 'node:http';
import type { CallbackScheduler } from './callbacks.ts';
import { authorized, readBody, sendError, sendJson, sendNotFound, type Exchange } from './http.ts';
import { redirectMedia, serveCdn } from './media.ts';
import { messagesRoute } from './messages.ts';
import type { FakeState } from './state.ts';
import type { FakeConfig } from './types.ts';

export interface ServerContext {
  state: FakeState;
  callbacks: CallbackScheduler;
  accountSid: string;
  authToken: string;
  /** The fake's base URL (known once it listens), for the CDN links it redirects to. */
  publicUrl: () => string;
  log: (line: string) => void;
}

export function createFakeServer(ctx: ServerContext): http.Server {
  const { state, accountSid, authToken } = ctx;
  return http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://fake.local');
      const ex: Exchange = { req, res, url, body: await readBody(req) };
      if (!url.pathname.startsWith('/__fake/') && url.pathname !== '/health') {
        state.recordRequest({ method: req.method ?? 'GET', path: req.url ?? '/', authorized: authorized(req.headers.authorization, accountSid, authToken) });
      }
      if (state.config.apiDelayMs > 0) await new Promise((r) => setTimeout(r, state.config.apiDelayMs));

      if (controlRoute(ex, state) || serveCdn(ex)) return;
      if (!authorized(req.headers.authorization, accountSid, authToken)) {
        res.setHeader('www-authenticate', 'Basic realm="Twilio API"');
        return sendError(res, 401, 20003, 'Authenticate');
      }
      if (redirectMedia(ex, accountSid, ctx.publicUrl())) return;
      if (url.pathname === '/v2/Indicators/Typing.json' && req.method === 'POST') return sendJson(res, 200, { success: true });
      if (messagesRoute(ex, ctx)) return;
      sendNotFound(ex);
    } catch (e) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 20500, message: (e as Error).message, status: 500 }));
    }
  });
}

/** The fake's own endpoints: health, the recorded messages, runtime switches, reset. */
function controlRoute({ req, res, url, body }: Exchange, state: FakeState): boolean {
  if (url.pathname === '/health') sendJson(res, 200, { status: 'ok', messages: state.messages.length });
  else if (url.pathname === '/__fake/messages') sendJson(res, 200, state.messages);
  else if (url.pathname === '/__fake/config' && req.method === 'POST') {
    state.configure(JSON.parse(body.toString() || '{}') as Partial<FakeConfig>);
    sendJson(res, 200, state.config);
  } else if (url.pathname === '/__fake/reset' && req.method === 'POST') {
    state.reset();
    sendJson(res, 200, { ok: true });
  } else return false;
  return true;
}
