/**
 * The fake's own endpoints (no credentials; never Twilio's), for a fake running in another process (npm run dev):
 *
 *   GET  /health                                   {status, messages}
 *   GET  /__fake/messages                          the recorded messages
 *   POST /__fake/config  {…FakeConfig}             runtime switches
 *   POST /__fake/reset                             forget messages and requests, restore the config
 *   GET  /__fake/accounts                          every account with what it holds (secrets included)
 *   POST /__fake/accounts  {…FakeAccountInit}      add an account → 201 the account
 *   POST /__fake/accounts/{AC}/keys|numbers|services|templates  {…init}   add to an account → 201 what was added
 *   POST /__fake/accounts/reset                    back to the accounts the fake started with
 *   POST /__fake/inbound  {…InboundInit}           receive a message as Twilio does: logged, then its webhook
 *                                                  delivered (overrides, fallback) → 200 the InboundDelivery
 *                                                  report once delivery is over (up to tt of each URL)
 *
 * A refused addition (a sid or number held already, a malformed one) or a malformed inbound message is a
 * 400 {error}; a webhook the app did not take is a 200 report with `delivered: false`, as it is in-process.
 */
import type { Directory } from './accounts.ts';
import { sendJson, type Exchange } from './http.ts';
import type { Inbound } from './inbound.ts';
import type { FakeState } from './state.ts';
import type { FakeConfig } from './types.ts';

export function controlRoute({ req, res, url, body }: Exchange, state: FakeState, directory: Directory, inbound: Inbound): boolean {
  const post = req.method === 'POST';
  const json = () => JSON.parse(body.toString() || '{}') as never;
  if (url.pathname === '/health') sendJson(res, 200, { status: 'ok', messages: state.messages.length });
  else if (url.pathname === '/__fake/messages') sendJson(res, 200, state.messages);
  else if (url.pathname === '/__fake/config' && post) {
    state.configure(json() as Partial<FakeConfig>);
    sendJson(res, 200, state.config);
  } else if (url.pathname === '/__fake/reset' && post) {
    state.reset();
    sendJson(res, 200, { ok: true });
  } else if (url.pathname === '/__fake/accounts/reset' && post) {
    directory.reset();
    sendJson(res, 200, { ok: true });
  } else if (url.pathname === '/__fake/accounts' && req.method === 'GET') {
    sendJson(res, 200, directory.all());
  } else if (url.pathname === '/__fake/accounts' && post) {
    added(res, () => directory.addAccount(json()));
  } else if (url.pathname === '/__fake/inbound' && post) {
    new Promise((resolve) => resolve(inbound(json()))).then(
      (report) => sendJson(res, 200, report),
      (e: Error) => sendJson(res, 400, { error: e.message }),
    );
  } else {
    const m = /^\/__fake\/accounts\/(AC[0-9a-f]{32})\/(keys|numbers|services|templates)$/.exec(url.pathname);
    if (!m || !post) return false;
    const add = {
      keys: () => directory.addApiKey(m[1]!, json()),
      numbers: () => directory.addNumber(m[1]!, json()),
      services: () => directory.addService(m[1]!, json()),
      templates: () => directory.addTemplate(m[1]!, json()),
    }[m[2] as 'keys' | 'numbers' | 'services' | 'templates'];
    added(res, add);
  }
  return true;
}

function added(res: Exchange['res'], add: () => unknown): void {
  try {
    sendJson(res, 201, add());
  } catch (e) {
    sendJson(res, 400, { error: (e as Error).message });
  }
}
