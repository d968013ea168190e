import { AuthApiError } from '@supabase/supabase-js';
import { describe, expect, test } from 'vitest';
import { anonClient, createTestUser, serviceClient, signedInClient } from './helpers/clients.ts';
import { LOCAL_ANON_JWT, LOCAL_PUBLISHABLE_KEY, LOCAL_SERVICE_ROLE_JWT } from '../src/keys.ts';

const uniqueEmail = (p: string) => `${p}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.test`;

describe('sign-up and sign-in', () => {
  test('signUp returns a session for an auto-confirmed user', async () => {
    const email = uniqueEmail('signup');
    const { data, error } = await anonClient().auth.signUp({ email, password: 'hunter22', options: { data: { full_name: 'Sig Nup' } } });
    expect(error).toBeNull();
    expect(data.session?.access_token).toEqual(expect.any(String));
    expect(data.session?.token_type).toBe('bearer');
    expect(data.user).toMatchObject({ email, aud: 'authenticated', role: 'authenticated', user_metadata: expect.objectContaining({ full_name: 'Sig Nup' }) });
  });

  test('signing up an existing email is refused with user_already_exists', async () => {
    const { email } = await createTestUser('dup');
    const { error } = await anonClient().auth.signUp({ email, password: 'hunter22' });
    expect(error).toBeInstanceOf(AuthApiError);
    expect(error).toMatchObject({ status: 422, code: 'user_already_exists' });
  });

  test('password sign-in works, and a wrong password answers 400 invalid_credentials', async () => {
    const { email, password } = await createTestUser('signin');
    const ok = await anonClient().auth.signInWithPassword({ email, password });
    expect(ok.error).toBeNull();
    expect(ok.data.user?.email).toBe(email);
    const bad = await anonClient().auth.signInWithPassword({ email, password: 'wrong-password' });
    expect(bad.error).toBeInstanceOf(AuthApiError);
    expect(bad.error).toMatchObject({ status: 400, code: 'invalid_credentials' });
  });

  test("the project's seeded users (supabase/seed.sql) sign in", async () => {
    const client = await signedInClient('seeded@fixture.test');
    const { data } = await client.auth.getUser();
    expect(data.user).toMatchObject({ id: '90000000-0000-4000-8000-000000000001', email: 'seeded@fixture.test' });
  });

  test('a legacy anon JWT works as the API key', async () => {
    const { email, password } = await createTestUser('legacy');
    const { data, error } = await anonClient(LOCAL_ANON_JWT).auth.signInWithPassword({ email, password });
    expect(error).toBeNull();
    expect(data.session).not.toBeNull();
  });
});

describe('sessions', () => {
  test('refreshing rotates the refresh token and keeps the session usable', async () => {
    const { client } = await createTestUser('refresh');
    const before = (await client.auth.getSession()).data.session!;
    const { data, error } = await client.auth.refreshSession();
    expect(error).toBeNull();
    expect(data.session!.refresh_token).not.toBe(before.refresh_token);
    expect(data.session!.user.id).toBe(before.user.id);
    const again = await client.auth.refreshSession();
    expect(again.error).toBeNull();
    expect(again.data.session!.refresh_token).not.toBe(data.session!.refresh_token);
    expect((await client.auth.getUser()).data.user?.id).toBe(before.user.id);
  });

  test('an unknown refresh token is refused', async () => {
    const { error } = await anonClient().auth.refreshSession({ refresh_token: 'not-a-real-token' });
    expect(error).toBeInstanceOf(AuthApiError);
    expect(error?.status).toBe(400);
  });

  test('getUser returns the signed-in user and fails without a session', async () => {
    const { client, id } = await createTestUser('getuser');
    expect((await client.auth.getUser()).data.user?.id).toBe(id);
    const anon = await anonClient().auth.getUser();
    expect(anon.data.user).toBeNull();
    expect(anon.error).not.toBeNull();
  });

  test('signOut ends the session on the server: the old tokens stop working', async () => {
    const { client } = await createTestUser('signout');
    const session = (await client.auth.getSession()).data.session!;
    expect((await client.auth.signOut()).error).toBeNull();
    expect((await client.auth.getSession()).data.session).toBeNull();
    const stale = await anonClient().auth.getUser(session.access_token);
    expect(stale.data.user).toBeNull();
    const refresh = await anonClient().auth.refreshSession({ refresh_token: session.refresh_token });
    expect(refresh.error?.status).toBe(400);
  });
});

describe('admin API', () => {
  test('createUser makes a user who can sign in; a duplicate email is 422 email_exists', async () => {
    const email = uniqueEmail('admin');
    const admin = serviceClient();
    const { data, error } = await admin.auth.admin.createUser({ email, password: 'pass1234', email_confirm: true, user_metadata: { team: 'blue' } });
    expect(error).toBeNull();
    expect(data.user).toMatchObject({ email, user_metadata: expect.objectContaining({ team: 'blue' }), app_metadata: expect.objectContaining({ provider: 'email' }) });
    const signIn = await anonClient().auth.signInWithPassword({ email, password: 'pass1234' });
    expect(signIn.data.user?.id).toBe(data.user!.id);
    const dup = await admin.auth.admin.createUser({ email, password: 'pass1234' });
    expect(dup.error).toMatchObject({ status: 422, code: 'email_exists' });
  });

  test('the legacy service_role JWT is an admin key too; the publishable key is not', async () => {
    const legacy = await serviceClient(LOCAL_SERVICE_ROLE_JWT).auth.admin.createUser({ email: uniqueEmail('legacyadmin'), password: 'pass1234' });
    expect(legacy.error).toBeNull();
    const denied = await serviceClient(LOCAL_PUBLISHABLE_KEY).auth.admin.createUser({ email: uniqueEmail('nope'), password: 'pass1234' });
    expect(denied.error).toMatchObject({ status: 403, code: 'not_admin' });
  });

  test('getUserById, listUsers, updateUserById and deleteUser', async () => {
    const admin = serviceClient();
    const { id, email } = await createTestUser('lifecycle');
    expect((await admin.auth.admin.getUserById(id)).data.user?.email).toBe(email);

    // at least three users whatever ran before (tests run in any order): a page of two is then a real page
    await Promise.all([createTestUser('lifecycle-other'), createTestUser('lifecycle-other')]);
    const page = await admin.auth.admin.listUsers({ page: 1, perPage: 2 });
    expect(page.error).toBeNull();
    expect(page.data.users).toHaveLength(2);
    expect((page.data as { total?: number }).total).toBeGreaterThan(2);

    const updated = await admin.auth.admin.updateUserById(id, { password: 'changed-pw', user_metadata: { nick: 'x' } });
    expect(updated.error).toBeNull();
    expect(updated.data.user?.user_metadata).toMatchObject({ nick: 'x' });
    expect((await anonClient().auth.signInWithPassword({ email, password: 'changed-pw' })).error).toBeNull();

    expect((await admin.auth.admin.deleteUser(id)).error).toBeNull();
    expect((await admin.auth.admin.getUserById(id)).error).toMatchObject({ status: 404, code: 'user_not_found' });
    expect((await anonClient().auth.signInWithPassword({ email, password: 'changed-pw' })).error?.code).toBe('invalid_credentials');
  });

  test('an unconfirmed admin-created user cannot sign in until confirmed', async () => {
    const email = uniqueEmail('unconfirmed');
    const admin = serviceClient();
    const { data } = await admin.auth.admin.createUser({ email, password: 'pass1234' });
    const before = await anonClient().auth.signInWithPassword({ email, password: 'pass1234' });
    expect(before.error?.code).toBe('email_not_confirmed');
    await admin.auth.admin.updateUserById(data.user!.id, { email_confirm: true });
    expect((await anonClient().auth.signInWithPassword({ email, password: 'pass1234' })).error).toBeNull();
  });
});
