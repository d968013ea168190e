import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath, URL as NodeURL } from 'node:url';
import type { Database } from './database.ts';

const VAULT_SQL = fs.readFileSync(fileURLToPath(new NodeURL('./vault.sql', import.meta.url)), 'utf8');

export type VaultInstall = 'installed' | 'updated' | 'skipped';

/**
 * Supabase Vault as hosted projects have it before their first migration (`db/vault.sql`: the schema, table, view,
 * functions and the platform's grants), on pgcrypto, on every start, after bootstrap.sql. The root key is the
 * SHA-256 of `rootKey` (the `vaultKey` option), stored in `standin_vault.root_key`, which no API role can read.
 *
 * Left alone: a database with the real `supabase_vault` extension, and one whose `vault` schema the project made
 * itself (no `standin_vault`). A root key that differs from the stored one replaces it only while there are no
 * secrets; with secrets, the start fails rather than serve secrets nobody can decrypt.
 */
export async function installVault(db: Database, rootKey: string): Promise<VaultInstall> {
  const [state] = await db.query<{ extension: boolean; schema: boolean; ours: boolean }>(
    `select exists (select from pg_extension where extname = 'supabase_vault') as extension,
            to_regnamespace('vault') is not null as schema,
            to_regclass('standin_vault.root_key') is not null as ours`,
  );
  if (state!.extension || (state!.schema && !state!.ours)) return 'skipped';
  const key = createHash('sha256').update(rootKey, 'utf8').digest('hex');
  return db.transaction(async (q, exec) => {
    await exec(VAULT_SQL);
    const [stored] = await q<{ same: boolean; secrets: boolean }>(
      `select k.key = decode($1, 'hex') as same, exists (select from vault.secrets) as secrets from standin_vault.root_key k`,
      [key],
    );
    if (stored?.same) return 'updated';
    if (stored?.secrets) {
      throw new Error(
        'vault: vault.secrets holds secrets encrypted under another root key than the configured one ' +
          '(STANDIN_VAULT_KEY, option vaultKey): start with the key they were stored under, or delete them',
      );
    }
    await q(
      `insert into standin_vault.root_key (key) values (decode($1, 'hex')) on conflict (id) do update set key = excluded.key`,
      [key],
    );
    return stored ? 'updated' : 'installed';
  });
}
