-- conversations: members read their workspace's conversations and assign, close and reopen them (assignee_id, status);
-- the preview columns are kept by triggers, and conversations are created by the webhook path.
begin;
select plan(15);

-- The world of tests.seed_world() (00000_test_helpers.test.sql), written as the superuser and rolled back at the end:
--   workspace A (d…0a): a…01 owner, a…02 agent, a…04 admin, a…03 removed    workspace B (d…0b): b…01 owner
--   c…01 is signed in and belongs to no workspace. Each workspace has a sender (e…), a contact (f…), a conversation (9…).
select tests.seed_world();

-- an agent of A
select tests.act_as('agent_a');
select results_eq($$ select id from public.conversations $$, $$ values ('90000000-0000-4000-8000-00000000000a'::uuid) $$, 'a member sees exactly their workspace''s conversations');
select results_eq(
  $$ update public.conversations set assignee_id = 'a0000000-0000-4000-8000-000000000001', status = 'closed'
      where id = '90000000-0000-4000-8000-00000000000a' returning assignee_id, status::text $$,
  $$ values ('a0000000-0000-4000-8000-000000000001'::uuid, 'closed') $$, 'a member assigns and closes');
select results_eq($$ update public.conversations set status = 'open' where id = '90000000-0000-4000-8000-00000000000a' returning status::text $$,
  $$ values ('open') $$, 'and reopens');
select throws_ok($$ update public.conversations set assignee_id = 'b0000000-0000-4000-8000-000000000001' where id = '90000000-0000-4000-8000-00000000000a' $$,
  '23503', null, 'the assignee must be a member of the same workspace');
select throws_ok($$ update public.conversations set last_message_preview = 'forged' where id = '90000000-0000-4000-8000-00000000000a' $$, '42501', null, 'the preview is not member-writable');
select throws_ok($$ update public.conversations set sender_id = 'e0000000-0000-4000-8000-00000000000b' where id = '90000000-0000-4000-8000-00000000000a' $$, '42501', null, 'nor is the sender');
select throws_ok(
  $$ insert into public.conversations (distributor_id, sender_id, contact_id)
     values ('d0000000-0000-4000-8000-00000000000a', 'e0000000-0000-4000-8000-00000000000a', 'f0000000-0000-4000-8000-00000000000a') $$,
  '42501', null, 'members do not create conversations');
select throws_ok($$ delete from public.conversations where id = '90000000-0000-4000-8000-00000000000a' $$, '42501', null, 'nor delete them');

-- a member removed from A
reset role; select tests.act_as('removed_a');
select is_empty($$ select id from public.conversations $$, 'a removed member sees none');
select is_empty($$ update public.conversations set status = 'closed' where id = '90000000-0000-4000-8000-00000000000a' returning id $$, 'and closes none');

-- the owner of B
reset role; select tests.act_as('owner_b');
select results_eq($$ select id from public.conversations $$, $$ values ('90000000-0000-4000-8000-00000000000b'::uuid) $$, 'a member of another workspace sees exactly theirs');
select is_empty($$ update public.conversations set status = 'closed', assignee_id = null where id = '90000000-0000-4000-8000-00000000000a' returning id $$, 'and cannot close or unassign ours');

-- signed in, in no workspace
reset role; select tests.act_as('outsider');
select is_empty($$ select id from public.conversations $$, 'a user in no workspace sees none');

-- not signed in
reset role; select tests.act_as_anon();
select throws_ok($$ select id from public.conversations $$, '42501', null, 'anon reads nothing');

reset role;
select results_eq(
  $$ select id, status::text, assignee_id from public.conversations
      where id in ('90000000-0000-4000-8000-00000000000a', '90000000-0000-4000-8000-00000000000b') order by id $$,
  $$ values ('90000000-0000-4000-8000-00000000000a'::uuid, 'open', 'a0000000-0000-4000-8000-000000000001'::uuid),
            ('90000000-0000-4000-8000-00000000000b'::uuid, 'open', null::uuid) $$,
  'only the member''s own changes took effect');

select * from finish();
rollback;
