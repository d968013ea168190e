// Each workspace's sender verifies its own webhooks: the signature is checked with the Auth Token of the sender the
// webhook is addressed to (`To` and `AccountSid`), before anything is written.
import { randomBytes } from 'node:crypto';
import { beforeAll, expect, test } from 'vitest';
import { countMessages, createTestDistributor, INBOUND_URL, randomNumber, STATUS_URL } from '../../../../tests/helpers/app.ts';
import { inboundParams, sid, signedRequest } from '../../../../tools/twilio-fake/webhooks.ts';
import { POST as status } from '../status/route.ts';
import { POST as inbound } from './route.ts';

const account = () => ({ sid: `AC${randomBytes(16).toString('hex')}`, token: randomBytes(16).toString('hex') });
let a: Awaited<ReturnType<typeof createTestDistributor>> & { account: ReturnType<typeof account> };
let b: Awaited<ReturnType<typeof createTestDistributor>> & { account: ReturnType<typeof account> };

beforeAll(async () => {
  const [accA, accB] = [account(), account()];
  a = { ...(await createTestDistributor('Sender A', accA)), account: accA };
  b = { ...(await createTestDistributor('Sender B', accB)), account: accB };
});

const params = (to: string, accountSid: string): Record<string, string> => ({ ...inboundParams({ to, from: randomNumber('+1555'), body: 'hola' }), AccountSid: accountSid });

test("a webhook signed with its sender's token is stored", async () => {
  const p = params(a.number, a.account.sid);
  expect((await inbound(signedRequest(INBOUND_URL, p, a.account.token))).status).toBe(200);
  expect(await countMessages({ sid: p.MessageSid! })).toBe(1);
});

test("a webhook signed with another sender's token is 403, and nothing is stored", async () => {
  const p = params(a.number, a.account.sid);
  const res = await inbound(signedRequest(INBOUND_URL, p, b.account.token));
  expect(res.status).toBe(403);
  expect(await res.json()).toMatchObject({ error: { code: 'invalid_signature' } });
  expect(await countMessages({ sid: p.MessageSid! })).toBe(0);
});

test("B's account cannot write into A's number, even signed with B's own token", async () => {
  const p = params(a.number, b.account.sid);
  expect((await inbound(signedRequest(INBOUND_URL, p, b.account.token))).status).toBe(403);
  expect(await countMessages({ sid: p.MessageSid! })).toBe(0);
});

test('a webhook to a number no sender has is 403 with the same answer, and nothing is stored', async () => {
  const p = params(randomNumber('+1777'), a.account.sid);
  const res = await inbound(signedRequest(INBOUND_URL, p, a.account.token));
  expect(res.status).toBe(403);
  expect(await res.json()).toMatchObject({ error: { code: 'invalid_signature' } });
  expect(await countMessages({ sid: p.MessageSid! })).toBe(0);
});

test("a status callback is checked with the token of the sender it comes from", async () => {
  const callback = { MessageSid: sid('SM'), MessageStatus: 'delivered', AccountSid: a.account.sid, From: `whatsapp:${a.number}`, To: 'whatsapp:+15550001111' };
  expect((await status(signedRequest(STATUS_URL, callback, b.account.token))).status).toBe(403);
  expect((await status(signedRequest(STATUS_URL, callback, a.account.token))).status).toBe(200);
});
