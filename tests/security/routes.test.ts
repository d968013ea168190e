// The API route matrix: every route in app/api × every role, then random requests at every route, which must
// never get a 5xx, a stack trace, an internal path or a secret back.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LOCAL_JWT_SECRET, LOCAL_SECRET_KEY } from '../../standin/src/keys.ts';
import { startTwilioFake, type TwilioFake } from '../../tools/twilio-fake/index.ts';
import { DEMO_AUTH_TOKEN, inboundParams, sid, signedRequest } from '../../tools/twilio-fake/webhooks.ts';
import { INBOUND_URL, randomNumber } from '../helpers/app.ts';
import { serviceClient } from '../helpers/clients.ts';
import { ROUTES } from './expectations.app.ts';
import { ROOT } from './surfaces.ts';
import { createWorld, ROLES, type Role, type World } from './world.ts';

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response> | Response;

let w: World;
let fake: TwilioFake;
/** A's inbound message with media the fake serves, as the webhook stored it. */
let mediaMessageId: string;

beforeAll(async () => {
  fake = await startTwilioFake();
  process.env.TWILIO_API_BASE_URL = fake.url;
  w = await createWorld();
  const messageSid = sid('MM');
  const params = inboundParams({ to: w.a.number, from: randomNumber('+1555'), messageSid, body: '', media: [{ url: fake.mediaUrl(messageSid), contentType: 'image/png' }] });
  const inbound = (await handler('POST /api/twilio/inbound'))(signedRequest(INBOUND_URL, params), { params: Promise.resolve({}) });
  expect((await inbound).status).toBe(200);
  const row = await serviceClient().from('messages').select('id').eq('twilio_sid', messageSid).single();
  mediaMessageId = row.data!.id as string;
});
afterAll(async () => {
  await fake?.close();
});

async function handler(route: string): Promise<Handler> {
  const [method, pattern] = route.split(' ') as [string, string];
  const mod = (await import(`${ROOT}/app${pattern}/route.ts`)) as Record<string, Handler>;
  return mod[method]!;
}

/** The dynamic segments of a route, filled with distributor A's resources. */
function paramsFor(pattern: string): Record<string, string> {
  const values: Record<string, string> = { messageId: mediaMessageId, index: '0', id: w.a.conversationId };
  return Object.fromEntries([...pattern.matchAll(/\[(\w+)\]/g)].map(([, name]) => [name!, values[name!]!]));
}

function urlFor(pattern: string, params: Record<string, string>): string {
  return `https://switchboard.test${pattern.replace(/\[(\w+)\]/g, (_m, name: string) => encodeURIComponent(params[name]!))}`;
}

/** A well-formed request to the route, as `role` would send it. */
function wellFormed(route: string, role: Role): Request {
  const [method, pattern] = route.split(' ') as [string, string];
  const token = w.tokens[role];
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const url = urlFor(pattern, paramsFor(pattern));
  if (method === 'GET') return new Request(url, { headers });
  if (ROUTES[route]!.auth === 'twilio') {
    const form = inboundParams({ to: w.a.number, from: randomNumber('+1555'), body: 'unsigned' });
    return new Request(url, { method, headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  }
  return new Request(url, { method, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ client_msg_id: randomUUID(), body: `from ${role}` }) });
}

const cases = Object.keys(ROUTES).flatMap((route) => ROLES.map((role) => ({ route, role })));

describe('routes', () => {
  test.each(cases)('$route as $role', async ({ route, role }) => {
    const [, pattern] = route.split(' ') as [string, string];
    const res = await (await handler(route))(wellFormed(route, role), { params: Promise.resolve(paramsFor(pattern)) });
    const body = await res.text();
    const expected = ROUTES[route]!.expect[role];
    expect(Array.isArray(expected) ? expected : [expected], `${route} as ${role}: ${res.status} ${body.slice(0, 300)}`).toContain(res.status);
    assertNothingLeaks(body, res.headers);
  });

  test('a media answer is the media of that message, never a Twilio resource of another kind', async () => {
    const res = await (await handler('GET /api/media/[messageId]/[index]'))(wellFormed('GET /api/media/[messageId]/[index]', 'memberA'), {
      params: Promise.resolve(paramsFor('/api/media/[messageId]/[index]')),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect([...new Uint8Array(await res.arrayBuffer()).slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]); // PNG signature
  });

  // found by the random requests below: a NUL reached Postgres, which refused it (22021), and the member got a 500
  test.each(['a\u0000b', 'lone \ud800', '\udc00 low'])('a reply with text Postgres cannot store (%j) is a 400, and nothing is stored', async (text) => {
    const route = 'POST /api/conversations/[id]/messages';
    const clientMsgId = randomUUID();
    const request = new Request(urlFor('/api/conversations/[id]/messages', paramsFor('/api/conversations/[id]/messages')), {
      method: 'POST',
      headers: { authorization: `Bearer ${w.tokens.memberA}`, 'content-type': 'application/json' },
      body: JSON.stringify({ client_msg_id: clientMsgId, body: text }),
    });
    const res = await (await handler(route))(request, { params: Promise.resolve(paramsFor('/api/conversations/[id]/messages')) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
    const stored = await serviceClient().from('messages').select('id').eq('client_msg_id', clientMsgId);
    expect(stored.data).toEqual([]);
  });
});

// ── random requests ──────────────────────────────────────────────────────────────────────────────────────

const pick = <T>(xs: readonly T[]): T => xs[randomInt(xs.length)]!;
const ODD_SEGMENTS = ['not-a-uuid', '..', '../..', '%2e%2e', '%00', '\u0000', 'a'.repeat(5000), '-1', '1e3', '0x1', ' 0', '9'.repeat(30), '💥', '<script>', "' or 1=1 --", '00000000-0000-0000-0000-000000000000'];
const CONTENT_TYPES = ['application/json', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', '', 'application/xml', '*/*'];

function forgedJwt(): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return pick([
    `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: w.a.memberId, role: 'authenticated', exp: 9_999_999_999 })}.`,
    `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: w.a.memberId, role: 'service_role', exp: 9_999_999_999 })}.${randomBytes(32).toString('base64url')}`,
    `${b64({ alg: 'HS256' })}.garbage.sig`,
    'a.b',
    randomBytes(40).toString('base64'),
  ]);
}

function randomJson(depth = 0): unknown {
  switch (randomInt(depth > 3 ? 5 : 8)) {
    case 0: return null;
    case 1: return randomInt(2) === 0;
    case 2: return pick([0, -1, 1e308, Number.MAX_SAFE_INTEGER, 3.14]);
    case 3: return pick(['', 'x'.repeat(randomInt(6000)), '\u0000', '\ud800', randomUUID(), 'HX' + 'a'.repeat(32)]);
    case 4: return pick([[], {}]);
    case 5: return Array.from({ length: randomInt(4) }, () => randomJson(depth + 1));
    default: {
      const keys = ['client_msg_id', 'body', 'template', 'content_sid', 'variables', '__proto__', 'constructor', 'x'];
      return Object.fromEntries(Array.from({ length: randomInt(5) }, () => [pick(keys), randomJson(depth + 1)]));
    }
  }
}

function randomBody(contentType: string): BodyInit | undefined {
  switch (randomInt(6)) {
    case 0: return undefined;
    case 1: return randomBytes(randomInt(2000));
    case 2: return '['.repeat(20_000); // deep nesting
    case 3: return contentType.includes('form') ? new URLSearchParams({ [pick(['MessageSid', 'From', 'To', 'Body', 'x'])]: String(randomJson()) }).toString() : JSON.stringify(randomJson());
    case 4: return JSON.stringify({ client_msg_id: randomUUID(), body: randomJson() });
    default: return JSON.stringify(randomJson());
  }
}

function randomRequest(route: string): { request: Request; params: Record<string, string> } {
  const [method, pattern] = route.split(' ') as [string, string];
  const params = paramsFor(pattern);
  for (const name of Object.keys(params)) if (randomInt(2) === 0) params[name] = pick(ODD_SEGMENTS);
  const contentType = pick(CONTENT_TYPES);
  const headers = new Headers();
  if (contentType) headers.set('content-type', contentType);
  const auth = randomInt(5);
  if (auth === 1) headers.set('authorization', `Bearer ${forgedJwt()}`);
  if (auth === 2) headers.set('authorization', `Bearer ${w.tokens[pick(ROLES)] ?? ''}`);
  if (auth === 3) headers.set('authorization', pick(['Basic Zm9vOmJhcg==', 'Bearer', 'Bearer  ', 'bearer x y']));
  if (randomInt(3) === 0) headers.set('cookie', pick([`sb-127-auth-token=base64-${randomBytes(30).toString('base64')}`, 'sb-127-auth-token.0=%7B', `a=${'b'.repeat(3000)}`]));
  if (randomInt(3) === 0) headers.set('x-twilio-signature', pick(['', 'x', randomBytes(20).toString('base64'), 'a'.repeat(500)]));
  const body = method === 'GET' ? undefined : randomBody(contentType);
  let url: string;
  try {
    url = urlFor(pattern, params);
  } catch {
    url = urlFor(pattern, paramsFor(pattern));
  }
  return { request: new Request(url, { method, headers, body }), params };
}

const SECRETS = [LOCAL_SECRET_KEY, LOCAL_JWT_SECRET, DEMO_AUTH_TOKEN];

function assertNothingLeaks(body: string, headers: Headers) {
  for (const secret of SECRETS) expect(body.includes(secret), 'a secret in the body').toBe(false);
  expect(body, 'a stack trace').not.toMatch(/\n\s+at\s+\S+\s+\(|\bat\s+(async\s+)?[\w.<>]+\s+\((file:|\/)/);
  expect(body, 'an internal path').not.toMatch(/node_modules|\/work\/|\.next\/server/);
  for (const [name, value] of headers) expect(`${name}: ${value}`, 'a header').not.toMatch(/[\r\n]/);
}

describe('random requests', () => {
  test.each(Object.keys(ROUTES))('%s: 150 random requests, never a 5xx or a leak', async (route) => {
    const run = await handler(route);
    for (let i = 0; i < 150; i++) {
      const { request, params } = randomRequest(route);
      const res = await run(request, { params: Promise.resolve(params) });
      const body = await res.text();
      expect(res.status, `${request.method} ${request.url.slice(0, 200)} (${request.headers.get('content-type')}) → ${res.status} ${body.slice(0, 300)}`).toBeLessThan(500);
      assertNothingLeaks(body, res.headers);
    }
  });
});
