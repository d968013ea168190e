-- contacts: members read their workspace's contacts and edit two columns (display_name, notes); contacts are created
-- by the webhook path (service role) only.
begin;
select plan(14);

-- The world of tests.seed_world() (00000_test_helpers.test.sql), written as the superuser and rolled back at the end:
--   workspace A (d…0a): a…01 owner, a…02 agent, a…04 admin, a…03 removed    workspace B (d…0b): b…01 owner
--   c…01 is signed in and belongs to no workspace. Each workspace has a sender (e…), a contact (f…), a conversation (9…).
select tests.seed_world();

-- an agent of A
select tests.act_as('agent_a');
select results_eq($$ select id from public.contacts $$, $$ values ('f0000000-0000-4000-8000-00000000000a'::uuid) $$, 'a member sees exactly their workspace''s contacts');
select results_eq(
  $$ update public.contacts set display_name = 'Lucía', notes = 'Prefers mornings' where id = 'f0000000-0000-4000-8000-00000000000a' returning display_name, notes $$,
  $$ values ('Lucía', 'Prefers mornings') $$, 'a member edits the name and notes');
select throws_ok($$ update public.contacts set phone = '+15550009999' where id = 'f0000000-0000-4000-8000-00000000000a' $$, '42501', null, 'but not the phone number');
select throws_ok($$ update public.contacts set distributor_id = 'd0000000-0000-4000-8000-00000000000b' where id = 'f0000000-0000-4000-8000-00000000000a' $$, '42501', null, 'nor moves a contact to another workspace');
select throws_ok($$ insert into public.contacts (distributor_id, wa_id) values ('d0000000-0000-4000-8000-00000000000a', '+15550003333') $$, '42501', null, 'nor inserts contacts');
select throws_ok($$ delete from public.contacts where id = 'f0000000-0000-4000-8000-00000000000a' $$, '42501', null, 'nor deletes them');

-- a member removed from A
reset role; select tests.act_as('removed_a');
select is_empty($$ select id from public.contacts $$, 'a removed member sees none');

-- the owner of B
reset role; select tests.act_as('owner_b');
select results_eq($$ select id from public.contacts $$, $$ values ('f0000000-0000-4000-8000-00000000000b'::uuid) $$, 'a member of another workspace sees exactly theirs');
select is_empty($$ update public.contacts set notes = 'mine now' where id = 'f0000000-0000-4000-8000-00000000000a' returning id $$, 'and cannot edit ours');

-- signed in, in no workspace
reset role; select tests.act_as('outsider');
select is_empty($$ select id from public.contacts $$, 'a user in no workspace sees none');
select is_empty($$ update public.contacts set notes = 'x' returning id $$, 'and edits none');

-- not signed in
reset role; select tests.act_as_anon();
select throws_ok($$ select id from public.contacts $$, '42501', null, 'anon reads nothing');
select throws_ok($$ update public.contacts set notes = 'x' $$, '42501', null, 'anon writes nothing');

reset role;
select results_eq(
  $$ select id, display_name, notes from public.contacts where id in ('f0000000-0000-4000-8000-00000000000a', 'f0000000-0000-4000-8000-00000000000b') order by id $$,
  $$ values ('f0000000-0000-4000-8000-00000000000a'::uuid, 'Lucía', 'Prefers mornings'), ('f0000000-0000-4000-8000-00000000000b'::uuid, null, null) $$,
  'only the member''s own edit took effect');

select * from finish();
rollback;
