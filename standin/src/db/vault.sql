-- Supabase Vault as hosted Supabase has it before any project migration, for the stand-in only (db/vault.ts
-- runs this after bootstrap.sql, in one transaction, then stores the root key; every statement is idempotent).
--
-- What hosted has, and where that was found:
--   - Objects: supabase/vault, sql/supabase_vault--0.3.0.sql (0.3.1 changes no SQL: supabase_vault--0.3.0--0.3.1.sql),
--     the version hosted projects run since Vault dropped pgsodium (Nov 2024). Table vault.secrets (id uuid pk
--     default gen_random_uuid(), name text with a unique index where not null, description text not null default
--     '', secret text not null: base64 ciphertext, key_id uuid (unused, stays null), nonce bytea default
--     vault._crypto_aead_det_noncegen(), created_at / updated_at timestamptz not null default current_timestamp);
--     view vault.decrypted_secrets (secrets' columns and decrypted_secret, in that order); vault.create_secret(
--     new_secret text, new_name text = null, new_description text = '', new_key_id uuid = null) returns uuid and
--     vault.update_secret(secret_id uuid, new_secret text = null, new_name text = null, new_description text = null,
--     new_key_id uuid = null) returns void, both SECURITY DEFINER with search_path '', new_key_id ignored;
--     vault._crypto_aead_det_encrypt/_decrypt(message bytea, additional bytea, key_id bigint, context bytea =
--     'pgsodium', nonce bytea = null) and _crypto_aead_det_noncegen(), the associated data being the row's id.
--     EXECUTE on all five is revoked from PUBLIC.
--   - Privileges: supabase/postgres, ansible/files/postgresql_extension_custom_scripts/supabase_vault/after-create.sql
--     (and migrations/db/migrations/20221207154255_create_vault.sql for images built without it): postgres gets
--     usage on schema vault, select/delete/truncate/references on vault.secrets and vault.decrypted_secrets and
--     execute on create_secret, update_secret and _crypto_aead_det_decrypt, all WITH GRANT OPTION; service_role
--     gets usage on the schema, select and delete on the table and the view, and execute on the same three
--     functions. anon and authenticated get nothing (no usage on the schema at all), and the schema is not one
--     PostgREST exposes. The extension is installed in every project (docs: guides/database/vault), so a
--     migration's `create extension if not exists supabase_vault` is a no-op there; here migrate.ts turns it
--     into a comment (the extension is not available) and these objects are already in place.
--
-- How the stand-in differs: pgsodium's XChaCha20-SIV is replaced by a deterministic AEAD from pgcrypto, AES-256-CBC
-- with a synthetic IV (SIV: the IV is an HMAC-SHA-256 of nonce, associated data and message, checked on
-- decryption), under keys derived from a root key kept in standin_vault.root_key, a table in a schema no API
-- role may use (hosted keeps its root key outside the database). The objects are owned by the stand-in's
-- superuser; hosted's owner is supabase_admin.

create schema if not exists vault;
create schema if not exists standin_vault;
revoke all on schema standin_vault from public, anon, authenticated, service_role;
comment on schema standin_vault is 'The stand-in''s Vault root key: readable by its owner only.';

create table if not exists standin_vault.root_key (
  id boolean primary key default true check (id),
  key bytea not null check (length(key) = 32)
);
revoke all on standin_vault.root_key from public, anon, authenticated, service_role;

-- Deterministic AEAD: out = siv || aes-256-cbc(message, iv = siv), siv = first 16 bytes of
-- hmac-sha-256(mac key, len(nonce) || nonce || len(additional) || additional || message); the keys are derived
-- from the root key, the key id and the context, as pgsodium derives its keys.
create or replace function standin_vault.derived_key(purpose text, key_id bigint, context bytea) returns bytea
language sql stable set search_path = '' as $$
  select extensions.hmac(convert_to(purpose, 'utf8') || int8send(key_id) || coalesce(context, ''::bytea), k.key, 'sha256')
  from standin_vault.root_key k
$$;

create or replace function standin_vault.siv(mac_key bytea, message bytea, additional bytea, nonce bytea) returns bytea
language sql immutable set search_path = '' as $$
  select substring(extensions.hmac(
    int4send(length(coalesce(nonce, ''::bytea))) || coalesce(nonce, ''::bytea)
      || int4send(length(coalesce(additional, ''::bytea))) || coalesce(additional, ''::bytea) || message,
    mac_key, 'sha256') from 1 for 16)
$$;
revoke all on function standin_vault.derived_key(text, bigint, bytea), standin_vault.siv(bytea, bytea, bytea, bytea) from public;

create or replace function vault._crypto_aead_det_noncegen() returns bytea
language sql volatile set search_path = '' as $$ select extensions.gen_random_bytes(16) $$;

create or replace function vault._crypto_aead_det_encrypt(message bytea, additional bytea, key_id bigint,
  context bytea = 'pgsodium', nonce bytea = null) returns bytea
language plpgsql stable security definer set search_path = '' as $$
declare
  enc_key bytea := standin_vault.derived_key('enc', key_id, context);
  iv bytea := standin_vault.siv(standin_vault.derived_key('mac', key_id, context), message, additional, nonce);
begin
  if enc_key is null then
    raise exception 'vault: no root key (the stand-in stores it at start)' using errcode = '55000';
  end if;
  return iv || extensions.encrypt_iv(message, enc_key, iv, 'aes-cbc/pad:pkcs');
end
$$;

create or replace function vault._crypto_aead_det_decrypt(message bytea, additional bytea, key_id bigint,
  context bytea = 'pgsodium', nonce bytea = null) returns bytea
language plpgsql stable security definer set search_path = '' as $$
declare
  iv bytea := substring(message from 1 for 16);
  plain bytea;
begin
  begin
    plain := extensions.decrypt_iv(substring(message from 17), standin_vault.derived_key('enc', key_id, context), iv, 'aes-cbc/pad:pkcs');
  exception when others then
    plain := null;
  end;
  if plain is null or length(message) < 32
     or standin_vault.siv(standin_vault.derived_key('mac', key_id, context), plain, additional, nonce) <> iv then
    raise exception 'vault._crypto_aead_det_decrypt: invalid ciphertext' using errcode = '22000';
  end if;
  return plain;
end
$$;

create table if not exists vault.secrets (
  id uuid primary key default gen_random_uuid(),
  name text,
  description text not null default '',
  secret text not null,
  key_id uuid,
  nonce bytea default vault._crypto_aead_det_noncegen(),
  created_at timestamptz not null default current_timestamp,
  updated_at timestamptz not null default current_timestamp
);
comment on table vault.secrets is 'Table with encrypted `secret` column for storing sensitive information on disk.';
create unique index if not exists secrets_name_idx on vault.secrets using btree (name) where name is not null;

create or replace view vault.decrypted_secrets as
select s.id, s.name, s.description, s.secret,
  convert_from(vault._crypto_aead_det_decrypt(
    message := decode(s.secret, 'base64'::text), additional := convert_to(s.id::text, 'utf8'),
    key_id := 0, context := 'pgsodium'::bytea, nonce := s.nonce), 'utf8'::name) as decrypted_secret,
  s.key_id, s.nonce, s.created_at, s.updated_at
from vault.secrets s;

-- Unlike hosted's (insert the plaintext, then overwrite it), the plaintext is never written to the table.
create or replace function vault.create_secret(new_secret text, new_name text = null, new_description text = '',
  new_key_id uuid = null) returns uuid
language plpgsql security definer set search_path = '' as $$
declare
  new_id uuid := gen_random_uuid();
  new_nonce bytea := vault._crypto_aead_det_noncegen();
begin
  insert into vault.secrets (id, secret, name, description, nonce)
  values (new_id, encode(vault._crypto_aead_det_encrypt(
      message := convert_to(new_secret, 'utf8'), additional := convert_to(new_id::text, 'utf8'),
      key_id := 0, context := 'pgsodium'::bytea, nonce := new_nonce), 'base64'),
    new_name, new_description, new_nonce);
  return new_id;
end
$$;

create or replace function vault.update_secret(secret_id uuid, new_secret text = null, new_name text = null,
  new_description text = null, new_key_id uuid = null) returns void
language plpgsql security definer set search_path = '' as $$
begin
  update vault.secrets s
  set secret = case when new_secret is null then s.secret
                    else encode(vault._crypto_aead_det_encrypt(
                      message := convert_to(new_secret, 'utf8'), additional := convert_to(s.id::text, 'utf8'),
                      key_id := 0, context := 'pgsodium'::bytea, nonce := s.nonce), 'base64') end,
    name = coalesce(new_name, s.name),
    description = coalesce(new_description, s.description),
    updated_at = now()
  where s.id = secret_id;
end
$$;

-- The platform's privileges, once: on the first install only (no root key stored yet), so what a project migration
-- grants or revokes later is not undone at the next start. Whatever default privileges gave the new objects goes first.
do $$
begin
  if exists (select from standin_vault.root_key) then
    return;
  end if;
  revoke all on schema vault from public, anon, authenticated, service_role;
  revoke all on vault.secrets, vault.decrypted_secrets from public, anon, authenticated, service_role;
  revoke all on function vault._crypto_aead_det_encrypt(bytea, bytea, bigint, bytea, bytea),
    vault._crypto_aead_det_decrypt(bytea, bytea, bigint, bytea, bytea), vault._crypto_aead_det_noncegen(),
    vault.create_secret(text, text, text, uuid), vault.update_secret(uuid, text, text, text, uuid)
    from public, anon, authenticated, service_role;
  if exists (select from pg_roles where rolname = 'postgres') and current_user <> 'postgres' then
    grant usage on schema vault to postgres with grant option;
    grant select, delete, truncate, references on vault.secrets, vault.decrypted_secrets to postgres with grant option;
    grant execute on function vault.create_secret(text, text, text, uuid), vault.update_secret(uuid, text, text, text, uuid),
      vault._crypto_aead_det_decrypt(bytea, bytea, bigint, bytea, bytea) to postgres with grant option;
  end if;
  grant usage on schema vault to service_role;
  grant select, delete on vault.secrets, vault.decrypted_secrets to service_role;
  grant execute on function vault.create_secret(text, text, text, uuid), vault.update_secret(uuid, text, text, text, uuid),
    vault._crypto_aead_det_decrypt(bytea, bytea, bigint, bytea, bytea) to service_role;
end $$;
