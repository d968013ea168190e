/**
 * Supabase Vault through the APIs, as hosted serves it: the service role stores, reads and updates secrets through
 * the project's RPCs (fixtures/contract/…_vault_fixtures.sql); anon and a signed-in user get PostgREST's 42501 from
 * the same RPCs, and nobody reaches the `vault` schema itself, which PostgREST does not expose.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import type { SupabaseClient } from '@supabase/supabase-js';
import { anonClient, createTestUser, serviceClient } from './helpers/clients.ts';

const tag = `v${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
let service: SupabaseClient;
let user: SupabaseClient;
let anon: SupabaseClient;

beforeAll(async () => {
  service = serviceClient();
  anon = anonClient();
  user = (await createTestUser('vault')).client;
});

describe('the service role', () => {
  test("reads the secret a project migration stored with vault.create_secret", async () => {
    const { data, error } = await service.rpc('fixture_vault_read', { secret_name: 'fixture_vault_migration' });
    expect(error).toBeNull();
    expect(data).toBe('fixture-migration-secret');
  });

  test('creates a secret through an RPC, reads it back decrypted, updates it', async () => {
    const name = `${tag}-service`;
    const created = await service.rpc('fixture_vault_create', { secret_value: 'first value', secret_name: name });
    expect(created.error).toBeNull();
    expect(created.data).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect((await service.rpc('fixture_vault_read', { secret_name: name })).data).toBe('first value');

    const updated = await service.rpc('fixture_vault_update', { secret_id: created.data, secret_value: 'second välue ✓' });
    expect(updated).toMatchObject({ error: null, status: 204 });
    expect((await service.rpc('fixture_vault_read', { secret_name: name })).data).toBe('second välue ✓');
  });

  test('a name is unique: a second secret under it is 409 23505', async () => {
    const name = `${tag}-unique`;
    expect((await service.rpc('fixture_vault_create', { secret_value: 'a', secret_name: name })).error).toBeNull();
    const again = await service.rpc('fixture_vault_create', { secret_value: 'b', secret_name: name });
    expect(again).toMatchObject({ status: 409, error: { code: '23505' } });
  });
});

describe('anon and a signed-in user', () => {
  test.each([
    ['anon', () => anon, 401],
    ['a signed-in user', () => user, 403],
  ] as const)('%s can neither read nor create secrets through an invoker RPC (%i 42501)', async (_, client, status) => {
    const read = await client().rpc('fixture_vault_read', { secret_name: 'fixture_vault_migration' });
    expect(read).toMatchObject({ status, data: null, error: { code: '42501', message: 'permission denied for schema vault' } });
    const create = await client().rpc('fixture_vault_create', { secret_value: 'nope', secret_name: `${tag}-denied` });
    expect(create).toMatchObject({ status, error: { code: '42501', message: 'permission denied for schema vault' } });
    expect((await service.rpc('fixture_vault_read', { secret_name: `${tag}-denied` })).data).toBeNull();
  });

  test("a user stores a secret through the project's SECURITY DEFINER function, and cannot read it back", async () => {
    const name = `${tag}-definer`;
    const stored = await user.rpc('fixture_vault_store', { secret_name: name, secret_value: 'kept for the user' });
    expect(stored.error).toBeNull();
    expect(typeof stored.data).toBe('string');
    expect((await user.rpc('fixture_vault_read', { secret_name: name })).error).toMatchObject({ code: '42501' });
    expect((await service.rpc('fixture_vault_read', { secret_name: name })).data).toBe('kept for the user');
    // anon may not call the definer function at all
    expect((await anon.rpc('fixture_vault_store', { secret_name: `${tag}-anon`, secret_value: 'x' })).error).toMatchObject({ code: '42501' });
  });
});

describe('the vault schema over REST', () => {
  const invalidSchema = {
    status: 406,
    error: { code: 'PGRST106', message: 'Invalid schema: vault', hint: 'Only the following schemas are exposed: graphql_public, public' },
  };

  test.each([
    ['anon', () => anon],
    ['a signed-in user', () => user],
    ['the service role', () => service],
  ] as const)('is not exposed to %s: tables, the view and its functions answer 406 PGRST106', async (_, client) => {
    const vault = client().schema('vault');
    expect(await vault.from('secrets').select('*')).toMatchObject(invalidSchema);
    expect(await vault.from('decrypted_secrets').select('decrypted_secret')).toMatchObject(invalidSchema);
    expect(await vault.rpc('create_secret', { new_secret: 'x' })).toMatchObject(invalidSchema);
    expect(await vault.from('secrets').insert({ secret: 'x' })).toMatchObject(invalidSchema);
  });

  test('nor are its functions found in the exposed schema', async () => {
    const { status, error } = await service.rpc('create_secret', { new_secret: 'x' });
    expect(status).toBe(404);
    expect(error).toMatchObject({ code: 'PGRST202' });
  });
});
