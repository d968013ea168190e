import { jwtVerify } from 'jose';
import { describe, expect, test } from 'vitest';
import { signHS256, signJwt, verifyHS256 } from './jwt.ts';

const SECRET = 'a-test-secret-a-test-secret-a-test-secret';
const now = 1_800_000_000;
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('signing', () => {
  test('signHS256 gives the same token as jose signJwt, and jose verifies it', async () => {
    const claims = { sub: 'u1', role: 'authenticated', aud: 'authenticated', iat: now, exp: now + 60, nested: { a: [1, 'ü'] } };
    const token = signHS256(claims, SECRET);
    expect(await signJwt(claims, SECRET)).toBe(token);
    const verified = await jwtVerify(token, new TextEncoder().encode(SECRET), { algorithms: ['HS256'], currentDate: new Date(now * 1000) });
    expect(verified.protectedHeader).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(verified.payload).toEqual(claims);
  });
});

describe('verifyHS256', () => {
  const good = signHS256({ role: 'anon', exp: now + 10 }, SECRET);

  test('a good token', async () => {
    expect(await verifyHS256(good, SECRET, now)).toEqual({ ok: true, claims: { role: 'anon', exp: now + 10 } });
  });

  test('no exp and a future iat are accepted (the callers judge those)', async () => {
    expect((await verifyHS256(signHS256({ role: 'anon' }, SECRET), SECRET, now)).ok).toBe(true);
    expect((await verifyHS256(signHS256({ role: 'anon', iat: now + 3600, exp: now + 7200 }, SECRET), SECRET, now)).ok).toBe(true);
  });

  test.each([
    ['two parts', 'abc.def'],
    ['four parts', 'a.b.c.d'],
    ['garbage', 'a.b.c'],
    ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ role: 'service_role' })}.`],
    ['HS512', `${b64({ alg: 'HS512', typ: 'JWT' })}.${b64({ role: 'service_role' })}.${'A'.repeat(86)}`],
    ['RS256', `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ role: 'service_role' })}.${'A'.repeat(342)}`],
    ['an array as claims', `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64([1])}.${'A'.repeat(43)}`],
    ['a string exp', signHS256({ role: 'anon', exp: 'tomorrow' as unknown as number }, SECRET)],
    ['a non-string token', 42 as unknown as string],
  ])('%s: malformed', async (_, token) => {
    expect(await verifyHS256(token, SECRET, now)).toEqual({ ok: false, reason: 'malformed' });
  });

  test.each([
    ['another secret', signHS256({ role: 'anon', exp: now + 10 }, `${SECRET}!`)],
    ['the signature stripped', good.replace(/\.[^.]+$/, '.')],
    ['a forged signature', `${good.slice(0, good.lastIndexOf('.'))}.${'A'.repeat(43)}`],
    ['a signature that is not base64url', `${good.slice(0, good.lastIndexOf('.'))}.***`],
  ])('%s: bad_signature', async (_, token) => {
    expect(await verifyHS256(token, SECRET, now)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  test('expired, and by how long', async () => {
    const token = signHS256({ role: 'anon', exp: now - 61 }, SECRET);
    expect(await verifyHS256(token, SECRET, now + 0.5)).toEqual({ ok: false, reason: 'expired', expiredForSeconds: 61 });
    expect(await verifyHS256(signHS256({ role: 'anon', exp: now }, SECRET), SECRET, now)).toEqual({ ok: false, reason: 'expired', expiredForSeconds: 0 });
  });

  test('a bad signature is judged before expiry', async () => {
    const token = signHS256({ role: 'anon', exp: now - 60 }, 'another-secret-another-secret-another');
    expect(await verifyHS256(token, SECRET, now)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  test('a token verified once still expires (the signature cache does not remember exp)', async () => {
    const token = signHS256({ role: 'anon', exp: now + 10 }, SECRET);
    expect((await verifyHS256(token, SECRET, now)).ok).toBe(true);
    expect((await verifyHS256(token, SECRET, now)).ok).toBe(true);
    expect(await verifyHS256(token, SECRET, now + 15)).toEqual({ ok: false, reason: 'expired', expiredForSeconds: 5 });
    expect(await verifyHS256(token, `${SECRET}?`, now)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  test('callers get their own copy of the claims', async () => {
    const token = signHS256({ role: 'anon', exp: now + 10 }, SECRET);
    const first = await verifyHS256(token, SECRET, now);
    if (first.ok) first.claims.role = 'service_role';
    expect(await verifyHS256(token, SECRET, now)).toEqual({ ok: true, claims: { role: 'anon', exp: now + 10 } });
  });
});
