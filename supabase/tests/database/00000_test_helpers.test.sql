-- Shared pgTAP helpers: the schema `tests`, installed by this file before the others run. Like basejump's
-- supabase_test_helpers, it is a TAP file of its own whose name sorts first, and it COMMITS, so `supabase test db`
-- (pg_prove over this folder in name order) installs the helpers before any file uses them; supabase/tests/pgtap.test.ts
-- runs it in beforeAll and drops the schema afterwards when that run created it.
--
--   tests.seed_world()     the world every file starts from (call it first, as the superuser, inside the file's
--                          transaction; its rows go with the file's rollback; a second call in the same
--                          transaction adds nothing):
--                            workspace A (d…0a): a…01 owner, a…02 agent, a…04 admin, a…03 removed (an agent)
--                            workspace B (d…0b): b…01 owner
--                            c…01 is signed in and belongs to no workspace
--                            each workspace has a sender (e…0a/e…0b), a contact (f…0a/f…0b), a conversation (9…0a/9…0b)
--                            and a Realtime channel key (c4…0a/c4…0b)
--   tests.id(name)         the fixed uuid of a row of that world by name: owner_a, agent_a, admin_a, removed_a, owner_b,
--                          outsider, workspace_a, workspace_b, channel_key_a, channel_key_b, sender_a, sender_b,
--                          contact_a, contact_b, conversation_a, conversation_b (an unknown name is an error)
--   tests.act_as(name)     set local role authenticated, signed in as that user (request.jwt.claims with its sub)
--   tests.act_as_anon()    set local role anon, not signed in
--
-- No API role (anon, authenticated, service_role, PUBLIC) may use the schema: it has no grants at all, and every
-- function is SECURITY INVOKER. So call the helpers as the superuser the files run as: before the file's first role
-- switch, or after `reset role` (to switch to another user: `reset role; select tests.act_as('owner_b');`). A helper
-- called while a file acts as authenticated or anon fails with "permission denied for schema tests"; that is why
-- there is no tests.reset_role() (it could only be called when there is nothing to reset): plain `reset role` it is.
-- For the same reason the queries that a file runs as an API role name their rows by literal uuid, not tests.id().
begin;

create schema if not exists tests;

create or replace function tests.id(name text)
returns uuid
language plpgsql immutable security invoker set search_path = '' as $$
declare
  named uuid;
begin
  select v.id into named from (values
    ('owner_a', 'a0000000-0000-4000-8000-000000000001'::uuid),
    ('agent_a', 'a0000000-0000-4000-8000-000000000002'),
    ('removed_a', 'a0000000-0000-4000-8000-000000000003'),
    ('admin_a', 'a0000000-0000-4000-8000-000000000004'),
    ('owner_b', 'b0000000-0000-4000-8000-000000000001'),
    ('outsider', 'c0000000-0000-4000-8000-000000000001'),
    ('workspace_a', 'd0000000-0000-4000-8000-00000000000a'),
    ('workspace_b', 'd0000000-0000-4000-8000-00000000000b'),
    ('channel_key_a', 'c4000000-0000-4000-8000-00000000000a'),
    ('channel_key_b', 'c4000000-0000-4000-8000-00000000000b'),
    ('sender_a', 'e0000000-0000-4000-8000-00000000000a'),
    ('sender_b', 'e0000000-0000-4000-8000-00000000000b'),
    ('contact_a', 'f0000000-0000-4000-8000-00000000000a'),
    ('contact_b', 'f0000000-0000-4000-8000-00000000000b'),
    ('conversation_a', '90000000-0000-4000-8000-00000000000a'),
    ('conversation_b', '90000000-0000-4000-8000-00000000000b')
  ) as v (name, id) where v.name = $1;
  if named is null then
    raise exception 'tests.id: no row of the test world is named %', coalesce(pg_catalog.quote_literal($1), 'null');
  end if;
  return named;
end;
$$;

create or replace function tests.seed_world()
returns void
language plpgsql security invoker set search_path = '' as $$
begin
  insert into auth.users (id, email) values
    (tests.id('owner_a'), 'a-owner@pgtap.test'),
    (tests.id('agent_a'), 'a-agent@pgtap.test'),
    (tests.id('removed_a'), 'a-removed@pgtap.test'),
    (tests.id('admin_a'), 'a-admin@pgtap.test'),
    (tests.id('owner_b'), 'b-owner@pgtap.test'),
    (tests.id('outsider'), 'nobody@pgtap.test')
  on conflict do nothing;
  insert into public.distributors (id, name, channel_key) values
    (tests.id('workspace_a'), 'Workspace A', tests.id('channel_key_a')),
    (tests.id('workspace_b'), 'Workspace B', tests.id('channel_key_b'))
  on conflict do nothing;
  insert into public.distributor_members (distributor_id, user_id, role, display_name, removed_at) values
    (tests.id('workspace_a'), tests.id('owner_a'), 'owner', 'A Owner', null),
    (tests.id('workspace_a'), tests.id('agent_a'), 'agent', 'A Agent', null),
    (tests.id('workspace_a'), tests.id('removed_a'), 'agent', 'A Removed', now()),
    (tests.id('workspace_a'), tests.id('admin_a'), 'admin', 'A Admin', null),
    (tests.id('workspace_b'), tests.id('owner_b'), 'owner', 'B Owner', null)
  on conflict do nothing;
  insert into public.whatsapp_senders (id, distributor_id, label, whatsapp_number) values
    (tests.id('sender_a'), tests.id('workspace_a'), 'A WhatsApp', '+15550000101'),
    (tests.id('sender_b'), tests.id('workspace_b'), 'B WhatsApp', '+15550000102')
  on conflict do nothing;
  insert into public.contacts (id, distributor_id, wa_id, phone) values
    (tests.id('contact_a'), tests.id('workspace_a'), '+15550000201', '+15550000201'),
    (tests.id('contact_b'), tests.id('workspace_b'), '+15550000202', '+15550000202')
  on conflict do nothing;
  insert into public.conversations (id, distributor_id, sender_id, contact_id) values
    (tests.id('conversation_a'), tests.id('workspace_a'), tests.id('sender_a'), tests.id('contact_a')),
    (tests.id('conversation_b'), tests.id('workspace_b'), tests.id('sender_b'), tests.id('contact_b'))
  on conflict do nothing;
end;
$$;

-- The role is set last: once it is, this session may no longer call into tests (not even tests.id).
create or replace function tests.act_as(name text)
returns void
language plpgsql security invoker set search_path = '' as $$
begin
  perform pg_catalog.set_config('request.jwt.claims', pg_catalog.jsonb_build_object('sub', tests.id(name), 'role', 'authenticated')::text, true);
  perform pg_catalog.set_config('role', 'authenticated', true);
end;
$$;

create or replace function tests.act_as_anon()
returns void
language plpgsql security invoker set search_path = '' as $$
begin
  perform pg_catalog.set_config('request.jwt.claims', '{"role":"anon"}', true);
  perform pg_catalog.set_config('role', 'anon', true);
end;
$$;

-- Nobody but the owner (the superuser the tests run as) uses the schema or runs its functions.
revoke all on schema tests from public, anon, authenticated, service_role;
revoke all on all functions in schema tests from public, anon, authenticated, service_role;

select plan(6);
select ok(true, 'test helpers installed');
select is(
  array(select r.rolname::text from pg_roles r where r.rolname in ('anon', 'authenticated', 'service_role') and has_schema_privilege(r.oid, 'tests', 'usage') order by 1),
  '{}'::text[], 'no API role may use the schema tests');
select is_empty(
  $$ select n.nspname from pg_namespace n, aclexplode(n.nspacl) a where n.nspname = 'tests' and a.grantee = 0 $$,
  'nor may PUBLIC');
select is_empty(
  $$ select p.oid::regprocedure::text from pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
      where p.pronamespace = 'tests'::regnamespace and a.grantee <> p.proowner $$,
  'its functions are executable by their owner only');
select is_empty($$ select p.proname from pg_proc p where p.pronamespace = 'tests'::regnamespace and p.prosecdef $$, 'and are all SECURITY INVOKER');
select throws_ok($$ select tests.id('nobody_at_all') $$, 'P0001', 'tests.id: no row of the test world is named ''nobody_at_all''', 'tests.id knows no other names');
select * from finish();

commit;
