/**
 * Auth's mail on the stand-in, as GoTrue sends it: admin invitations (`auth.admin.inviteUserByEmail`), magic
 * links (`signInWithOtp`), the one-time tokens they carry (`verifyOtp` with `token_hash`, types `invite` and
 * `email`; the `/verify` link), `redirect_to` only where allowed, and the outbox that holds them (secret key only).
 */
import { AuthApiError } from '@supabase/supabase-js';
import { describe, expect, test } from 'vitest';
import { LOCAL_PUBLISHABLE_KEY, LOCAL_SECRET_KEY } from '../src/keys.ts';
import { anonClient, createTestUser, serviceClient, standinUrl, uniqueEmail } from './helpers/clients.ts';
import { linksOf, mailsTo } from './helpers/mail.ts';

const SITE = 'http://127.0.0.1:3000';

describe('invitations (auth.admin.inviteUserByEmail)', () => {
  test('creates an unconfirmed account without a password and mails a single-use link to it', async () => {
    const email = uniqueEmail('invitee');
    const { data, error } = await serviceClient().auth.admin.inviteUserByEmail(email, { redirectTo: `${SITE}/invite/abc`, data: { team: 'North' } });
    expect(error).toBeNull();
    expect(data.user).toMatchObject({ email, user_metadata: expect.objectContaining({ team: 'North' }) });
    expect(data.user?.email_confirmed_at ?? null).toBeNull();
    expect(data.user?.invited_at).toEqual(expect.any(String));

    const [mail, ...rest] = await mailsTo(email);
    expect(rest).toHaveLength(0);
    expect(mail).toMatchObject({ kind: 'invite', subject: 'You have been invited' });
    const [link] = linksOf(mail!);
    expect(link!.origin + link!.pathname).toBe(`${standinUrl()}/auth/v1/verify`);
    expect(link!.searchParams.get('type')).toBe('invite');
    expect(link!.searchParams.get('redirect_to')).toBe(`${SITE}/invite/abc`);

    const tokenHash = link!.searchParams.get('token')!;
    const client = anonClient();
    const verified = await client.auth.verifyOtp({ token_hash: tokenHash, type: 'invite' });
    expect(verified.error).toBeNull();
    expect(verified.data.user).toMatchObject({ id: data.user!.id, email });
    expect(verified.data.user?.email_confirmed_at).toEqual(expect.any(String));
    expect(verified.data.session?.access_token).toEqual(expect.any(String));

    const again = await anonClient().auth.verifyOtp({ token_hash: tokenHash, type: 'invite' });
    expect(again.error).toBeInstanceOf(AuthApiError);
    expect(again.error?.status).toBe(403);
  });

  test('an address with a confirmed account is refused with email_exists, and nothing is mailed', async () => {
    const { email } = await createTestUser('member');
    const { error } = await serviceClient().auth.admin.inviteUserByEmail(email);
    expect(error).toMatchObject({ status: 422, code: 'email_exists' });
    expect(await mailsTo(email)).toHaveLength(0);
  });

  test('inviting again before it is accepted mails a fresh link, and the first one stops working', async () => {
    const email = uniqueEmail('twice');
    await serviceClient().auth.admin.inviteUserByEmail(email);
    const second = await serviceClient().auth.admin.inviteUserByEmail(email);
    expect(second.error).toBeNull();
    const [newest, oldest] = await mailsTo(email);
    const tokenOf = (m: typeof newest) => linksOf(m!)[0]!.searchParams.get('token')!;
    expect(tokenOf(newest)).not.toBe(tokenOf(oldest));
    expect((await anonClient().auth.verifyOtp({ token_hash: tokenOf(oldest), type: 'invite' })).error?.status).toBe(403);
    expect((await anonClient().auth.verifyOtp({ token_hash: tokenOf(newest), type: 'invite' })).error).toBeNull();
  });

  test('a redirect GoTrue would not allow is replaced by site_url', async () => {
    const email = uniqueEmail('redirect');
    await serviceClient().auth.admin.inviteUserByEmail(email, { redirectTo: 'https://evil.example/steal' });
    const [mail] = await mailsTo(email);
    expect(linksOf(mail!)[0]!.searchParams.get('redirect_to')).toBe(SITE);
  });

  test('the mailed /verify link signs the invitee in and redirects with the session in the fragment', async () => {
    const email = uniqueEmail('link');
    await serviceClient().auth.admin.inviteUserByEmail(email, { redirectTo: `${SITE}/welcome` });
    const [link] = linksOf((await mailsTo(email))[0]!);
    const res = await fetch(link!, { redirect: 'manual', headers: { apikey: LOCAL_PUBLISHABLE_KEY } });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(`${SITE}/welcome`);
    expect(new URLSearchParams(location.hash.slice(1)).get('access_token')).toEqual(expect.any(String));
  });

  test('only the service role may invite', async () => {
    const email = uniqueEmail('nope');
    const { client } = await createTestUser('caller');
    const session = (await client.auth.getSession()).data.session!;
    for (const headers of [
      { apikey: LOCAL_PUBLISHABLE_KEY } as Record<string, string>,
      { apikey: LOCAL_PUBLISHABLE_KEY, authorization: `Bearer ${session.access_token}` },
    ]) {
      const res = await fetch(`${standinUrl()}/auth/v1/invite`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ email }) });
      expect([401, 403]).toContain(res.status);
    }
    expect(await mailsTo(email)).toHaveLength(0);
  });

  test('a malformed body is a 400, never a 500', async () => {
    for (const body of ['{"email": 1}', '{"email": "not an address"}', '{"email": "a@b.test", "data": [1]}', '[]']) {
      const res = await fetch(`${standinUrl()}/auth/v1/invite`, { method: 'POST', headers: { apikey: LOCAL_SECRET_KEY, authorization: `Bearer ${LOCAL_SECRET_KEY}`, 'content-type': 'application/json' }, body });
      expect(res.status, body).toBe(400);
    }
  });
});

describe('magic links (signInWithOtp)', () => {
  test('an existing account gets a link to where the caller asked, and its token signs in once (type email)', async () => {
    const { id, email } = await createTestUser('magic');
    const { error } = await anonClient().auth.signInWithOtp({ email, options: { shouldCreateUser: false, emailRedirectTo: `${SITE}/invite/xyz` } });
    expect(error).toBeNull();
    const [mail] = await mailsTo(email);
    expect(mail).toMatchObject({ kind: 'magic_link' });
    const [link] = linksOf(mail!);
    expect(link!.searchParams.get('redirect_to')).toBe(`${SITE}/invite/xyz`);
    const tokenHash = link!.searchParams.get('token')!;
    const verified = await anonClient().auth.verifyOtp({ token_hash: tokenHash, type: 'email' });
    expect(verified.error).toBeNull();
    expect(verified.data.user?.id).toBe(id);
    expect((await anonClient().auth.verifyOtp({ token_hash: tokenHash, type: 'email' })).error?.status).toBe(403);
  });

  test('an unknown address with shouldCreateUser: false creates no account and mails nothing', async () => {
    const email = uniqueEmail('stranger');
    const { error } = await anonClient().auth.signInWithOtp({ email, options: { shouldCreateUser: false } });
    expect(error).not.toBeNull();
    expect(error!.status).toBeGreaterThanOrEqual(400);
    expect(error!.status).toBeLessThan(500);
    expect(await mailsTo(email)).toHaveLength(0);
    const { data } = await serviceClient().auth.admin.listUsers({ perPage: 1000 });
    expect(data.users.some((u) => u.email === email)).toBe(false);
  });
});

describe('the outbox', () => {
  test('is read with the secret key only', async () => {
    const email = uniqueEmail('outbox');
    await serviceClient().auth.admin.inviteUserByEmail(email);
    const [mail] = await mailsTo(email);
    for (const path of ['/mail/v1/messages', `/mail/v1/messages/${mail!.id}`]) {
      expect((await fetch(`${standinUrl()}${path}`)).status).toBe(401);
      expect((await fetch(`${standinUrl()}${path}`, { headers: { apikey: LOCAL_PUBLISHABLE_KEY } })).status).toBe(401);
    }
    expect((await fetch(`${standinUrl()}/mail/v1/messages`, { method: 'DELETE' })).status).toBe(405);
  });

  test("the page shows this machine's developer the mail, and cannot be framed", async () => {
    const email = uniqueEmail('page');
    await serviceClient().auth.admin.inviteUserByEmail(email);
    const res = await fetch(`${standinUrl()}/mail?to=${encodeURIComponent(email)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const html = await res.text();
    expect(html).toContain('You have been invited');
    expect(html).toContain(email);
  });
});
