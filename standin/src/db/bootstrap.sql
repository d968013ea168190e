-- What a Supabase database has before any project migration runs, for the stand-in only.
-- Runs on every start, after lite has created its `auth` and `supabase_migrations` tables, so every
-- statement is idempotent. Project migrations must not depend on anything here that Supabase lacks.

-- API roles, as on Supabase: NOLOGIN, NOINHERIT; only service_role bypasses RLS.
do $$
begin
  if not exists (select from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
  -- The session user switches to these with SET LOCAL ROLE per request, as PostgREST's authenticator does.
  execute format('grant anon, authenticated, service_role to %I', current_user);
end $$;

-- Extensions live in their own schema, reachable through the search path.
create schema if not exists extensions;
grant usage on schema extensions to anon, authenticated, service_role;
do $$
begin
  if exists (select from pg_extension where extname = 'pgcrypto'
             and extnamespace <> 'extensions'::regnamespace) then
    alter extension pgcrypto set schema extensions;   -- lite loads it into public
  end if;
end $$;
create extension if not exists pgcrypto with schema extensions;
create extension if not exists "uuid-ossp" with schema extensions;
create extension if not exists pg_trgm with schema extensions;
do $$
begin
  execute format('alter database %I set search_path to "$user", public, extensions', current_database());
end $$;
set search_path to "$user", public, extensions;

grant usage on schema public to anon, authenticated, service_role;

-- Auth: the columns GoTrue has and lite lacks (seeds written for Supabase insert them), and the SQL helpers
-- exactly as GoTrue defines them: the legacy per-claim setting first, then `request.jwt.claims`.
alter table auth.users add column if not exists instance_id uuid;
alter table auth.users add column if not exists is_super_admin boolean;

create or replace function auth.uid() returns uuid language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;
create or replace function auth.role() returns text language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;
create or replace function auth.email() returns text language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;
create or replace function auth.jwt() returns jsonb language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;
grant usage on schema auth to anon, authenticated, service_role;
grant execute on function auth.uid(), auth.role(), auth.email(), auth.jwt() to anon, authenticated, service_role;

-- Realtime: the schema Supabase Realtime owns. Private-channel authorisation runs policies on
-- realtime.messages with realtime.topic() set to the channel's topic.
create schema if not exists realtime;
grant usage on schema realtime to anon, authenticated, service_role;
create table if not exists realtime.messages (
  topic text not null,
  extension text not null,
  payload jsonb,
  event text,
  private boolean default false,
  updated_at timestamp not null default now(),
  inserted_at timestamp not null default now(),
  id uuid not null default gen_random_uuid(),
  primary key (id, inserted_at)
);
alter table realtime.messages enable row level security;
grant select, insert on realtime.messages to anon, authenticated;
grant all on realtime.messages to service_role;

create or replace function realtime.topic() returns text language sql stable as $$
  select nullif(current_setting('realtime.topic', true), '')::text
$$;
grant execute on function realtime.topic() to anon, authenticated, service_role;

do $$
begin
  if not exists (select from pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime;
  end if;
end $$;
