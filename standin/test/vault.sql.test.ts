/**
 * Supabase Vault in SQL, on a stand-in of the test's own (the contract project, whose migrations use the vault):
 * the privileges hosted grants and no others, each API role's statements as hosted answers them, ciphertext that
 * hides and authenticates the secret, and a root key that stays put across restarts.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { installVault } from '../src/db/vault.ts';
import { LOCAL_VAULT_ROOT_KEY } from '../src/keys.ts';
import { startOwnStandin, type OwnStandin } from './helpers/own-standin.ts';

let own: OwnStandin;
const db = () => own.standin.db;

beforeAll(async () => {
  own = await startOwnStandin();
}, 90_000);
afterAll(async () => {
  await own?.destroy();
});

/** Runs one statement as `role` (SET LOCAL ROLE, as PostgREST does), returning its rows or its error. */
async function asRole(role: string, sql: string, params: unknown[] = []): Promise<{ rows?: unknown[]; code?: string; message?: string }> {
  try {
    const rows = await db().transaction(async (q) => {
      await q(`set local role ${role}`);
      return q(sql, params);
    });
    return { rows };
  } catch (error) {
    return { code: (error as { code?: string }).code, message: (error as Error).message };
  }
}

const TABLE_PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'];
const FUNCTIONS = [
  'vault.create_secret(text, text, text, uuid)',
  'vault.update_secret(uuid, text, text, text, uuid)',
  'vault._crypto_aead_det_decrypt(bytea, bytea, bigint, bytea, bytea)',
  'vault._crypto_aead_det_encrypt(bytea, bytea, bigint, bytea, bytea)',
  'vault._crypto_aead_det_noncegen()',
];

/** What a role may do with the vault, read from the catalogue. */
async function privileges(role: string) {
  const [row] = await db().query(
    `select has_schema_privilege($1, 'vault', 'USAGE') as schema,
            has_schema_privilege($1, 'standin_vault', 'USAGE') as "keySchema",
            array(select p from unnest($2::text[]) p where has_table_privilege($1, 'vault.secrets', p)) as secrets,
            array(select p from unnest($2::text[]) p where has_table_privilege($1, 'vault.decrypted_secrets', p)) as "decryptedSecrets",
            array(select f from unnest($3::text[]) f where has_function_privilege($1, f, 'EXECUTE')) as execute`,
    [role, TABLE_PRIVILEGES, FUNCTIONS],
  );
  return row!;
}

describe('privileges, as hosted grants them', () => {
  test('service_role: usage, select and delete on the table and the view, create/update/decrypt', async () => {
    expect(await privileges('service_role')).toEqual({
      schema: true,
      keySchema: false,
      secrets: ['SELECT', 'DELETE'],
      decryptedSecrets: ['SELECT', 'DELETE'],
      execute: FUNCTIONS.slice(0, 3),
    });
  });

  test.each(['anon', 'authenticated'])('%s: nothing at all', async (role) => {
    expect(await privileges(role)).toEqual({ schema: false, keySchema: false, secrets: [], decryptedSecrets: [], execute: [] });
  });
});

describe('statements as each API role', () => {
  const denied = { code: '42501', message: 'permission denied for schema vault' };

  test.each(['anon', 'authenticated'])('%s can neither read, create, update nor delete secrets', async (role) => {
    const id = (await db().query<{ id: string }>(`select id from vault.secrets where name = 'fixture_vault_migration'`))[0]!.id;
    expect(await asRole(role, 'select * from vault.secrets')).toMatchObject(denied);
    expect(await asRole(role, 'select decrypted_secret from vault.decrypted_secrets')).toMatchObject(denied);
    expect(await asRole(role, `select vault.create_secret('x')`)).toMatchObject(denied);
    expect(await asRole(role, `select vault.update_secret($1, 'x')`, [id])).toMatchObject(denied);
    expect(await asRole(role, 'delete from vault.secrets')).toMatchObject(denied);
    expect(await asRole(role, 'select key from standin_vault.root_key')).toMatchObject({ code: '42501' });
  });

  test('service_role creates, reads, updates and deletes, but neither inserts nor reads the root key', async () => {
    const created = await asRole('service_role', `select vault.create_secret('s3kr3t', 'sql-service', 'made in SQL') as id`);
    const id = (created.rows as Array<{ id: string }>)[0]!.id;
    expect((await asRole('service_role', `select vault.update_secret($1, new_description => 'changed')`, [id])).code).toBeUndefined();
    const read = await asRole('service_role', 'select name, description, decrypted_secret, key_id from vault.decrypted_secrets where id = $1', [id]);
    expect(read.rows).toEqual([{ name: 'sql-service', description: 'changed', decrypted_secret: 's3kr3t', key_id: null }]);
    expect(await asRole('service_role', `insert into vault.secrets (secret) values ('x')`)).toMatchObject({
      code: '42501',
      message: 'permission denied for table secrets',
    });
    expect(await asRole('service_role', `update vault.secrets set name = 'x'`)).toMatchObject({ code: '42501' });
    expect(await asRole('service_role', 'select key from standin_vault.root_key')).toMatchObject({ code: '42501' });
    expect(await asRole('service_role', 'delete from vault.decrypted_secrets where id = $1 returning id', [id])).toMatchObject({ rows: [{ id }] });
  });
});

describe('the stored form', () => {
  test('the table and the view have hosted’s columns, in its order', async () => {
    const columns = (rel: string) =>
      db().query(
        `select column_name, data_type, is_nullable from information_schema.columns
          where table_schema = 'vault' and table_name = $1 order by ordinal_position`,
        [rel],
      );
    const table = [
      ['id', 'uuid', 'NO'], ['name', 'text', 'YES'], ['description', 'text', 'NO'], ['secret', 'text', 'NO'], ['key_id', 'uuid', 'YES'],
      ['nonce', 'bytea', 'YES'], ['created_at', 'timestamp with time zone', 'NO'], ['updated_at', 'timestamp with time zone', 'NO'],
    ].map(([column_name, data_type, is_nullable]) => ({ column_name, data_type, is_nullable }));
    expect(await columns('secrets')).toEqual(table);
    const view = (await columns('decrypted_secrets')).map((c) => (c as { column_name: string }).column_name);
    expect(view).toEqual(['id', 'name', 'description', 'secret', 'decrypted_secret', 'key_id', 'nonce', 'created_at', 'updated_at']);
  });

  test('the secret column is ciphertext: no plaintext in it, a different one for the same secret twice', async () => {
    const plain = 'plaintext-that-must-not-be-stored';
    const ids = await db().query<{ id: string }>(`select vault.create_secret($1) as id union all select vault.create_secret($1)`, [plain]);
    const rows = await db().query<{ secret: string }>(`select secret from vault.secrets where id = any($1::uuid[])`, [ids.map((r) => r.id)]);
    for (const { secret } of rows) {
      expect(secret).not.toContain(plain);
      expect(Buffer.from(secret, 'base64').includes(Buffer.from(plain))).toBe(false);
    }
    expect(rows[0]!.secret).not.toBe(rows[1]!.secret);
    await db().query(`delete from vault.secrets where id = any($1::uuid[])`, [ids.map((r) => r.id)]);
  });

  test('ciphertext is bound to its row: copied onto another secret it does not decrypt', async () => {
    const failure = db().transaction(async (q) => {
      const [a, b] = await q<{ id: string }>(`select vault.create_secret('a') as id union all select vault.create_secret('b')`);
      await q(`update vault.secrets set secret = (select secret from vault.secrets where id = $1) where id = $2`, [a!.id, b!.id]);
      await q(`select decrypted_secret from vault.decrypted_secrets where id = $1`, [b!.id]);
    });
    await expect(failure).rejects.toMatchObject({ code: '22000', message: 'vault._crypto_aead_det_decrypt: invalid ciphertext' });
  });

  test("the migration's `create extension supabase_vault` applied as a no-op", async () => {
    expect(await db().query(`select extname from pg_extension where extname = 'supabase_vault'`)).toEqual([]);
    const applied = await db().query(`select name from supabase_migrations.schema_migrations where version = '20260101000250'`);
    expect(applied).toEqual([{ name: 'vault_fixtures' }]);
  });
});

describe('the root key', () => {
  test('another root key is refused while secrets exist, and taken once there are none', async () => {
    const other = 'another-vault-root-key-of-at-least-32-characters';
    const read = (name: string) => db().query(`select decrypted_secret from vault.decrypted_secrets where name = $1`, [name]);
    // the other tests' secrets, as stored, put back at the end (tests run in any order)
    const [{ saved }] = (await db().query(`select coalesce(jsonb_agg(s), '[]') as saved from vault.secrets s`)) as [{ saved: unknown }];
    await db().query(`select vault.create_secret('kept', 'sql-root-key')`);
    await expect(installVault(db(), other)).rejects.toThrow(/encrypted under another root key/);
    expect(await read('sql-root-key')).toEqual([{ decrypted_secret: 'kept' }]);
    try {
      await db().query('delete from vault.secrets');
      expect(await installVault(db(), other)).toBe('updated');
      await db().query(`select vault.create_secret('under the other key', 'sql-other-key')`);
      expect(await read('sql-other-key')).toEqual([{ decrypted_secret: 'under the other key' }]);
      await expect(installVault(db(), LOCAL_VAULT_ROOT_KEY)).rejects.toThrow(/encrypted under another root key/);
    } finally {
      await db().query('delete from vault.secrets');
      expect(await installVault(db(), LOCAL_VAULT_ROOT_KEY)).toBe('updated');
      await db().query(`insert into vault.secrets select * from jsonb_populate_recordset(null::vault.secrets, $1::jsonb)`, [JSON.stringify(saved)]);
    }
    expect(await read('fixture_vault_migration')).toEqual([{ decrypted_secret: 'fixture-migration-secret' }]);
  });

  test('secrets survive a restart, and grants a migration changed are not granted again', async () => {
    await db().query(`select vault.create_secret('survives', 'sql-restart')`);
    await db().query('revoke delete on vault.secrets from service_role');
    try {
      await own.restart();
      const read = await db().query(`select decrypted_secret from vault.decrypted_secrets where name = 'sql-restart'`);
      expect(read).toEqual([{ decrypted_secret: 'survives' }]);
      expect((await privileges('service_role')).secrets).toEqual(['SELECT']);
    } finally {
      await db().query('grant delete on vault.secrets to service_role');
    }
  }, 90_000);
});
