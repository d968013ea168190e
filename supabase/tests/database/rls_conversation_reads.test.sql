-- conversation_reads: each member reads and moves only their own read cursors, on conversations of their workspaces
-- (the policy for user and workspace, the (conversation_id, distributor_id) key for the conversation).
begin;
select plan(16);

-- The world of tests.seed_world() (00000_test_helpers.test.sql), written as the superuser and rolled back at the end:
--   workspace A (d…0a): a…01 owner, a…02 agent, a…04 admin, a…03 removed    workspace B (d…0b): b…01 owner
--   c…01 is signed in and belongs to no workspace. Each workspace has a sender (e…), a contact (f…), a conversation (9…).
select tests.seed_world();
insert into public.conversation_reads (conversation_id, user_id, distributor_id, last_read_seq) values
  (tests.id('conversation_a'), tests.id('owner_a'), tests.id('workspace_a'), 1),
  (tests.id('conversation_b'), tests.id('owner_b'), tests.id('workspace_b'), 1);

-- the owner of A, who has a cursor
select tests.act_as('owner_a');
select results_eq($$ select conversation_id, user_id from public.conversation_reads $$,
  $$ values ('90000000-0000-4000-8000-00000000000a'::uuid, 'a0000000-0000-4000-8000-000000000001'::uuid) $$, 'a member sees exactly their own cursors');

-- an agent of A, who has none yet
reset role; select tests.act_as('agent_a');
select is_empty($$ select 1 from public.conversation_reads $$, 'not a teammate''s');
select results_eq(
  $$ insert into public.conversation_reads (conversation_id, distributor_id, last_read_seq) values ('90000000-0000-4000-8000-00000000000a', 'd0000000-0000-4000-8000-00000000000a', 5)
     returning user_id, last_read_seq $$,
  $$ values ('a0000000-0000-4000-8000-000000000002'::uuid, 5::bigint) $$, 'a member marks a conversation read with a cursor of their own');
select results_eq(
  $$ insert into public.conversation_reads as r (conversation_id, distributor_id, last_read_seq) values ('90000000-0000-4000-8000-00000000000a', 'd0000000-0000-4000-8000-00000000000a', 7)
     on conflict (conversation_id, user_id) do update set last_read_seq = excluded.last_read_seq returning last_read_seq $$,
  $$ values (7::bigint) $$, 'and moves it (upsert)');
select throws_ok(
  $$ insert into public.conversation_reads (conversation_id, user_id, distributor_id) values ('90000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-000000000004', 'd0000000-0000-4000-8000-00000000000a') $$,
  '42501', null, 'but writes no cursor for a teammate');
select is_empty($$ update public.conversation_reads set last_read_seq = 0 where user_id = 'a0000000-0000-4000-8000-000000000001' returning 1 $$, 'nor moves a teammate''s');
select throws_ok($$ delete from public.conversation_reads where user_id = 'a0000000-0000-4000-8000-000000000002' $$, '42501', null, 'cursors are not deleted');

-- a member removed from A
reset role; select tests.act_as('removed_a');
select throws_ok(
  $$ insert into public.conversation_reads (conversation_id, distributor_id) values ('90000000-0000-4000-8000-00000000000a', 'd0000000-0000-4000-8000-00000000000a') $$,
  '42501', null, 'a removed member marks nothing read');

-- the owner of B
reset role; select tests.act_as('owner_b');
select results_eq($$ select conversation_id from public.conversation_reads $$, $$ values ('90000000-0000-4000-8000-00000000000b'::uuid) $$, 'a member of another workspace sees exactly their own cursor');
select throws_ok(
  $$ insert into public.conversation_reads (conversation_id, distributor_id) values ('90000000-0000-4000-8000-00000000000a', 'd0000000-0000-4000-8000-00000000000a') $$,
  '42501', null, 'and cannot mark our conversation read under our workspace');
select throws_ok(
  $$ insert into public.conversation_reads (conversation_id, distributor_id) values ('90000000-0000-4000-8000-00000000000a', 'd0000000-0000-4000-8000-00000000000b') $$,
  '23503', null, 'nor under their own: the key ties the cursor to a conversation of that workspace');
select throws_ok(
  $$ insert into public.conversation_reads (conversation_id, distributor_id) values ('99999999-0000-4000-8000-000000000000', 'd0000000-0000-4000-8000-00000000000b') $$,
  '23503', null, 'with the same answer as for a conversation that does not exist');
select throws_ok(
  $$ update public.conversation_reads set conversation_id = '90000000-0000-4000-8000-00000000000a', distributor_id = 'd0000000-0000-4000-8000-00000000000a'
      where conversation_id = '90000000-0000-4000-8000-00000000000b' $$,
  '42501', null, 'nor move their own cursor onto our conversation');

-- signed in, in no workspace
reset role; select tests.act_as('outsider');
select is_empty($$ select 1 from public.conversation_reads $$, 'a user in no workspace sees none');

-- not signed in
reset role; select tests.act_as_anon();
select throws_ok($$ select 1 from public.conversation_reads $$, '42501', null, 'anon reads nothing');

reset role;
select results_eq(
  $$ select conversation_id, user_id, last_read_seq from public.conversation_reads
      where conversation_id in ('90000000-0000-4000-8000-00000000000a', '90000000-0000-4000-8000-00000000000b') order by conversation_id, user_id $$,
  $$ values ('90000000-0000-4000-8000-00000000000a'::uuid, 'a0000000-0000-4000-8000-000000000001'::uuid, 1::bigint),
            ('90000000-0000-4000-8000-00000000000a'::uuid, 'a0000000-0000-4000-8000-000000000002'::uuid, 7::bigint),
            ('90000000-0000-4000-8000-00000000000b'::uuid, 'b0000000-0000-4000-8000-000000000001'::uuid, 1::bigint) $$,
  'only the members'' own cursors were written');

select * from finish();
rollback;
