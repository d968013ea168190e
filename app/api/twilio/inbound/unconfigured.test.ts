import { expect, test } from 'vitest';
import { INBOUND_URL, STATUS_URL } from '../../../../tests/helpers/app.ts';
import { inboundParams, signedRequest } from '../../../../tools/twilio-fake/webhooks.ts';

// Without TWILIO_AUTH_TOKEN nothing can be verified, so every webhook is refused (fail closed), never accepted.
test('without an auth token, webhooks are refused with 503 and nothing is read', async () => {
  process.env.TWILIO_AUTH_TOKEN = '';
  const { POST: inbound } = await import('./route.ts');
  const { POST: status } = await import('../status/route.ts');
  const params = inboundParams({ to: '+14155550100', from: '+15551230000', body: 'hi' });
  for (const [post, url] of [[inbound, INBOUND_URL], [status, STATUS_URL]] as const) {
    const res = await post(signedRequest(url, params, ''));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: 'webhook_not_configured' } });
  }
});
